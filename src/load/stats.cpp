#include "load/stats.h"

namespace vigie::load {

uint64_t StepStats::http_errors() const {
  uint64_t n = 0;
  for (int s = 400; s < 600; ++s) n += statuses[s].load(std::memory_order_relaxed);
  return n;
}

Stats::Stats(const std::vector<std::string>& names) {
  total_.name = "total";
  for (const auto& n : names) {
    if (index_.count(n)) continue;
    index_[n] = steps_.size();
    auto s = std::make_unique<StepStats>();
    s->name = n;
    steps_.push_back(std::move(s));
  }
}

size_t Stats::StepIndex(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? 0 : it->second;
}

void Stats::Record(size_t step, ErrorKind kind, int status, uint64_t micros) {
  for (StepStats* s : {steps_[step].get(), &total_}) {
    s->requests.fetch_add(1, std::memory_order_relaxed);
    switch (kind) {
      case ErrorKind::kConnect:
        s->connect_errors.fetch_add(1, std::memory_order_relaxed);
        break;
      case ErrorKind::kTimeout:
        s->timeouts.fetch_add(1, std::memory_order_relaxed);
        break;
      case ErrorKind::kOther:
        s->other_errors.fetch_add(1, std::memory_order_relaxed);
        break;
      default:
        if (status >= 100 && status < 600)
          s->statuses[status].fetch_add(1, std::memory_order_relaxed);
        s->latency.Record(micros);
    }
  }
}

}  // namespace vigie::load
