// Child resolution: stable references, removal, wrong input that must not crash.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "instrument/registry.h"

namespace vigie::instrument {
namespace {

using expfmt::Format;

TEST(Family, SameValuesGiveTheSameChild) {
  Registry r;
  CounterFamily* f = *r.RegisterCounter({.name = "req_total", .label_names = {"method", "code"}});
  Counter* a = &f->WithLabelValues({"GET", "200"});
  Counter* b = &f->WithLabelValues({"GET", "500"});
  EXPECT_NE(a, b);
  for (int i = 0; i < 100; ++i) f->WithLabelValues({"x", std::to_string(i)});
  EXPECT_EQ(a, &f->WithLabelValues(std::vector<std::string>{"GET", "200"}));
  EXPECT_EQ(f->size(), 102u);
}

TEST(Family, ValueBoundariesAreNotAmbiguous) {
  Registry r;
  GaugeFamily* f = *r.RegisterGauge({.name = "g", .label_names = {"a", "b"}});
  f->WithLabelValues({"ab", "c"}).Set(1);
  f->WithLabelValues({"a", "bc"}).Set(2);
  EXPECT_EQ(f->WithLabelValues({"ab", "c"}).Value(), 1);
  EXPECT_EQ(f->size(), 2u);
}

TEST(Family, UnlabelledFamilyExposesZeroFromTheStart) {
  Registry r;
  ASSERT_TRUE(r.RegisterCounter({.name = "started_total", .help = "h"}).ok());
  EXPECT_EQ(r.Render(Format::kText004),
            "# HELP started_total h\n# TYPE started_total counter\nstarted_total 0\n");
}

TEST(Family, LabelledFamilyWithoutChildrenWritesOnlyMetadata) {
  Registry r;
  ASSERT_TRUE(r.RegisterGauge({.name = "g", .help = "h", .label_names = {"x"}}).ok());
  EXPECT_EQ(r.Render(Format::kText004), "# HELP g h\n# TYPE g gauge\n");
}

TEST(Family, RemoveDropsTheSeries) {
  Registry r;
  GaugeFamily* f = *r.RegisterGauge({.name = "up", .label_names = {"target"}});
  f->WithLabelValues({"a"}).Set(1);
  f->WithLabelValues({"b"}).Set(1);
  EXPECT_TRUE(f->Remove({"a"}));
  EXPECT_FALSE(f->Remove({"a"}));
  EXPECT_EQ(r.Render(Format::kText004), "# TYPE up gauge\nup{target=\"b\"} 1\n");
  // A later lookup starts a fresh series.
  EXPECT_EQ(f->WithLabelValues({"a"}).Value(), 0);
  f->Clear();
  EXPECT_EQ(f->size(), 0u);
}

TEST(Family, ClearKeepsTheSingleSeriesOfAnUnlabelledFamily) {
  Registry r;
  CounterFamily* f = *r.RegisterCounter({.name = "c"});
  f->Get().Inc();
  f->Clear();
  EXPECT_EQ(f->size(), 1u);
  EXPECT_EQ(f->Get().Value(), 0);
}

TEST(Family, WrongValueCountNeverCrashesAndIsNotExported) {
  Registry r;
  CounterFamily* f = *r.RegisterCounter({.name = "c", .label_names = {"a", "b"}});
  f->WithLabelValues({"only-one"}).Inc();
  f->WithLabelValues({"1", "2", "3"}).Inc();
  EXPECT_EQ(f->size(), 0u);
  EXPECT_EQ(r.Render(Format::kText004), "# TYPE c_total counter\n");
  Result<Counter*> strict = f->TryWithLabelValues(std::vector<std::string_view>{"x"});
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.error().message(), "metric c_total: got 1 label values, want 2");
}

TEST(Family, InvalidUtf8IsReplacedLeniently) {
  Registry r;
  CounterFamily* f = *r.RegisterCounter({.name = "c", .label_names = {"path"}});
  f->WithLabelValues({"a\xff"
                      "b"})
      .Inc();
  f->WithLabelValues({"a\xff"
                      "b"})
      .Inc();
  EXPECT_EQ(f->size(), 1u);
  EXPECT_EQ(r.Render(Format::kText004),
            "# TYPE c_total counter\nc_total{path=\"a\xef\xbf\xbd"
            "b\"} 2\n");
  EXPECT_FALSE(f->TryWithLabelValues(std::vector<std::string_view>{"\xc3"}).ok());
  EXPECT_TRUE(f->TryWithLabelValues(std::vector<std::string_view>{"\xc3\xa9"}).ok());
}

TEST(Family, ConstLabelsJoinEverySeries) {
  Registry r;
  GaugeFamily* f = *r.RegisterGauge(
      {.name = "info", .label_names = {"z", "a"}, .const_labels = Labels{{"m", "x"}}});
  f->WithLabelValues({"1", "2"}).Set(1);
  EXPECT_EQ(r.Render(Format::kText004), "# TYPE info gauge\ninfo{a=\"2\",m=\"x\",z=\"1\"} 1\n");
}

TEST(FamilyDesc, RejectsBadNames) {
  Registry r;
  auto msg = [](const auto& result) { return result.error().message(); };
  EXPECT_EQ(msg(r.RegisterCounter({.name = "1bad"})),
            "invalid metric name \"1bad\" (must match [a-zA-Z_:][a-zA-Z0-9_:]*)");
  EXPECT_EQ(msg(r.RegisterGauge({.name = "g", .label_names = {"a-b"}})),
            "metric g: invalid label name \"a-b\" (must match [a-zA-Z_][a-zA-Z0-9_]*)");
  EXPECT_FALSE(r.RegisterGauge({.name = "g", .label_names = {"__x"}}).ok());
  EXPECT_EQ(msg(r.RegisterGauge({.name = "g", .label_names = {"a", "a"}})),
            "metric g: label name \"a\" given twice");
  EXPECT_FALSE(
      r.RegisterGauge({.name = "g", .label_names = {"a"}, .const_labels = Labels{{"a", "1"}}})
          .ok());
  EXPECT_EQ(msg(r.RegisterHistogram({.name = "h", .label_names = {"le"}}, DefaultBuckets())),
            "metric h: label name \"le\" is reserved for histogram buckets");
  EXPECT_FALSE(r.RegisterCounter({.name = "_total"}).ok());
  EXPECT_EQ(msg(r.RegisterGauge({.name = "size", .unit = "bytes"})),
            "metric size: with unit \"bytes\" the name must end in _bytes (OpenMetrics rule)");
  EXPECT_EQ(msg(r.RegisterHistogram({.name = "h"}, {})).substr(0, 11), "metric h: h");
  EXPECT_EQ(r.RegisterCounter({.name = "1bad"}).error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigie::instrument

namespace vigie::instrument {
namespace {

// Scrapes while other threads update, create and remove series: no crash, no torn output.
TEST(Family, RenderWhileUpdatingCreatingAndRemoving) {
  Registry r;
  CounterFamily* f = *r.RegisterCounter({.name = "ops", .label_names = {"worker"}});
  HistogramFamily* h = *r.RegisterHistogram({.name = "lat", .label_names = {"worker"}}, {1, 2});
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < 3; ++t) {
    workers.emplace_back([&, t] {
      std::string id = std::to_string(t);
      for (int i = 0; !stop.load(); ++i) {
        f->WithLabelValues({id}).Inc();
        h->WithLabelValues({id}).Observe(i % 3);
        if (i % 100 == 0) {
          f->WithLabelValues({"tmp" + id}).Inc();
          f->Remove({"tmp" + id});
        }
      }
    });
  }
  for (int scrape = 0; scrape < 50; ++scrape) {
    std::string text = r.Render(expfmt::Format::kOpenMetrics1);
    ASSERT_EQ(text.substr(text.size() - 6), "# EOF\n");
  }
  stop = true;
  for (auto& w : workers) w.join();
  Histogram::Snapshot s = h->WithLabelValues({"0"}).Snap();
  EXPECT_EQ(s.cumulative.back(), s.count);
  EXPECT_EQ(static_cast<double>(s.count), f->WithLabelValues({"0"}).Value());
}

}  // namespace
}  // namespace vigie::instrument
