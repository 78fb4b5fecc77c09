// The scrape layer's self-metrics, with the Prometheus server's names so that dashboards
// written for Prometheus work. Created once per Manager; families live in the given registry
// (or a private one) and are shared by every pool and loop.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "instrument/collector.h"
#include "instrument/registry.h"

namespace vigie::scrape {

// A summary over a sliding window of recent observations (quantiles 0.01, 0.05, 0.5, 0.9,
// 0.99, plus all-time _sum and _count), keyed by one label; Prometheus exposes
// prometheus_target_interval_length_seconds and prometheus_target_sync_length_seconds so.
class WindowedSummary final : public instrument::Collector {
 public:
  WindowedSummary(std::string name, std::string help, std::string label, size_t window = 1024);
  void Observe(const std::string& label_value, double v);
  void Collect(std::vector<expfmt::MetricFamily>* out) override;

 private:
  struct Series {
    std::vector<double> ring;
    size_t next = 0;
    uint64_t count = 0;
    double sum = 0;
  };
  std::string name_, help_, label_;
  size_t window_;
  std::mutex mu_;
  std::map<std::string, Series> series_;  // GUARDED_BY(mu_)
};

struct ScrapeMetrics {
  // Registers every family in `registry` (or a private registry when null).
  explicit ScrapeMetrics(instrument::Registry* registry);
  ~ScrapeMetrics();

  instrument::Registry* registry = nullptr;
  std::unique_ptr<instrument::Registry> owned_registry;

  instrument::CounterFamily* exceeded_sample_limit = nullptr;
  instrument::CounterFamily* exceeded_body_size_limit = nullptr;
  instrument::CounterFamily* sample_out_of_order = nullptr;
  instrument::CounterFamily* sample_duplicate_timestamp = nullptr;
  instrument::CounterFamily* sample_out_of_bounds = nullptr;
  instrument::CounterFamily* cache_flush_forced = nullptr;
  instrument::CounterFamily* exceeded_label_limits = nullptr;
  instrument::CounterFamily* exceeded_target_limit = nullptr;
  instrument::CounterFamily* pools_total = nullptr;
  instrument::CounterFamily* pools_failed = nullptr;
  instrument::CounterFamily* pool_reloads = nullptr;
  instrument::CounterFamily* pool_reloads_failed = nullptr;
  instrument::CounterFamily* pool_sync = nullptr;               // {scrape_job}
  instrument::GaugeFamily* pool_targets = nullptr;              // {scrape_job}
  instrument::GaugeFamily* pool_target_limit = nullptr;         // {scrape_job}
  instrument::CounterFamily* scrapes_total = nullptr;           // vigie_: {scrape_job}
  instrument::CounterFamily* scrape_failures_total = nullptr;   // vigie_: {scrape_job}
  instrument::CounterFamily* samples_appended_total = nullptr;  // vigie_: {scrape_job}
  WindowedSummary* interval_length = nullptr;                   // {interval}
  WindowedSummary* sync_length = nullptr;                       // {scrape_job}

 private:
  std::vector<std::unique_ptr<WindowedSummary>> summaries_;
  std::vector<std::string> registered_;  // families this object registered
};

}  // namespace vigie::scrape
