// meta.json of a block (see docs/format/meta.md): same field names as Prometheus's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/result.h"

namespace vigie::tsdb {

struct BlockMeta {
  std::string ulid;
  int64_t min_time = 0;  // inclusive
  int64_t max_time = 0;  // exclusive
  uint64_t num_samples = 0;
  uint64_t num_series = 0;
  uint64_t num_chunks = 0;
  int level = 1;
  std::vector<std::string> sources;  // ULIDs of the level-1 blocks it was built from
  std::vector<std::string> parents;  // ULIDs of the blocks compacted into it
};

std::string EncodeMeta(const BlockMeta& m);
Result<BlockMeta> DecodeMeta(std::string_view json);
Result<BlockMeta> ReadMeta(fs::FileSystem& fs, const std::string& block_dir);

}  // namespace vigie::tsdb
