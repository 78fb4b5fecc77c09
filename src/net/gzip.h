// gzip (RFC 1952) encoding and decoding: streaming on zlib, whole bodies on ISA-L.
// Encoder/decoder objects are single-threaded; the free functions are thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vigie::net {

// Compresses `data` into one gzip member. level: 1 (fast) .. 9 (small), -1 zlib default.
std::string GzipCompress(std::string_view data, int level = -1);

// Decompresses gzip data (concatenated members allowed). Fails on corrupt or truncated
// input, and with kResourceExhausted once the output would exceed `max_output` bytes.
Result<std::string> GzipDecompress(std::string_view data, size_t max_output);

// Streaming compressor: Write() appends compressed bytes to *out; with `flush` the output so
// far is decodable by the peer (Z_SYNC_FLUSH), for chunked streams. Finish() ends the member.
class GzipEncoder {
 public:
  explicit GzipEncoder(int level = -1);
  ~GzipEncoder();
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  void Write(std::string_view data, bool flush, std::string* out);
  void Finish(std::string* out);
  // Compresses a whole body into one gzip member appended to *out (ISA-L: several times
  // faster than the streaming path). Independent of Write/Finish.
  void CompressWhole(std::string_view data, std::string* out);
  // Starts a new member, keeping the allocated state (cheaper than a new encoder).
  void Reset();

 private:
  // CompressWhole's ISA-L path; false when ISA-L fails (out untouched).
  bool CompressStateless(std::string_view data, std::string* out);

  struct State;
  std::unique_ptr<State> state_;
};

// Streaming decompressor with an output limit; Feed() appends decoded bytes to *out.
class GzipDecoder {
 public:
  explicit GzipDecoder(size_t max_output);
  ~GzipDecoder();
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  Status Feed(std::string_view data, std::string* out);
  // True once a complete member has been decoded (trailing input must be another member).
  bool done() const;
  size_t total_out() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vigie::net
