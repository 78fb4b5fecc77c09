// Counter, Gauge and Histogram children: values, rejected updates, exact totals under threads.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "instrument/registry.h"

namespace vigie::instrument {
namespace {

template <typename Fn>
void RunThreads(int threads, Fn fn) {
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) ts.emplace_back(fn, t);
  for (auto& t : ts) t.join();
}

TEST(Counter, IncAndAdd) {
  Counter c;
  EXPECT_EQ(c.Value(), 0);
  c.Inc();
  EXPECT_TRUE(c.Add(2));
  EXPECT_TRUE(c.Add(0.5));
  EXPECT_DOUBLE_EQ(c.Value(), 3.5);
  EXPECT_TRUE(c.Add(INFINITY));
  EXPECT_EQ(c.Value(), INFINITY);
}

TEST(Counter, RejectsNegativeAndNaN) {
  Counter c;
  c.Add(5);
  EXPECT_FALSE(c.Add(-1));
  EXPECT_FALSE(c.Add(-0.5));
  EXPECT_FALSE(c.Add(NAN));
  EXPECT_EQ(c.Value(), 5);
}

TEST(Counter, ManyThreadsGiveExactTotal) {
  Registry r;
  CounterFamily* f = *r.RegisterCounter({.name = "events_total", .help = "h"});
  Counter& c = f->Get();
  constexpr int kThreads = 8, kPerThread = 50000;
  RunThreads(kThreads, [&](int) {
    for (int i = 0; i < kPerThread; ++i) c.Inc();
  });
  EXPECT_EQ(c.Value(), kThreads * kPerThread);
}

TEST(Counter, ManyThreadsFractionalAddsGiveExactTotal) {
  Counter c;
  constexpr int kThreads = 4, kPerThread = 20000;
  RunThreads(kThreads, [&](int) {
    for (int i = 0; i < kPerThread; ++i) c.Add(0.25);  // exact in binary
  });
  EXPECT_EQ(c.Value(), kThreads * kPerThread * 0.25);
}

TEST(Counter, ThreadsResolvingChildrenConcurrentlyShareThem) {
  Registry r;
  CounterFamily* f = *r.RegisterCounter({.name = "req", .label_names = {"code"}});
  constexpr int kThreads = 6, kPerThread = 20000;
  RunThreads(kThreads, [&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      f->WithLabelValues({i % 2 ? "200" : "500"}).Inc();
      if (i % 1000 == 0) f->WithLabelValues({"t" + std::to_string(t)}).Inc();
    }
  });
  EXPECT_EQ(f->WithLabelValues({"200"}).Value(), kThreads * kPerThread / 2);
  EXPECT_EQ(f->WithLabelValues({"500"}).Value(), kThreads * kPerThread / 2);
  EXPECT_EQ(f->size(), 2u + kThreads);
}

TEST(Gauge, Operations) {
  Gauge g;
  g.Set(10);
  g.Inc();
  g.Dec();
  g.Dec();
  g.Add(2.5);
  g.Sub(0.5);
  EXPECT_DOUBLE_EQ(g.Value(), 11);
  g.Set(-3);
  EXPECT_EQ(g.Value(), -3);
}

TEST(Gauge, SetToCurrentTime) {
  Gauge g;
  double before =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  g.SetToCurrentTime();
  double after =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GE(g.Value(), before);
  EXPECT_LE(g.Value(), after);
}

TEST(Gauge, ConcurrentAddsGiveExactValue) {
  Gauge g;
  constexpr int kThreads = 4, kPerThread = 20000;
  RunThreads(kThreads, [&](int t) {
    for (int i = 0; i < kPerThread; ++i) t % 2 ? g.Inc() : g.Add(2);
  });
  EXPECT_EQ(g.Value(), (kThreads / 2) * kPerThread * 3);
}

TEST(Histogram, UpperBoundsAreInclusive) {
  std::vector<double> bounds = {0.5, 1, 2};
  Histogram h(bounds);
  h.Observe(0.5);         // le="0.5"
  h.Observe(0.50000001);  // le="1"
  h.Observe(1);           // le="1"
  h.Observe(2);           // le="2"
  h.Observe(2.1);         // +Inf only
  h.Observe(-7);          // le="0.5"
  Histogram::Snapshot s = h.Snap();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 4, 5, 6}));
  EXPECT_EQ(s.count, 6u);
  EXPECT_DOUBLE_EQ(s.sum, 0.5 + 0.50000001 + 1 + 2 + 2.1 - 7);
}

TEST(Histogram, NaNAndInfinityGoToTheInfBucket) {
  std::vector<double> bounds = {1};
  Histogram h(bounds);
  h.Observe(NAN);
  h.Observe(INFINITY);
  h.Observe(-INFINITY);
  Histogram::Snapshot s = h.Snap();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{1, 3}));
  EXPECT_TRUE(std::isnan(s.sum));
}

TEST(Histogram, ManyThreadsGiveExactCountsAndSum) {
  std::vector<double> bounds = {1, 2, 3};
  Histogram h(bounds);
  constexpr int kThreads = 4, kPerThread = 25000;
  RunThreads(kThreads, [&](int t) {
    for (int i = 0; i < kPerThread; ++i) h.Observe(t);  // 0,1,2,3
  });
  Histogram::Snapshot s = h.Snap();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2 * kPerThread, 3 * kPerThread, 4 * kPerThread,
                                                 4 * kPerThread}));
  EXPECT_EQ(s.sum, 6.0 * kPerThread);
}

TEST(Histogram, ScopedTimerObservesOnce) {
  std::vector<double> bounds = {1000};
  Histogram h(bounds);
  { ScopedTimer t(h); }
  Histogram::Snapshot s = h.Snap();
  EXPECT_EQ(s.count, 1u);
  EXPECT_GE(s.sum, 0);
}

TEST(Buckets, Layouts) {
  EXPECT_EQ(DefaultBuckets(),
            (std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}));
  EXPECT_EQ(LinearBuckets(1, 2, 4), (std::vector<double>{1, 3, 5, 7}));
  EXPECT_EQ(ExponentialBuckets(100, 10, 3), (std::vector<double>{100, 1000, 10000}));
  EXPECT_TRUE(LinearBuckets(1, 0, 4).empty());
  EXPECT_TRUE(LinearBuckets(1, 1, 0).empty());
  EXPECT_TRUE(ExponentialBuckets(0, 2, 3).empty());
  EXPECT_TRUE(ExponentialBuckets(1, 1, 3).empty());
}

TEST(Buckets, Check) {
  EXPECT_EQ(*CheckBuckets({1, 2, INFINITY}), (std::vector<double>{1, 2}));
  EXPECT_FALSE(CheckBuckets({}).ok());
  EXPECT_FALSE(CheckBuckets({INFINITY}).ok());
  EXPECT_FALSE(CheckBuckets({1, NAN}).ok());
  Result<std::vector<double>> r = CheckBuckets({1, 3, 2});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("strictly increasing"), std::string::npos);
  EXPECT_FALSE(CheckBuckets({1, 1}).ok());
}

TEST(Buckets, BoundSpelling) {
  EXPECT_EQ(FormatBucketBound(0.005, false), "0.005");
  EXPECT_EQ(FormatBucketBound(1, false), "1");
  EXPECT_EQ(FormatBucketBound(1, true), "1.0");
  EXPECT_EQ(FormatBucketBound(2.5, true), "2.5");
  EXPECT_EQ(FormatBucketBound(100000, false), "100000");
  EXPECT_EQ(FormatBucketBound(1e6, false), "1e+06");
  EXPECT_EQ(FormatBucketBound(1e6, true), "1e+06");
  EXPECT_EQ(FormatBucketBound(0.0001, false), "0.0001");
  EXPECT_EQ(FormatBucketBound(0.00001, false), "1e-05");
  EXPECT_EQ(FormatBucketBound(-2, false), "-2");
  EXPECT_EQ(FormatBucketBound(0, true), "0.0");
  EXPECT_EQ(FormatBucketBound(INFINITY, true), "+Inf");
}

}  // namespace
}  // namespace vigie::instrument
