#include "collect/collector_set.h"

#include <chrono>

#include "collect/family_builder.h"
#include "core/log.h"

namespace vigie::collect {

CollectorSet::CollectorSet(std::vector<std::unique_ptr<Collector>> collectors) {
  for (auto& c : collectors) Add(std::move(c));
}

void CollectorSet::Add(std::unique_ptr<Collector> c) {
  std::lock_guard lock(mu_);
  collectors_.push_back(Entry{std::move(c), {}});
}

void CollectorSet::Gather(std::vector<expfmt::MetricFamily>* out) {
  std::lock_guard lock(mu_);
  using T = expfmt::MetricType;
  FamilyBuilder duration("node_scrape_collector_duration_seconds", T::kGauge,
                         "vigie agent: Duration of a collector scrape.");
  FamilyBuilder success("node_scrape_collector_success", T::kGauge,
                        "vigie agent: Whether a collector succeeded.");
  for (auto& e : collectors_) {
    auto start = std::chrono::steady_clock::now();
    Status st = e.collector->Collect(out);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string name(e.collector->Name());
    duration.Add({{"collector", name}}, seconds);
    success.Add({{"collector", name}}, st.ok() ? 1 : 0);
    if (st.ok()) {
      if (!e.last_error.empty()) log::Info("collector recovered", {{"collector", name}});
      e.last_error.clear();
      continue;
    }
    const std::string& msg = st.error().message();
    if (msg == e.last_error) continue;
    e.last_error = msg;
    if (st.error().code() == ErrorCode::kNotFound) {
      log::Debug("collector returned no data", {{"collector", name}, {"err", msg}});
    } else {
      log::Error("collector failed", {{"collector", name}, {"err", msg}});
    }
  }
  duration.MoveTo(out);
  success.MoveTo(out);
}

}  // namespace vigie::collect
