// /proc/pressure/{cpu,io,memory} (PSI, Linux 4.20+): node_pressure_*_seconds_total.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace vigie::collect::node {

struct PressureStats {
  // Cumulative stall time in microseconds.
  uint64_t some_total_us = 0;
  uint64_t full_total_us = 0;
  bool has_some = false;
  bool has_full = false;
};

Result<PressureStats> ParsePressure(std::string_view text);

}  // namespace vigie::collect::node
