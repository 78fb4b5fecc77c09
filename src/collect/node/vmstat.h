// /proc/vmstat: node_vmstat_<field> for the fields matching --collector.vmstat.fields.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::collect::node {

struct VmstatField {
  std::string_view name;  // points into the parsed text
  double value = 0;
};

Result<std::vector<VmstatField>> ParseVmstat(std::string_view text);

}  // namespace vigie::collect::node
