// A log-linear latency histogram (HdrHistogram-like): 1 µs to 60 s with relative error under
// 1% (128 linear sub-buckets per power of two). Recording is a relaxed atomic add, so many
// user threads can record into one histogram without locks.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace vigie::load {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;  // 128 sub-buckets: error <= 1/128 < 1%
  static constexpr int kSubBuckets = 1 << kSubBucketBits;
  static constexpr uint64_t kMaxMicros = 60'000'000;  // 60 s; larger values are clamped
  static constexpr int kMagnitudes = 26;              // 2^26 µs > 60 s
  static constexpr int kBuckets = (kMagnitudes + 1) * kSubBuckets;

  LatencyHistogram() { Reset(); }
  LatencyHistogram(const LatencyHistogram& o) { *this = o; }
  LatencyHistogram& operator=(const LatencyHistogram& o);

  void Record(uint64_t micros);
  // Adds `o`'s counts into this one.
  void Merge(const LatencyHistogram& o);
  void Reset();

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  uint64_t max() const { return max_.load(std::memory_order_relaxed); }
  uint64_t min() const;
  double mean() const;
  // Value at quantile q in [0, 1] (upper edge of the bucket holding it, clamped to max).
  uint64_t Quantile(double q) const;

  // Index of the bucket for a value, and the highest value in a bucket (exposed for tests).
  static int BucketIndex(uint64_t micros);
  static uint64_t BucketUpperEdge(int index);

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_{0};
  std::atomic<uint64_t> max_{0};
  std::atomic<uint64_t> min_{UINT64_MAX};
};

}  // namespace vigie::load
