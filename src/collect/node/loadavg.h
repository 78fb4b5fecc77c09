// /proc/loadavg: node_load1, node_load5, node_load15.
#pragma once

#include <array>
#include <string_view>

#include "core/result.h"

namespace vigie::collect::node {

Result<std::array<double, 3>> ParseLoadavg(std::string_view text);

}  // namespace vigie::collect::node
