#include "load/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace vigie::load {

// Values below kSubBuckets map linearly to bucket v (magnitude 0). Above, a value with its top
// bit at position p (p >= kSubBucketBits) lands in magnitude p - kSubBucketBits + 1, in the
// sub-bucket given by its next kSubBucketBits bits below the top bit.
int LatencyHistogram::BucketIndex(uint64_t v) {
  if (v < static_cast<uint64_t>(kSubBuckets)) return static_cast<int>(v);
  int p = 63 - std::countl_zero(v);
  int mag = p - kSubBucketBits + 1;
  int sub = static_cast<int>((v >> (p - kSubBucketBits)) & (kSubBuckets - 1));
  return std::min(mag * kSubBuckets + sub, kBuckets - 1);
}

uint64_t LatencyHistogram::BucketUpperEdge(int index) {
  int mag = index / kSubBuckets, sub = index % kSubBuckets;
  if (mag == 0) return static_cast<uint64_t>(sub);
  int shift = mag - 1;
  uint64_t base = static_cast<uint64_t>(kSubBuckets + sub) << shift;
  return base + ((uint64_t{1} << shift) - 1);
}

LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& o) {
  for (int i = 0; i < kBuckets; ++i) {
    buckets_[i].store(o.buckets_[i].load(std::memory_order_relaxed), std::memory_order_relaxed);
  }
  count_.store(o.count_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  sum_.store(o.sum_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  max_.store(o.max_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  min_.store(o.min_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  return *this;
}

void LatencyHistogram::Record(uint64_t v) {
  v = std::min(v, kMaxMicros);
  buckets_[BucketIndex(v)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  uint64_t m = max_.load(std::memory_order_relaxed);
  while (v > m && !max_.compare_exchange_weak(m, v, std::memory_order_relaxed)) {
  }
  m = min_.load(std::memory_order_relaxed);
  while (v < m && !min_.compare_exchange_weak(m, v, std::memory_order_relaxed)) {
  }
}

void LatencyHistogram::Merge(const LatencyHistogram& o) {
  for (int i = 0; i < kBuckets; ++i) {
    uint64_t c = o.buckets_[i].load(std::memory_order_relaxed);
    if (c) buckets_[i].fetch_add(c, std::memory_order_relaxed);
  }
  count_.fetch_add(o.count(), std::memory_order_relaxed);
  sum_.fetch_add(o.sum_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  uint64_t om = o.max(), m = max_.load(std::memory_order_relaxed);
  while (om > m && !max_.compare_exchange_weak(m, om, std::memory_order_relaxed)) {
  }
  uint64_t on = o.min_.load(std::memory_order_relaxed), n = min_.load(std::memory_order_relaxed);
  while (on < n && !min_.compare_exchange_weak(n, on, std::memory_order_relaxed)) {
  }
}

void LatencyHistogram::Reset() {
  for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
  count_ = 0;
  sum_ = 0;
  max_ = 0;
  min_ = UINT64_MAX;
}

uint64_t LatencyHistogram::min() const {
  uint64_t m = min_.load(std::memory_order_relaxed);
  return m == UINT64_MAX ? 0 : m;
}

double LatencyHistogram::mean() const {
  uint64_t c = count();
  return c ? static_cast<double>(sum_.load(std::memory_order_relaxed)) / static_cast<double>(c)
           : 0.0;
}

uint64_t LatencyHistogram::Quantile(double q) const {
  uint64_t total = count();
  if (total == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(total))));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= rank) return std::min(BucketUpperEdge(i), max());
  }
  return max();
}

}  // namespace vigie::load
