// A collector produces metric families on demand (once per scrape of the agent's /metrics).
// Collectors are independent: one failing is reported (node_scrape_collector_success 0) and
// never hides the others' output.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "expfmt/metric_family.h"

namespace vigie::collect {

class Collector {
 public:
  virtual ~Collector() = default;
  // Short name used in flags (--collector.<name>, --no-collector.<name>) and in
  // node_scrape_collector_{success,duration_seconds}{collector="<name>"}.
  virtual std::string_view Name() const = 0;
  // Appends this collector's families to `out`. Called from one thread at a time.
  virtual Status Collect(std::vector<expfmt::MetricFamily>* out) = 0;
};

}  // namespace vigie::collect
