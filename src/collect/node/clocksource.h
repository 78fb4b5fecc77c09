// The time collector's sources: the clock (node_time_seconds, node_time_zone_offset_seconds) and
// /sys/devices/system/clocksource/clocksource<N>/{available,current}_clocksource.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigie::collect::node {

struct ClockSource {
  std::vector<std::string> available;
  std::string current;
};

// available_clocksource is a space-separated list; current_clocksource one name.
ClockSource ParseClockSource(std::string_view available, std::string_view current);

}  // namespace vigie::collect::node
