// /proc/diskstats (+ udev's /run/udev/data/b<major>:<minor>): node_disk_*.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::collect::node {

struct DiskStats {
  uint32_t major = 0, minor = 0;
  std::string device;
  // The statistics after the device name, in kernel order (11 before Linux 4.18, 15 from 4.18,
  // 17 from 5.5): reads completed, reads merged, sectors read, ms reading, writes completed,
  // writes merged, sectors written, ms writing, I/Os in progress, ms doing I/O, weighted ms,
  // discards completed, discards merged, sectors discarded, ms discarding, flushes, ms flushing.
  std::vector<uint64_t> stats;
};

Result<std::vector<DiskStats>> ParseDiskstats(std::string_view text);

// udev's database entry for a device: the "E:KEY=value" property lines.
std::map<std::string, std::string> ParseUdevProperties(std::string_view text);

}  // namespace vigie::collect::node
