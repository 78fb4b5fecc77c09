#include <gtest/gtest.h>

#include <cmath>

#include "expfmt/parser.h"
#include "expfmt/writer.h"

namespace vigie::expfmt {
namespace {

constexpr std::string_view kText004 =
    R"(# HELP go_gc_duration_seconds A summary of the GC pause durations.
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 2.1e-05
go_gc_duration_seconds{quantile="1"} 0.000123
go_gc_duration_seconds_sum 0.0042
go_gc_duration_seconds_count 42
# HELP http_request_duration_seconds Latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 3
http_request_duration_seconds_bucket{le="+Inf"} 5
http_request_duration_seconds_sum 1.25
http_request_duration_seconds_count 5
# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 12345.67
node_cpu_seconds_total{cpu="0",mode="user"} 89.5
node_vmstat_pgfault 1.2e+07
node_vmstat_pgmajfault 4242
# HELP node_load1 1m load average.
# TYPE node_load1 gauge
node_load1 0.27
)";

TEST(ParseAllTest, GroupsFamiliesLikeClientLibraries) {
  auto families = ParseAll(kText004, Format::kText004);
  ASSERT_TRUE(families.ok()) << families.error().message();
  ASSERT_EQ(families->size(), 6u);
  const auto& f = *families;
  EXPECT_EQ(f[0].name, "go_gc_duration_seconds");
  EXPECT_EQ(f[0].type, MetricType::kSummary);
  EXPECT_EQ(f[0].samples.size(), 4u);
  EXPECT_EQ(f[0].help, "A summary of the GC pause durations.");
  EXPECT_EQ(f[1].name, "http_request_duration_seconds");
  EXPECT_EQ(f[1].type, MetricType::kHistogram);
  EXPECT_EQ(f[1].samples.size(), 4u);
  EXPECT_EQ(f[1].samples[1].labels.Get("le"), "+Inf");
  EXPECT_EQ(f[2].name, "node_cpu_seconds_total");
  EXPECT_EQ(f[2].type, MetricType::kCounter);
  EXPECT_EQ(f[2].samples.size(), 2u);
  EXPECT_EQ(f[3].name, "node_vmstat_pgfault");
  EXPECT_EQ(f[3].type, MetricType::kUnknown);
  EXPECT_EQ(f[4].name, "node_vmstat_pgmajfault");
  EXPECT_EQ(f[4].samples[0].value, 4242);
  EXPECT_EQ(f[5].name, "node_load1");
  EXPECT_EQ(f[5].samples[0].labels, (Labels{{"__name__", "node_load1"}}));
}

TEST(ParseAllTest, OpenMetricsCounterFamilyDropsTotal) {
  auto families = ParseAll(
      "# HELP rq Requests.\n# TYPE rq counter\n# UNIT rq \nrq_total 5\nrq_created 1.7e9\n"
      "# TYPE info_metric info\ninfo_metric_info{v=\"1\"} 1\n# EOF\n",
      Format::kOpenMetrics1);
  ASSERT_TRUE(families.ok()) << families.error().message();
  ASSERT_EQ(families->size(), 2u);
  EXPECT_EQ((*families)[0].name, "rq");
  EXPECT_EQ((*families)[0].samples.size(), 2u);
  EXPECT_EQ((*families)[1].type, MetricType::kInfo);
  EXPECT_EQ((*families)[1].samples.size(), 1u);
}

// Same series, values and timestamps (NaN equal to NaN).
void ExpectSameSamples(const std::vector<MetricFamily>& a, const std::vector<MetricFamily>& b) {
  std::vector<const Sample*> sa, sb;
  for (const auto& f : a)
    for (const auto& s : f.samples) sa.push_back(&s);
  for (const auto& f : b)
    for (const auto& s : f.samples) sb.push_back(&s);
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i]->labels, sb[i]->labels);
    if (std::isnan(sa[i]->value)) {
      EXPECT_TRUE(std::isnan(sb[i]->value));
    } else {
      EXPECT_EQ(sa[i]->value, sb[i]->value) << sa[i]->labels.ToString();
    }
    EXPECT_EQ(sa[i]->timestamp_ms, sb[i]->timestamp_ms);
  }
}

TEST(ParseAllTest, RoundTripsThroughBothFormats) {
  std::string input = std::string(kText004) +
                      "odd{path=\"a\\\\b\\\"c\\nd\",e=\"\xc3\xa9\"} NaN 1700000000123\n"
                      "tiny 5e-324\nbig -1.7976931348623157e+308 0\nneg -Inf\n";
  auto first = ParseAll(input, Format::kText004);
  ASSERT_TRUE(first.ok()) << first.error().message();
  for (Format out : {Format::kText004, Format::kOpenMetrics1}) {
    std::string written = WriteAll(*first, out);
    auto second = ParseAll(written, out);
    ASSERT_TRUE(second.ok()) << second.error().message() << "\n" << written;
    ExpectSameSamples(*first, *second);
    // Help, type and grouping survive too.
    ASSERT_EQ(first->size(), second->size()) << written;
    for (size_t i = 0; i < first->size(); ++i) {
      EXPECT_EQ((*first)[i].help, (*second)[i].help);
      EXPECT_EQ((*first)[i].type, (*second)[i].type) << (*first)[i].name;
    }
  }
}

}  // namespace
}  // namespace vigie::expfmt
