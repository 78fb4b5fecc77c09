// Loading the head from the WAL on start: the newest checkpoint, then the segments after it.
// A damaged tail is repaired (truncated after the last good record), counted and logged; it
// never stops the start.
#pragma once

#include <cstddef>
#include <string>

#include "core/fs.h"
#include "core/result.h"
#include "tsdb/head.h"
#include "tsdb/metrics.h"

namespace vigie::tsdb {

struct ReplayStats {
  uint64_t records = 0;
  uint64_t series = 0;
  uint64_t samples = 0;
  uint64_t corruptions = 0;
  uint64_t duplicate_series = 0;  // series records for labels already created under another ref
  int last_segment = -1;
};

// Records are read and decoded on the calling thread and applied on `shards` threads (0: one
// per CPU), each owning the series whose ref falls in it, so every series sees its samples in
// WAL order.
Result<ReplayStats> ReplayWal(fs::FileSystem& fs, const std::string& wal_dir, Head* head,
                              WalMetrics* metrics, size_t shards = 0);

}  // namespace vigie::tsdb
