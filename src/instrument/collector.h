// A custom collector: metrics computed at scrape time (process stats, sizes of structures
// owned elsewhere) instead of being updated as things happen.
#pragma once

#include <vector>

#include "expfmt/metric_family.h"

namespace vigie::instrument {

class Collector {
 public:
  virtual ~Collector() = default;
  // Appends families to `out`. Sample labels carry __name__ (the full sample name, e.g.
  // foo_total, foo_bucket). The registry calls one collector from one thread at a time, and
  // never while holding a lock the collector could need, except the registry's own: Collect
  // must not register or unregister metrics.
  virtual void Collect(std::vector<expfmt::MetricFamily>* out) = 0;
};

}  // namespace vigie::instrument
