// The Gorilla XOR chunk with Prometheus's exact bit layout (see docs/format/chunks.md):
//   2 bytes big-endian sample count, then a bit stream:
//   sample 0: timestamp as signed varint, value as 64 raw bits;
//   sample 1: timestamp delta as unsigned varint, value XOR-encoded;
//   sample n: delta-of-delta in buckets '0' | '10'+14 | '110'+17 | '1110'+20 | '1111'+64 bits,
//             value XOR-encoded ('0' same | '10' reuse window | '11' 5-bit leading, 6-bit
//             significant count, significant bits).
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "storage/iterator.h"
#include "tsdb/chunkenc/bstream.h"

namespace vigie::tsdb::chunkenc {

enum class Encoding : uint8_t { kNone = 0, kXOR = 1 };

// The encoder state for appending to a chunk's bytes. Small (32 bytes) so the head can keep one
// per series; the bytes themselves live in the caller's buffer.
struct XorAppendState {
  int64_t t = 0;
  uint64_t v_bits = 0;
  uint64_t t_delta = 0;
  uint8_t leading = 0xff;
  uint8_t trailing = 0;
  uint8_t free_bits = 0;  // unused low bits of the buffer's last byte
  uint16_t num = 0;       // samples in the chunk (also in its first 2 bytes; kept here so an
                          // append need not read the start of the buffer: a cache miss)
};

// Starts an empty chunk in `buf` (clears it, writes the 2-byte count).
void XorInit(std::vector<uint8_t>* buf, XorAppendState* st);
// Number of samples in a chunk's bytes.
inline uint16_t XorNumSamples(std::span<const uint8_t> b) {
  return b.size() < 2 ? 0 : static_cast<uint16_t>((b[0] << 8) | b[1]);
}
// Appends one sample; timestamps must increase (the caller checks). At most 65535 samples.
void XorAppend(std::vector<uint8_t>* buf, XorAppendState* st, int64_t t, double v);
// Rebuilds the append state of an existing chunk (to continue appending after a reload).
bool XorRecoverState(std::span<const uint8_t> b, XorAppendState* st);

// Iterates a chunk's bytes (not owned: they must outlive the iterator). Corrupt bytes end the
// iteration with an error in Err().
class XorIterator final : public storage::SampleIterator {
 public:
  XorIterator() = default;
  explicit XorIterator(std::span<const uint8_t> b) { Reset(b); }
  void Reset(std::span<const uint8_t> b);

  bool Next() override;
  bool Seek(TimestampMs t) override;
  storage::Sample At() const override { return {t_, std::bit_cast<double>(v_bits_)}; }
  Status Err() const override;
  // Decodes on, appending the samples with mint <= t <= maxt to `out`; stops after the first
  // sample past maxt or at the end of the chunk. Check Err() afterwards.
  void AppendRange(int64_t mint, int64_t maxt, std::vector<storage::Sample>* out);

  int64_t t() const { return t_; }
  // After iterating to the end: the state an appender needs to continue this chunk.
  XorAppendState StateAtEnd() const;

 private:
  bool Fail();
  bool Step();
  bool ReadValue();

  BitReader br_;
  uint16_t total_ = 0;
  uint16_t read_ = 0;
  int64_t t_ = 0;
  uint64_t v_bits_ = 0;
  uint64_t t_delta_ = 0;
  uint8_t leading_ = 0;
  uint8_t trailing_ = 0;
  bool window_set_ = false;  // a '11' control has set leading_/trailing_
  bool err_ = false;
  bool done_ = false;
};

}  // namespace vigie::tsdb::chunkenc
