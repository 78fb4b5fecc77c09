#include "instrument/histogram.h"

#include <algorithm>

#include "core/time.h"

namespace vigie::instrument {

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  // First bound with v <= bound; the predicate stays true for NaN, which lands in +Inf.
  auto it = std::partition_point(bounds_.begin(), bounds_.end(),
                                 [v](double bound) { return !(v <= bound); });
  counts_[it - bounds_.begin()].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Snap() const {
  Snapshot s;
  SnapInto(&s);
  return s;
}

void Histogram::SnapInto(Snapshot* out) const {
  out->cumulative.resize(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out->cumulative[i] = running;
  }
  out->count = running;
  out->sum = sum_.load(std::memory_order_relaxed);
}

ScopedTimer::ScopedTimer(Histogram& h) : histogram_(h), start_ns_(MonotonicNs()) {}

ScopedTimer::~ScopedTimer() {
  histogram_.Observe(static_cast<double>(MonotonicNs() - start_ns_) / 1e9);
}

HistogramFamily::HistogramFamily(FamilyDesc desc, std::vector<double> bounds)
    : HistogramFamily(std::move(desc),
                      std::make_shared<const std::vector<double>>(std::move(bounds))) {}

HistogramFamily::HistogramFamily(FamilyDesc desc, std::shared_ptr<const std::vector<double>> bounds)
    : Family(std::move(desc), [bounds] { return std::make_unique<Histogram>(*bounds); }),
      bounds_(std::move(bounds)) {
  const std::string& base = family_name();
  bucket_name_ = base + "_bucket";
  sum_name_ = base + "_sum";
  count_name_ = base + "_count";
  for (double b : *bounds_) {
    le_text_.push_back(FormatBucketBound(b, false));
    le_openmetrics_.push_back(FormatBucketBound(b, true));
  }
  le_text_.push_back("+Inf");
  le_openmetrics_.push_back("+Inf");
}

void HistogramFamily::Emit(SampleSink& sink) const {
  sink.BeginFamily(desc());
  const std::vector<std::string>& le = sink.openmetrics() ? le_openmetrics_ : le_text_;
  Histogram::Snapshot s;
  ForEach([&](const Labels& labels, const Histogram& h) {
    h.SnapInto(&s);
    for (size_t i = 0; i < s.cumulative.size(); ++i) {
      sink.Sample(bucket_name_, labels, "le", le[i], static_cast<double>(s.cumulative[i]));
    }
    sink.Sample(sum_name_, labels, {}, {}, s.sum);
    sink.Sample(count_name_, labels, {}, {}, static_cast<double>(s.count));
  });
}

}  // namespace vigie::instrument
