// Block chunk files chunks/000001, 000002, ... (see docs/format/chunks.md): the same layout as
// Prometheus's: an 8-byte header (magic 0x85BD40DD, version 1, 3 bytes padding), then per chunk
// uvarint(len(data)) | encoding (1 byte) | data | CRC32C(encoding, data) (4 bytes BE).
// A chunk reference is (file sequence << 32) | byte offset, the sequence 0 being 000001.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/result.h"
#include "tsdb/mapped_file.h"

namespace vigie::tsdb {

inline constexpr uint32_t kChunksMagic = 0x85BD40DD;
inline constexpr size_t kChunksHeaderSize = 8;
inline constexpr uint64_t kDefaultChunkSegmentSize = 512ULL * 1024 * 1024;

class ChunksWriter {
 public:
  ChunksWriter(fs::FileSystem& fs, std::string dir,
               uint64_t segment_size = kDefaultChunkSegmentSize)
      : fs_(fs), dir_(std::move(dir)), segment_size_(segment_size) {}
  // Appends a chunk's bytes with its encoding byte and returns its reference.
  Result<uint64_t> Write(std::span<const uint8_t> data, uint8_t encoding = 1);
  // Flushes, fsyncs and closes the current file.
  Status Close();
  uint64_t bytes_written() const { return total_; }

 private:
  Status Cut();
  Status FlushBuf();

  fs::FileSystem& fs_;
  std::string dir_;
  uint64_t segment_size_;
  std::unique_ptr<fs::WritableFile> file_;
  int seq_ = -1;
  uint64_t offset_ = 0;
  uint64_t total_ = 0;
  std::string buf_;
};

class ChunksReader {
 public:
  static Result<std::unique_ptr<ChunksReader>> Open(fs::FileSystem& fs, const std::string& dir);
  struct ChunkData {
    std::span<const uint8_t> bytes;  // without length, encoding and CRC
    uint8_t encoding = 1;
  };
  // A chunk; error if the reference is out of range or the encoding unknown. `verify` also
  // checks the CRC.
  Result<ChunkData> Chunk(uint64_t ref, bool verify = false) const;
  uint64_t size() const;
  const std::vector<std::shared_ptr<MappedFile>>& files() const { return files_; }

 private:
  std::vector<std::shared_ptr<MappedFile>> files_;
  std::string dir_;
};

std::string ChunkFileName(int seq);

}  // namespace vigie::tsdb
