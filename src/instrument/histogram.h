// Histogram (classic buckets): counts observations (request durations, response sizes) into
// buckets with inclusive upper bounds, plus their sum and count.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "instrument/buckets.h"
#include "instrument/family.h"

namespace vigie::instrument {

// One histogram series. Observe finds the bucket by binary search, then does a relaxed atomic
// add on the bucket counter and a compare-and-swap on the sum: lock-free, any thread.
// The count is the sum of the buckets, so a scrape always sees +Inf bucket == count; the sum
// may lag by observations in flight.
class alignas(64) Histogram final : public ChildBase {
 public:
  // `bounds` (validated, increasing) must outlive the histogram; its family owns them.
  explicit Histogram(std::span<const double> bounds);

  // `v` goes into the first bucket whose bound is >= v (le is inclusive); NaN and +Inf go
  // into the +Inf bucket only.
  void Observe(double v);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    uint64_t count = 0;
    double sum = 0;
  };
  Snapshot Snap() const;
  // Same, reusing `out`'s storage (no allocation once it has the right size).
  void SnapInto(Snapshot* out) const;
  std::span<const double> bounds() const { return bounds_; }

 private:
  std::span<const double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
};

// Observes the seconds between construction and destruction into a histogram.
class ScopedTimer {
 public:
  explicit ScopedTimer(Histogram& h);
  ~ScopedTimer();
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  Histogram& histogram_;
  int64_t start_ns_;
};

class HistogramFamily final : public Family<Histogram> {
 public:
  // `bounds` as returned by CheckBuckets.
  HistogramFamily(FamilyDesc desc, std::vector<double> bounds);
  void Emit(SampleSink& sink) const override;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  HistogramFamily(FamilyDesc desc, std::shared_ptr<const std::vector<double>> bounds);

  // Shared with the child factory, which may run before this member is initialised.
  std::shared_ptr<const std::vector<double>> bounds_;
  std::vector<std::string> le_text_;         // text 0.0.4 spelling, then "+Inf"
  std::vector<std::string> le_openmetrics_;  // OpenMetrics spelling, then "+Inf"
  std::string bucket_name_, sum_name_, count_name_;
};

}  // namespace vigie::instrument
