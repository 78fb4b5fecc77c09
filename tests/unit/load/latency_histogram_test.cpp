#include "load/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

namespace vigie::load {
namespace {

TEST(LatencyHistogram, RelativeErrorUnderOnePercentAcrossTheRange) {
  for (uint64_t v = 1; v <= LatencyHistogram::kMaxMicros; v = v * 3 / 2 + 1) {
    int i = LatencyHistogram::BucketIndex(v);
    uint64_t hi = LatencyHistogram::BucketUpperEdge(i);
    ASSERT_GE(hi, v) << v;
    EXPECT_LE(static_cast<double>(hi - v) / static_cast<double>(v), 0.01) << v;
  }
}

TEST(LatencyHistogram, QuantilesMatchSortedData) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> d(8, 1.5);
  std::vector<uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 20000; ++i) {
    uint64_t v =
        std::clamp<uint64_t>(static_cast<uint64_t>(d(rng)), 1, LatencyHistogram::kMaxMicros);
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    uint64_t exact = values[static_cast<size_t>(std::ceil(q * values.size())) - 1];
    uint64_t got = h.Quantile(q);
    EXPECT_NEAR(static_cast<double>(got), static_cast<double>(exact), exact * 0.01 + 1) << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.count(), 20000u);
}

TEST(LatencyHistogram, ConcurrentRecordingAndMerge) {
  LatencyHistogram h;
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&h] {
      for (int i = 1; i <= 10000; ++i) h.Record(static_cast<uint64_t>(i));
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(h.count(), 40000u);
  LatencyHistogram other;
  other.Record(100'000'000);  // clamped to 60 s
  h.Merge(other);
  EXPECT_EQ(h.count(), 40001u);
  EXPECT_EQ(h.max(), LatencyHistogram::kMaxMicros);
}

}  // namespace
}  // namespace vigie::load
