// /proc/meminfo: node_memory_<Field>[_bytes] gauges.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::collect::node {

struct MeminfoField {
  // node-exporter's name: "Active(anon)" -> "Active_anon"; "_bytes" appended when the line has a
  // unit (kB, converted to bytes); HugePages_Total and friends have none.
  std::string name;
  double value = 0;
};

Result<std::vector<MeminfoField>> ParseMeminfo(std::string_view text);

}  // namespace vigie::collect::node
