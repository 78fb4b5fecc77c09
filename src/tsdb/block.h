// Immutable on-disk blocks: <dir>/<ULID>/{meta.json, index, chunks/000001...}.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/fs.h"
#include "storage/querier.h"
#include "tsdb/block_meta.h"
#include "tsdb/chunks_file.h"
#include "tsdb/index/index.h"

namespace vigie::tsdb {

struct BlockWriteOptions {
  int samples_per_chunk = 120;
  // false: every chunk is XOR (Prometheus's encoding). true: a chunk is written in vigie's
  // scaled-integer encoding when that is smaller (docs/format/chunks.md).
  bool allow_scaled_int = true;
  int level = 1;
  std::vector<std::string> sources;  // empty: the new block is its own source
  std::vector<std::string> parents;
  int64_t now_ms = 0;  // for the ULID; 0 = current time
};

// Writes the samples of `set` (sorted by labels) within [mint, maxt) as a new block under
// `parent_dir`, re-encoding them into chunks of at most `samples_per_chunk`. The block is
// written to "<ulid>.tmp" and renamed when complete, so a crash never leaves half a block.
// A set with no samples in range writes nothing and returns a meta with num_samples == 0.
Result<BlockMeta> WriteBlock(fs::FileSystem& fs, const std::string& parent_dir, int64_t mint,
                             int64_t maxt, storage::SeriesSet& set, const BlockWriteOptions& opts);

class Block final : public storage::Queryable, public std::enable_shared_from_this<Block> {
 public:
  // Reads meta.json, validates the index (checksums of its tables) and the chunk files' headers.
  static Result<std::shared_ptr<Block>> Open(fs::FileSystem& fs, const std::string& dir);

  Result<std::unique_ptr<storage::Querier>> NewQuerier(TimestampMs mint, TimestampMs maxt) override;

  const BlockMeta& meta() const { return meta_; }
  const std::string& dir() const { return dir_; }
  // Bytes on disk: index + chunk files (+ meta.json).
  uint64_t size_bytes() const { return size_; }
  const index::IndexReader& index() const { return *index_; }
  const ChunksReader& chunks() const { return *chunks_; }

 private:
  Block() = default;
  std::string dir_;
  BlockMeta meta_;
  std::unique_ptr<index::IndexReader> index_;
  std::unique_ptr<ChunksReader> chunks_;
  uint64_t size_ = 0;
};

// A Querier over several blocks (ordered by time; they may overlap) as one source: a series held
// by several blocks is one series whose samples come from each block in turn (merged by
// timestamp where blocks overlap, the earlier block winning a duplicate timestamp).
std::unique_ptr<storage::Querier> NewBlocksQuerier(std::vector<std::shared_ptr<const Block>> blocks,
                                                   TimestampMs mint, TimestampMs maxt);

}  // namespace vigie::tsdb
