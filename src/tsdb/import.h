// Backfill and inspection: what `vigie tsdb import openmetrics` and `vigie tsdb analyze` do.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/result.h"
#include "tsdb/block_meta.h"

namespace vigie::tsdb {

struct ImportOptions {
  int64_t block_duration_ms = 2 * 3600 * 1000;  // blocks are aligned to multiples of this
  int samples_per_chunk = 120;
  bool scaled_int_chunks = true;  // see Options::block_scaled_int_chunks
};

struct ImportResult {
  std::vector<BlockMeta> blocks;
  uint64_t samples = 0;
  uint64_t rejected = 0;  // out of order or duplicate within the file
};

// Like `promtool tsdb create-blocks-from openmetrics`: reads an OpenMetrics text file whose
// samples all carry timestamps, and writes one block per aligned block range into `out_dir`.
// The file is parsed once per block range, so memory is bounded by one block's data.
Result<ImportResult> ImportOpenMetrics(fs::FileSystem& fs, const std::string& file,
                                       const std::string& out_dir, const ImportOptions& opts);

struct LabelStat {
  std::string name;
  uint64_t count = 0;
};

struct AnalyzeResult {
  size_t blocks = 0;
  int64_t min_time = 0, max_time = 0;
  uint64_t series = 0;  // distinct label sets across blocks
  uint64_t samples = 0;
  uint64_t chunks = 0;
  uint64_t chunk_bytes = 0;  // chunk files
  uint64_t index_bytes = 0;
  uint64_t total_bytes = 0;                      // blocks on disk
  std::vector<LabelStat> label_names_by_values;  // names with most distinct values
  std::vector<LabelStat> label_pairs_by_series;  // name=value pairs in most series
  std::vector<LabelStat> metrics_by_series;      // __name__ values with most series
};

// Reads every block under `dir` (not the WAL). `top` limits each list.
Result<AnalyzeResult> Analyze(fs::FileSystem& fs, const std::string& dir, size_t top);
std::string FormatAnalyze(const AnalyzeResult& r);

}  // namespace vigie::tsdb
