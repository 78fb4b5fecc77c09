#include "scrape/metrics.h"

#include <algorithm>
#include <cmath>

#include "core/log.h"

namespace vigie::scrape {

WindowedSummary::WindowedSummary(std::string name, std::string help, std::string label,
                                 size_t window)
    : name_(std::move(name)), help_(std::move(help)), label_(std::move(label)), window_(window) {}

void WindowedSummary::Observe(const std::string& label_value, double v) {
  std::lock_guard lock(mu_);
  Series& s = series_[label_value];
  if (s.ring.size() < window_) {
    s.ring.push_back(v);
  } else {
    s.ring[s.next] = v;
    s.next = (s.next + 1) % window_;
  }
  ++s.count;
  s.sum += v;
}

void WindowedSummary::Collect(std::vector<expfmt::MetricFamily>* out) {
  expfmt::MetricFamily f;
  f.name = name_;
  f.type = expfmt::MetricType::kSummary;
  f.help = help_;
  std::lock_guard lock(mu_);
  for (const auto& [lv, s] : series_) {
    std::vector<double> sorted = s.ring;
    std::sort(sorted.begin(), sorted.end());
    for (double q : {0.01, 0.05, 0.5, 0.9, 0.99}) {
      double v = std::nan("");
      if (!sorted.empty()) {
        const size_t idx = std::min(sorted.size() - 1,
                                    static_cast<size_t>(q * static_cast<double>(sorted.size())));
        v = sorted[idx];
      }
      char qs[16];
      std::snprintf(qs, sizeof qs, "%g", q);
      f.samples.push_back({Labels{{"__name__", name_}, {label_, lv}, {"quantile", qs}}, v, {}});
    }
    f.samples.push_back({Labels{{"__name__", name_ + "_sum"}, {label_, lv}}, s.sum, {}});
    f.samples.push_back(
        {Labels{{"__name__", name_ + "_count"}, {label_, lv}}, static_cast<double>(s.count), {}});
  }
  out->push_back(std::move(f));
}

namespace {

template <typename F>
F* OrNull(Result<F*> r, std::string_view name) {
  if (!r.ok()) {
    log::Warn("cannot register scrape metric", {{"name", name}, {"err", r.error().message()}});
    return nullptr;
  }
  return *r;
}

}  // namespace

ScrapeMetrics::ScrapeMetrics(instrument::Registry* reg) {
  if (reg == nullptr) {
    owned_registry = std::make_unique<instrument::Registry>();
    reg = owned_registry.get();
  }
  registry = reg;
  auto counter = [&](const char* name, const char* help,
                     std::vector<std::string> labels = {}) -> instrument::CounterFamily* {
    auto* f = OrNull(
        reg->RegisterCounter({.name = name, .help = help, .label_names = std::move(labels)}), name);
    if (f != nullptr) registered_.emplace_back(name);
    return f;
  };
  auto gauge = [&](const char* name, const char* help,
                   std::vector<std::string> labels = {}) -> instrument::GaugeFamily* {
    auto* f = OrNull(
        reg->RegisterGauge({.name = name, .help = help, .label_names = std::move(labels)}), name);
    if (f != nullptr) registered_.emplace_back(name);
    return f;
  };
  exceeded_sample_limit =
      counter("prometheus_target_scrapes_exceeded_sample_limit_total",
              "Total number of scrapes that hit the sample limit and were rejected.");
  exceeded_body_size_limit = counter("prometheus_target_scrapes_exceeded_body_size_limit_total",
                                     "Total number of scrapes that hit the body size limit");
  sample_out_of_order =
      counter("prometheus_target_scrapes_sample_out_of_order_total",
              "Total number of samples rejected due to not being out of the expected order.");
  sample_duplicate_timestamp =
      counter("prometheus_target_scrapes_sample_duplicate_timestamp_total",
              "Total number of samples rejected due to duplicate timestamps but different values.");
  sample_out_of_bounds = counter(
      "prometheus_target_scrapes_sample_out_of_bounds_total",
      "Total number of samples rejected due to timestamp falling outside of the time bounds.");
  cache_flush_forced = counter(
      "prometheus_target_scrapes_cache_flush_forced_total",
      "How many times a scrape cache was flushed due to getting big while scrapes are failing.");
  exceeded_label_limits = counter(
      "prometheus_target_scrape_pool_exceeded_label_limits_total",
      "Total number of times scrape pools hit the label limits, during sync or config reload.");
  exceeded_target_limit = counter(
      "prometheus_target_scrape_pool_exceeded_target_limit_total",
      "Total number of times scrape pools hit the target limit, during sync or config reload.");
  pools_total = counter("prometheus_target_scrape_pools_total",
                        "Total number of scrape pool creation attempts.");
  pools_failed = counter("prometheus_target_scrape_pools_failed_total",
                         "Total number of scrape pool creations that failed.");
  pool_reloads = counter("prometheus_target_scrape_pool_reloads_total",
                         "Total number of scrape pool reloads.");
  pool_reloads_failed = counter("prometheus_target_scrape_pool_reloads_failed_total",
                                "Total number of failed scrape pool reloads.");
  pool_sync = counter("prometheus_target_scrape_pool_sync_total",
                      "Total number of syncs that were executed on a scrape pool.", {"scrape_job"});
  pool_targets = gauge("prometheus_target_scrape_pool_targets",
                       "Current number of targets in this scrape pool.", {"scrape_job"});
  pool_target_limit =
      gauge("prometheus_target_scrape_pool_target_limit",
            "Maximum number of targets allowed in this scrape pool.", {"scrape_job"});
  scrapes_total = counter("vigie_scrapes_total", "Scrapes attempted, by job.", {"scrape_job"});
  scrape_failures_total = counter("vigie_scrape_failures_total",
                                  "Scrapes that failed (target down), by job.", {"scrape_job"});
  samples_appended_total =
      counter("vigie_scrape_samples_appended_total",
              "Samples appended to storage by scrapes, by job.", {"scrape_job"});
  auto summary = [&](const char* name, const char* help, const char* label) {
    auto s = std::make_unique<WindowedSummary>(name, help, label);
    WindowedSummary* raw = s.get();
    Status st = reg->RegisterCollector(raw);
    if (!st.ok()) {
      log::Warn("cannot register scrape metric", {{"name", name}, {"err", st.error().message()}});
      return static_cast<WindowedSummary*>(nullptr);
    }
    summaries_.push_back(std::move(s));
    return raw;
  };
  interval_length = summary("prometheus_target_interval_length_seconds",
                            "Actual intervals between scrapes.", "interval");
  sync_length = summary("prometheus_target_sync_length_seconds",
                        "Actual interval to sync the scrape pool.", "scrape_job");
}

ScrapeMetrics::~ScrapeMetrics() {
  for (auto& s : summaries_) registry->UnregisterCollector(s.get());
  if (owned_registry == nullptr) {
    for (const std::string& name : registered_) registry->Unregister(name);
  }
}

}  // namespace vigie::scrape
