// Runs a set of collectors for one scrape and reports on each, as node-exporter does:
// node_scrape_collector_duration_seconds{collector} and node_scrape_collector_success{collector}.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collect/collector.h"
#include "expfmt/metric_family.h"

namespace vigie::collect {

class CollectorSet {
 public:
  CollectorSet() = default;
  explicit CollectorSet(std::vector<std::unique_ptr<Collector>> collectors);

  void Add(std::unique_ptr<Collector> c);
  size_t size() const { return collectors_.size(); }

  // Runs every collector in turn (one Gather at a time; concurrent callers wait) and appends
  // their families, then the two scrape families. A failing collector keeps what it appended
  // before failing, gets success 0, and is logged when its error changes (not on every scrape).
  // An error with code kNotFound means "no data here" (e.g. no PSI) and is logged at debug level.
  void Gather(std::vector<expfmt::MetricFamily>* out);

 private:
  struct Entry {
    std::unique_ptr<Collector> collector;
    std::string last_error;  // to log each distinct failure once
  };
  std::mutex mu_;
  std::vector<Entry> collectors_;  // guarded by mu_ during Gather
};

}  // namespace vigie::collect
