// A target group: what service discovery produces. Each target is a label set holding at least
// __address__ (plus __meta_* labels); `labels` apply to every target of the group unless the
// target sets the same name. `source` identifies the group within its discoverer, so a later
// update with the same source replaces it (an update with no targets removes it).
#pragma once

#include <string>
#include <vector>

#include "core/labels.h"

namespace vigie::scrape {

inline constexpr std::string_view kAddressLabel = "__address__";
inline constexpr std::string_view kMetricsPathLabel = "__metrics_path__";
inline constexpr std::string_view kSchemeLabel = "__scheme__";
inline constexpr std::string_view kScrapeIntervalLabel = "__scrape_interval__";
inline constexpr std::string_view kScrapeTimeoutLabel = "__scrape_timeout__";
inline constexpr std::string_view kParamLabelPrefix = "__param_";
inline constexpr std::string_view kMetaLabelPrefix = "__meta_";
inline constexpr std::string_view kReservedLabelPrefix = "__";
inline constexpr std::string_view kJobLabel = "job";
inline constexpr std::string_view kInstanceLabel = "instance";

struct TargetGroup {
  std::vector<Labels> targets;
  Labels labels;
  std::string source;

  friend bool operator==(const TargetGroup&, const TargetGroup&) = default;
};

}  // namespace vigie::scrape
