// Loading the head from the WAL on start: the newest checkpoint, then the segments after it.
// A damaged tail is repaired (truncated after the last good record), counted and logged; it
// never stops the start.
#pragma once

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
  int last_segment = -1;
};

Result<ReplayStats> ReplayWal(fs::FileSystem& fs, const std::string& wal_dir, Head* head,
                              WalMetrics* metrics);

}  // namespace vigie::tsdb
