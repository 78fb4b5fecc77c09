// One series in the head: its labels and its chunks (closed ones plus the open head chunk).
// Guarded by the head's striped series locks (Head::SeriesLock(ref)).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "storage/appender.h"
#include "tsdb/chunkenc/xor.h"
#include "tsdb/packed_labels.h"

namespace vigie::tsdb {

struct MemChunk {
  std::unique_ptr<uint8_t[]> data;
  uint32_t size = 0;
  int64_t mint = 0;
  int64_t maxt = 0;
  std::span<const uint8_t> bytes() const { return {data.get(), size}; }
};

struct MemSeries {
  MemSeries(storage::SeriesRef r, uint64_t h, const Labels& l) : ref(r), hash(h), labels(l) {}

  // Appends (t must be > max_time). Cuts a new chunk at `samples_per_chunk` samples or when t
  // crosses the next multiple of `chunk_range`. Returns true when a chunk was cut/created.
  bool Append(int64_t t, double v, int64_t chunk_range, int samples_per_chunk);
  // Drops closed chunks (and the head chunk) ending before `mint`. Returns chunks removed.
  int TruncateBefore(int64_t mint);
  bool Empty() const { return head.empty() && closed.empty(); }
  int NumChunks() const { return static_cast<int>(closed.size()) + (head.empty() ? 0 : 1); }
  int64_t MinTime() const;

  const storage::SeriesRef ref;
  const uint64_t hash;
  const PackedLabels labels;
  std::vector<MemChunk> closed;
  std::vector<uint8_t> head;  // bytes of the open chunk; empty when there is none
  chunkenc::XorAppendState app;
  int64_t head_mint = 0;
  int64_t next_cut = 0;
  int64_t max_time = std::numeric_limits<int64_t>::min();
  uint32_t pending_commits = 0;    // samples appended but not committed; blocks GC
  MemSeries* hash_next = nullptr;  // chain of the head's hash index (under its stripe lock)
};

}  // namespace vigie::tsdb
