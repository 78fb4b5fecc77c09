// Iterating a series stored as a list of XOR chunks (head or block), restricted to [mint, maxt].
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "storage/iterator.h"
#include "tsdb/chunkenc/scaled_int.h"
#include "tsdb/chunkenc/xor.h"

namespace vigie::tsdb {

struct ChunkView {
  std::span<const uint8_t> bytes;
  int64_t mint = 0;
  int64_t maxt = 0;
  uint8_t encoding = 1;  // chunkenc::Encoding::kXOR or chunkenc::kScaledIntEncoding
};

// Appends the samples of one chunk with mint <= t <= maxt to `out`; the chunk's decoding error
// if it is corrupt (the samples before the damage stay appended).
Status AppendChunkSamples(const ChunkView& c, int64_t mint, int64_t maxt,
                          std::vector<storage::Sample>* out);

// `chunks` are ordered by time and do not overlap. The bytes are kept alive by `owner`
// (shared, e.g. a mapped block file) and/or `owned` (a private copy, e.g. of head chunks).
class ChunksIterator final : public storage::SampleIterator {
 public:
  ChunksIterator(std::vector<ChunkView> chunks, int64_t mint, int64_t maxt,
                 std::shared_ptr<const void> owner, std::vector<std::vector<uint8_t>> owned = {});
  bool Next() override;
  bool Seek(TimestampMs t) override;
  storage::Sample At() const override { return scaled_ ? int_.At() : it_.At(); }
  Status Err() const override { return err_; }

 private:
  bool OpenChunk(size_t i);
  bool Advance();  // Next within range, moving across chunks

  std::vector<ChunkView> chunks_;
  int64_t mint_, maxt_;
  std::shared_ptr<const void> owner_;
  std::vector<std::vector<uint8_t>> owned_;
  size_t cur_ = 0;
  bool opened_ = false;
  bool done_ = false;
  bool has_cur_ = false;  // positioned on a sample within range
  int64_t T() const { return scaled_ ? int_.t() : it_.t(); }
  chunkenc::XorIterator it_;
  chunkenc::ScaledIntIterator int_;
  bool scaled_ = false;
  Status err_;
};

}  // namespace vigie::tsdb
