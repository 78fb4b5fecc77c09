// WAL checkpoints: after the head is truncated, the oldest segments are condensed into
// wal/checkpoint.NNNNNNNN (a directory of segments in the WAL format) holding only the series
// still in the head and the samples at or after the truncation time; then those segments go.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/fs.h"
#include "core/result.h"
#include "tsdb/metrics.h"

namespace vigie::tsdb::wal {

struct CheckpointInfo {
  std::string dir;  // full path
  int index = -1;   // last segment it covers
};

// The newest complete checkpoint in `wal_dir`, if any (".tmp" leftovers are ignored/removed).
Result<std::optional<CheckpointInfo>> LastCheckpoint(fs::FileSystem& fs,
                                                     const std::string& wal_dir);

// Writes checkpoint.<to> from the previous checkpoint (if any) and segments [from, to], keeping
// series for which keep(ref) is true and their samples with t >= mint. Deletes older
// checkpoints on success. Does not delete segments (Wal::TruncateBefore(to + 1) does).
Status Checkpoint(fs::FileSystem& fs, const std::string& wal_dir, int from, int to,
                  const std::function<bool(uint64_t)>& keep, int64_t mint, WalMetrics* metrics);

}  // namespace vigie::tsdb::wal
