#include "expfmt/writer.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

namespace vigie::expfmt {
namespace {

struct FloatCase {
  double value;
  const char* text;
};

TEST(AppendFloatTest, SpellsNumbersAsTheTextFormatsDo) {
  const double inf = std::numeric_limits<double>::infinity();
  const FloatCase cases[] = {
      {0, "0"},
      {-0.0, "-0"},
      {1, "1"},
      {-1, "-1"},
      {1000000, "1000000"},
      {9007199254740992.0, "9007199254740992"},
      {1e20, "1e+20"},
      {0.5, "0.5"},
      {0.1, "0.1"},
      {1.5e-7, "1.5e-07"},
      {123.456, "123.456"},
      {1234567.5, "1.2345675e+06"},  // Go's 'g' layout: exponent from 1e6 up
      {123456.5, "123456.5"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {12345678901234567890.0, "1.2345678901234567e+19"},
      {-2.5, "-2.5"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {std::numeric_limits<double>::denorm_min(), "5e-324"},
      {inf, "+Inf"},
      {-inf, "-Inf"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
  };
  for (const auto& c : cases) {
    std::string out;
    AppendFloat(&out, c.value);
    EXPECT_EQ(out, c.text) << "value " << c.value;
  }
}

TEST(AppendFloatTest, RoundTripsThroughStrtod) {
  const double values[] = {0.1 + 0.2, 1.0 / 3, 6.02214076e23, 2.2250738585072014e-308, 1e15 + 0.5};
  for (double v : values) {
    std::string out;
    AppendFloat(&out, v);
    EXPECT_EQ(std::strtod(out.c_str(), nullptr), v) << out;
  }
}

// The fixed-notation range (exponent -4..5) is written by its own paths (short decimals found
// directly, else laid out from the scientific digits); it must match a direct shortest fixed
// conversion for every value.
TEST(AppendFloatTest, FixedRangeMatchesShortestFixedConversion) {
  std::mt19937_64 rng(42);
  auto reference = [](double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
    return std::string(buf, end);
  };
  std::uniform_int_distribution<int> exp10(-4, 5);
  std::uniform_real_distribution<double> unit(1.0, 10.0);
  for (int i = 0; i < 200000; ++i) {
    double v;
    switch (i % 5) {
      case 4: {  // any bit pattern (most fall outside the range and are skipped)
        uint64_t bits = (rng() & 0x000fffffffffffffull) | ((1023ull - 14 + rng() % 34) << 52);
        std::memcpy(&v, &bits, sizeof v);
        break;
      }
      case 0:  // any double of the range
        v = unit(rng) * std::pow(10.0, exp10(rng));
        break;
      case 1:  // nanoseconds as seconds, as cgroup CPU counters are
        v = static_cast<double>(rng() % 100000000000000ull) / 1e9;
        break;
      case 2:  // USER_HZ ticks as seconds
        v = static_cast<double>(rng() % 100000000ull) / 100;
        break;
      default:  // few digits, and the edges of the range
        v = static_cast<double>(rng() % 1000) / 1000 * std::pow(10.0, exp10(rng));
    }
    if (i % 8 == 7) v = -v;
    if (v == std::trunc(v) || std::fabs(v) < 1e-4 || std::fabs(v) >= 1e6) continue;
    std::string out;
    AppendFloat(&out, v);
    ASSERT_EQ(out, reference(v)) << "value " << v;
  }
}

TEST(WriterTest, Text004Family) {
  std::string out;
  Writer w(Format::kText004, &out);
  w.BeginFamily("http_requests_total", MetricType::kCounter, "Requests \"served\"\\ by\ncode.");
  w.WriteSample("http_requests_total", Labels{{"code", "200"}, {"path", "a\\b\"c\nd"}}, 3,
                int64_t{1700000000123});
  w.WriteSample("http_requests_total", Labels{}, 1);
  w.Finish();
  EXPECT_EQ(out,
            "# HELP http_requests_total Requests \"served\"\\\\ by\\ncode.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{code=\"200\",path=\"a\\\\b\\\"c\\nd\"} 3 1700000000123\n"
            "http_requests_total 1\n");
}

TEST(WriterTest, OpenMetricsFamily) {
  std::string out;
  Writer w(Format::kOpenMetrics1, &out);
  w.BeginFamily("http_requests_total", MetricType::kCounter, "Requests \"served\"\\.", "");
  w.WriteSample("http_requests_total", Labels{{"code", "200"}}, 3, int64_t{1700000000123});
  w.WriteSample("http_requests_total", Labels{{"code", "500"}}, 1, int64_t{1700000000000});
  w.WriteSample("http_requests_total", Labels{{"code", "404"}}, 1, int64_t{1700000000100});
  w.BeginFamily("temp_celsius", MetricType::kUnknown, "", "celsius");
  w.WriteSample("temp_celsius", Labels{}, -0.5);
  w.Finish();
  EXPECT_EQ(out,
            "# HELP http_requests Requests \\\"served\\\"\\\\.\n"
            "# TYPE http_requests counter\n"
            "http_requests_total{code=\"200\"} 3 1700000000.123\n"
            "http_requests_total{code=\"500\"} 1 1700000000\n"
            "http_requests_total{code=\"404\"} 1 1700000000.1\n"
            "# TYPE temp_celsius unknown\n"
            "# UNIT temp_celsius celsius\n"
            "temp_celsius -0.5\n"
            "# EOF\n");
}

TEST(WriterTest, NegativeTimestampsInOpenMetrics) {
  std::string out;
  Writer w(Format::kOpenMetrics1, &out);
  w.WriteSample("x", Labels{}, 1, int64_t{-1500});
  EXPECT_EQ(out, "x 1 -1.5\n");
}

TEST(WriterTest, ExtraLabelComesLast) {
  std::string out;
  Writer w(Format::kText004, &out);
  w.WriteSample("lat_bucket", Labels{{"job", "x"}}, "le", "+Inf", 7);
  w.WriteSample("lat_bucket", Labels{}, "le", "0.5", 2);
  EXPECT_EQ(out, "lat_bucket{job=\"x\",le=\"+Inf\"} 7\nlat_bucket{le=\"0.5\"} 2\n");
}

TEST(WriterTest, TypeNamesPerFormat) {
  struct Case {
    MetricType type;
    const char* text004;
    const char* om;
  };
  const Case cases[] = {
      {MetricType::kUnknown, "untyped", "unknown"},
      {MetricType::kCounter, "counter", "counter"},
      {MetricType::kGauge, "gauge", "gauge"},
      {MetricType::kHistogram, "histogram", "histogram"},
      {MetricType::kGaugeHistogram, "histogram", "gaugehistogram"},
      {MetricType::kSummary, "summary", "summary"},
      {MetricType::kInfo, "gauge", "info"},
      {MetricType::kStateSet, "gauge", "stateset"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MetricTypeName(c.type, false), c.text004);
    EXPECT_EQ(MetricTypeName(c.type, true), c.om);
  }
}

TEST(WriterTest, WriteFamilyAdaptsCounterNamesBetweenFormats) {
  MetricFamily om_counter{"jobs", MetricType::kCounter, "Jobs.", "", {}, {}};
  om_counter.samples.push_back({Labels{{"__name__", "jobs_total"}}, 2, std::nullopt});
  EXPECT_EQ(WriteAll({om_counter}, Format::kText004),
            "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 2\n");
  EXPECT_EQ(WriteAll({om_counter}, Format::kOpenMetrics1),
            "# HELP jobs Jobs.\n# TYPE jobs counter\njobs_total 2\n# EOF\n");

  // A 0.0.4 counter without the _total suffix stays the same series in OpenMetrics.
  MetricFamily legacy{"hits", MetricType::kCounter, "", "", {}, {}};
  legacy.samples.push_back({Labels{{"__name__", "hits"}}, 5, std::nullopt});
  EXPECT_EQ(WriteAll({legacy}, Format::kOpenMetrics1), "# TYPE hits unknown\nhits 5\n# EOF\n");
  EXPECT_EQ(WriteAll({legacy}, Format::kText004), "# TYPE hits counter\nhits 5\n");
}

TEST(WriterTest, CounterTotalSampleNames) {
  EXPECT_TRUE(IsCounterTotalSample("x_total", "x_total"));
  EXPECT_TRUE(IsCounterTotalSample("x_total", "x"));
  EXPECT_FALSE(IsCounterTotalSample("x_total_total", "x_total"));
  EXPECT_FALSE(IsCounterTotalSample("x", "x"));
  EXPECT_FALSE(IsCounterTotalSample("y_total", "x"));
  EXPECT_FALSE(IsCounterTotalSample("x_created", "x"));
}

TEST(WriterTest, WrittenAsNamesTheTypeLine) {
  std::string name;
  MetricFamily text_counter{"jobs_total", MetricType::kCounter, "", "", {}, {}};
  text_counter.encoded_samples = "jobs_total 1\n";
  EXPECT_EQ(WrittenAs(text_counter, Format::kText004, &name), MetricType::kCounter);
  EXPECT_EQ(name, "jobs_total");
  EXPECT_EQ(WrittenAs(text_counter, Format::kOpenMetrics1, &name), MetricType::kCounter);
  EXPECT_EQ(name, "jobs");
  // "x_total_total" samples fit the OpenMetrics counter "x_total" (not "x").
  MetricFamily doubled{"x_total_total", MetricType::kCounter, "", "", {}, {}};
  doubled.encoded_samples = "x_total_total 1\n";
  EXPECT_EQ(WrittenAs(doubled, Format::kOpenMetrics1, &name), MetricType::kCounter);
  EXPECT_EQ(name, "x_total");
  // Samples that do not fit: unknown, named after them.
  MetricFamily odd{"y_total", MetricType::kCounter, "", "", {}, {}};
  odd.encoded_samples = "y_total_total 1\n";
  EXPECT_EQ(WrittenAs(odd, Format::kOpenMetrics1, &name), MetricType::kUnknown);
  EXPECT_EQ(name, "y_total_total");
  EXPECT_EQ(WrittenAs(odd, Format::kText004, &name), MetricType::kCounter);
  EXPECT_EQ(name, "y_total");
  // No samples: the metadata name alone.
  MetricFamily empty{"z_total", MetricType::kCounter, "", "", {}, {}};
  EXPECT_EQ(WrittenAs(empty, Format::kOpenMetrics1, &name), MetricType::kCounter);
  EXPECT_EQ(name, "z");
  // A counter named just "_total" keeps its name (stripping would leave an empty TYPE line).
  MetricFamily bare{"_total", MetricType::kCounter, "", "", {}, {}};
  EXPECT_EQ(WrittenAs(bare, Format::kOpenMetrics1, &name), MetricType::kCounter);
  EXPECT_EQ(name, "_total");
  bare.encoded_samples = "_total 1\n";
  EXPECT_EQ(WrittenAs(bare, Format::kOpenMetrics1, &name), MetricType::kUnknown);
  EXPECT_EQ(name, "_total");
  MetricFamily gauge{"g_total", MetricType::kGauge, "", "", {}, {}};
  EXPECT_EQ(WrittenAs(gauge, Format::kOpenMetrics1, &name), MetricType::kGauge);
  EXPECT_EQ(name, "g_total");
  // WriteFamily writes what WrittenAs says.
  EXPECT_EQ(WriteAll({doubled}, Format::kOpenMetrics1),
            "# TYPE x_total counter\nx_total_total 1\n# EOF\n");
}

TEST(WriterTest, EncodedSamplesAreWrittenAsTheStructuredOnesWouldBe) {
  Labels a{{"__name__", "jobs_total"}, {"id", "/docker/1"}, {"name", "web \"1\""}};
  Labels b{{"__name__", "jobs_total"}, {"id", "/"}};
  MetricFamily structured{"jobs", MetricType::kCounter, "Jobs.", "", {}, {}};
  structured.samples.push_back({a, 2, std::nullopt});
  structured.samples.push_back({b, 0.5, std::nullopt});
  MetricFamily encoded{"jobs", MetricType::kCounter, "Jobs.", "", {}, {}};
  for (const auto& [labels, v] : {std::pair{a, 2.0}, std::pair{b, 0.5}}) {
    AppendSeries(&encoded.encoded_samples, labels.MetricName(), labels);
    AppendFloat(&encoded.encoded_samples, v);
    encoded.encoded_samples.push_back('\n');
  }
  for (Format f : {Format::kText004, Format::kOpenMetrics1}) {
    EXPECT_EQ(WriteAll({encoded}, f), WriteAll({structured}, f));
  }
  EXPECT_EQ(WriteAll({encoded}, Format::kText004),
            "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\n"
            "jobs_total{id=\"/docker/1\",name=\"web \\\"1\\\"\"} 2\njobs_total{id=\"/\"} 0.5\n");

  ASSERT_TRUE(ExpandEncodedSamples(&encoded).ok());
  EXPECT_TRUE(encoded.encoded_samples.empty());
  ASSERT_EQ(encoded.samples.size(), 2u);
  EXPECT_EQ(encoded.samples[0].labels, a);
  EXPECT_EQ(encoded.samples[1].value, 0.5);

  MetricFamily bad{"x", MetricType::kGauge, "", "", {}, "x{a=\"1\" 2\n"};
  EXPECT_FALSE(ExpandEncodedSamples(&bad).ok());
}

TEST(FormatTest, ContentTypes) {
  EXPECT_EQ(ContentType(Format::kText004), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(ContentType(Format::kOpenMetrics1),
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

TEST(FormatTest, NegotiateFromAccept) {
  struct Case {
    const char* accept;
    Format want;
  };
  const Case cases[] = {
      {"", Format::kText004},
      {"*/*", Format::kText004},
      {"text/plain", Format::kText004},
      {"application/openmetrics-text", Format::kOpenMetrics1},
      {"application/openmetrics-text; version=1.0.0", Format::kOpenMetrics1},
      // What Prometheus 2.x sends.
      {"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
       "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
       Format::kOpenMetrics1},
      {"text/plain;version=0.0.4;q=1,application/openmetrics-text;q=0.5", Format::kText004},
      {"APPLICATION/OpenMetrics-Text", Format::kOpenMetrics1},
      {"application/openmetrics-text;q=0", Format::kText004},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(NegotiateFormat(c.accept), c.want) << c.accept;
  }
}

TEST(FormatTest, FromContentType) {
  EXPECT_EQ(FormatFromContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            Format::kOpenMetrics1);
  EXPECT_EQ(FormatFromContentType("text/plain; version=0.0.4"), Format::kText004);
  EXPECT_EQ(FormatFromContentType(""), Format::kText004);
  EXPECT_EQ(FormatFromContentType("application/json"), Format::kText004);
}

}  // namespace
}  // namespace vigie::expfmt
