// Registry: exposition in both formats (golden text), duplicates, callbacks, collectors.
#include "instrument/registry.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "expfmt/writer.h"

namespace vigie::instrument {
namespace {

using expfmt::Format;
using expfmt::MetricType;

// A small registry touching every feature the golden texts check.
void Fill(Registry& r) {
  CounterFamily* req = *r.RegisterCounter(
      {.name = "http_requests_total", .help = "Requests.", .label_names = {"method", "code"}});
  req->WithLabelValues({"POST", "500"}).Inc();
  req->WithLabelValues({"GET", "200"}).Add(3);
  HistogramFamily* lat = *r.RegisterHistogram(
      {.name = "latency_seconds", .help = "Latency.", .unit = "seconds"}, {0.125, 1});
  for (double v : {0.0625, 0.125, 0.5, 2.0}) lat->Get().Observe(v);
  GaugeFamily* temp = *r.RegisterGauge(
      {.name = "temperature", .help = "Line one\nback\\slash \"quoted\"", .label_names = {"room"}});
  temp->WithLabelValues({"say \"hi\"\\\n"}).Set(21.5);
  temp->WithLabelValues({"attic"}).Set(-1e-7);
}

TEST(Registry, GoldenText004) {
  Registry r;
  Fill(r);
  EXPECT_EQ(r.Render(Format::kText004),
            R"(# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{code="200",method="GET"} 3
http_requests_total{code="500",method="POST"} 1
# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.125"} 2
latency_seconds_bucket{le="1"} 3
latency_seconds_bucket{le="+Inf"} 4
latency_seconds_sum 2.6875
latency_seconds_count 4
# HELP temperature Line one\nback\\slash "quoted"
# TYPE temperature gauge
temperature{room="attic"} -1e-07
temperature{room="say \"hi\"\\\n"} 21.5
)");
}

TEST(Registry, GoldenOpenMetrics) {
  Registry r;
  Fill(r);
  EXPECT_EQ(r.Render(Format::kOpenMetrics1),
            R"(# HELP http_requests Requests.
# TYPE http_requests counter
http_requests_total{code="200",method="GET"} 3
http_requests_total{code="500",method="POST"} 1
# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
# UNIT latency_seconds seconds
latency_seconds_bucket{le="0.125"} 2
latency_seconds_bucket{le="1.0"} 3
latency_seconds_bucket{le="+Inf"} 4
latency_seconds_sum 2.6875
latency_seconds_count 4
# HELP temperature Line one\nback\\slash \"quoted\"
# TYPE temperature gauge
temperature{room="attic"} -1e-07
temperature{room="say \"hi\"\\\n"} 21.5
# EOF
)");
}

TEST(Registry, CollectGivesSortedFamiliesWithFullSampleLabels) {
  Registry r;
  Fill(r);
  std::vector<expfmt::MetricFamily> fams = r.Collect();
  ASSERT_EQ(fams.size(), 3u);
  EXPECT_EQ(fams[0].name, "http_requests");
  EXPECT_EQ(fams[0].type, MetricType::kCounter);
  ASSERT_EQ(fams[0].samples.size(), 2u);
  EXPECT_EQ(fams[0].samples[0].labels,
            (Labels{{"__name__", "http_requests_total"}, {"method", "GET"}, {"code", "200"}}));
  EXPECT_EQ(fams[0].samples[0].value, 3);
  EXPECT_EQ(fams[1].name, "latency_seconds");
  EXPECT_EQ(fams[1].unit, "seconds");
  ASSERT_EQ(fams[1].samples.size(), 5u);
  EXPECT_EQ(fams[1].samples[1].labels,
            (Labels{{"__name__", "latency_seconds_bucket"}, {"le", "1"}}));
  EXPECT_EQ(fams[1].samples[4].labels.MetricName(), "latency_seconds_count");
  EXPECT_EQ(fams[2].name, "temperature");
  // What Collect returns writes out exactly as Render does. (Not for OpenMetrics: the
  // format-neutral families carry the text spelling of le, "1" rather than "1.0".)
  EXPECT_EQ(expfmt::WriteAll(fams, Format::kText004), r.Render(Format::kText004));
}

TEST(Registry, DuplicateRegistrationIsAnError) {
  Registry r;
  ASSERT_TRUE(r.RegisterCounter({.name = "jobs_total"}).ok());
  Result<CounterFamily*> again = r.RegisterCounter({.name = "jobs_total"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(),
            "metric jobs_total is already registered (name jobs is taken by another family)");
  EXPECT_FALSE(r.RegisterCounter({.name = "jobs"}).ok());      // same family
  EXPECT_FALSE(r.RegisterGauge({.name = "jobs_total"}).ok());  // same sample name
  EXPECT_FALSE(r.RegisterCallbackGauge({.name = "jobs"}, [] { return 1.0; }).ok());
  ASSERT_TRUE(r.RegisterHistogram({.name = "rt"}, {1}).ok());
  EXPECT_FALSE(r.RegisterGauge({.name = "rt_count"}).ok());
  EXPECT_FALSE(r.RegisterGauge({.name = "rt_bucket"}).ok());
}

TEST(Registry, UnregisterFreesTheName) {
  Registry r;
  ASSERT_TRUE(r.RegisterCounter({.name = "jobs_total"}).ok());
  EXPECT_TRUE(r.Unregister("jobs_total"));
  EXPECT_FALSE(r.Unregister("jobs_total"));
  EXPECT_EQ(r.Render(Format::kText004), "");
  EXPECT_TRUE(r.RegisterGauge({.name = "jobs_total"}).ok());
  EXPECT_TRUE(r.Unregister("jobs_total"));
  ASSERT_TRUE(r.RegisterCounter({.name = "x"}).ok());
  EXPECT_TRUE(r.Unregister("x"));  // registered name, without _total
}

TEST(Registry, CallbackMetricsAreReadAtCollectTime) {
  Registry r;
  double value = 1;
  ASSERT_TRUE(
      r.RegisterCallbackGauge({.name = "queue_length", .help = "q"}, [&] { return value; }).ok());
  ASSERT_TRUE(r.RegisterCallbackCounter(
                   {.name = "gc_runs", .help = "g", .const_labels = Labels{{"kind", "full"}}},
                   [&] { return value * 10; })
                  .ok());
  EXPECT_FALSE(
      r.RegisterCallbackGauge({.name = "x", .label_names = {"a"}}, [] { return 0.0; }).ok());
  value = 4;
  EXPECT_EQ(
      r.Render(Format::kText004),
      "# HELP gc_runs_total g\n# TYPE gc_runs_total counter\ngc_runs_total{kind=\"full\"} 40\n"
      "# HELP queue_length q\n# TYPE queue_length gauge\nqueue_length 4\n");
  value = 5;
  EXPECT_EQ(r.Collect()[1].samples[0].value, 5);
}

class FixedCollector : public Collector {
 public:
  FixedCollector(std::string name, MetricType type, double v) : name_(name), type_(type), v_(v) {}
  void Collect(std::vector<expfmt::MetricFamily>* out) override {
    ++calls;
    expfmt::MetricFamily f;
    f.name = name_;
    f.type = type_;
    f.help = "from a collector";
    std::string sample = type_ == MetricType::kCounter ? name_ + "_total" : name_;
    f.samples.push_back({Labels{{"__name__", sample}, {"src", std::to_string(v_)}}, v_, {}});
    out->push_back(std::move(f));
  }
  int calls = 0;

 private:
  std::string name_;
  MetricType type_;
  double v_;
};

TEST(Registry, CollectorsAreMergedInNameOrder) {
  Registry r;
  ASSERT_TRUE(r.RegisterGauge({.name = "b_gauge", .help = "h"}).ok());
  FixedCollector borrowed("c_collected", MetricType::kGauge, 1);
  ASSERT_TRUE(r.RegisterCollector(&borrowed).ok());
  EXPECT_EQ(r.RegisterCollector(&borrowed).error().code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(
      r.RegisterCollector(std::make_unique<FixedCollector>("a_collected", MetricType::kCounter, 2))
          .ok());
  // Same name and type as another collector: merged into one family.
  ASSERT_TRUE(
      r.RegisterCollector(std::make_unique<FixedCollector>("c_collected", MetricType::kGauge, 3))
          .ok());
  // Name taken by a registered family, or a second type: dropped.
  ASSERT_TRUE(
      r.RegisterCollector(std::make_unique<FixedCollector>("b_gauge", MetricType::kGauge, 4)).ok());
  ASSERT_TRUE(
      r.RegisterCollector(std::make_unique<FixedCollector>("c_collected", MetricType::kCounter, 5))
          .ok());
  const char* want = R"(# HELP a_collected_total from a collector
# TYPE a_collected_total counter
a_collected_total{src="2.000000"} 2
# HELP b_gauge h
# TYPE b_gauge gauge
b_gauge 0
# HELP c_collected from a collector
# TYPE c_collected gauge
c_collected{src="1.000000"} 1
c_collected{src="3.000000"} 3
)";
  EXPECT_EQ(r.Render(Format::kText004), want);
  EXPECT_EQ(r.Render(Format::kText004), want);
  EXPECT_EQ(borrowed.calls, 2);
  EXPECT_TRUE(r.UnregisterCollector(&borrowed));
  EXPECT_FALSE(r.UnregisterCollector(&borrowed));
  r.Render(Format::kText004);
  EXPECT_EQ(borrowed.calls, 2);
}

// A collector's pre-encoded samples (MetricFamily::encoded_samples): rendered as written, merged
// with another collector's structured samples of the same family, and parsed back by Collect().
class EncodedCollector : public Collector {
 public:
  void Collect(std::vector<expfmt::MetricFamily>* out) override {
    expfmt::MetricFamily f;
    f.name = "c_collected";
    f.type = MetricType::kGauge;
    f.help = "from a collector";
    f.encoded_samples = "c_collected{src=\"enc\"} 7\n";
    out->push_back(std::move(f));
  }
};

TEST(Registry, EncodedSamplesAreRenderedAndParsedBack) {
  Registry r;
  ASSERT_TRUE(
      r.RegisterCollector(std::make_unique<FixedCollector>("c_collected", MetricType::kGauge, 1))
          .ok());
  ASSERT_TRUE(r.RegisterCollector(std::make_unique<EncodedCollector>()).ok());
  EXPECT_EQ(r.Render(Format::kText004),
            "# HELP c_collected from a collector\n# TYPE c_collected gauge\n"
            "c_collected{src=\"1.000000\"} 1\nc_collected{src=\"enc\"} 7\n");
  auto families = r.Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_TRUE(families[0].encoded_samples.empty());
  ASSERT_EQ(families[0].samples.size(), 2u);
  EXPECT_EQ(families[0].samples[1].labels.Get("src"), "enc");
  EXPECT_EQ(families[0].samples[1].value, 7);
}

TEST(Registry, RenderForAcceptNegotiates) {
  Registry r;
  ASSERT_TRUE(r.RegisterGauge({.name = "g"}).ok());
  Registry::Rendered text = r.RenderForAccept("text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
  EXPECT_EQ(text.body, "# TYPE g gauge\ng 0\n");
  EXPECT_EQ(text.content_type, expfmt::ContentType(Format::kText004));
  Registry::Rendered om = r.RenderForAccept(
      "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5");
  EXPECT_EQ(om.body, "# TYPE g gauge\ng 0\n# EOF\n");
  EXPECT_EQ(om.content_type, expfmt::ContentType(Format::kOpenMetrics1));
}

// Real Prometheus tooling accepts what we write (skipped where promtool is not installed).
TEST(Registry, PromtoolAcceptsTheOutput) {
  const char* promtool = "/usr/bin/promtool";
  if (std::ifstream(promtool).fail()) GTEST_SKIP() << "promtool not installed";
  Registry r;
  Fill(r);
  std::string path = ::testing::TempDir() + "/instrument_promtool.txt";
  std::ofstream(path) << r.Render(Format::kText004);
  std::string cmd = std::string(promtool) + " check metrics < " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  int status = pclose(p);
  EXPECT_EQ(status, 0) << output;
  std::remove(path.c_str());
}

}  // namespace
}  // namespace vigie::instrument
