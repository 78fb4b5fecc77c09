#include "expfmt/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace vigie::expfmt {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct FloatCase {
  const char* text;
  NumberStatus status;
  double value;  // checked when kOk; NaN means "expect NaN"
};

TEST(ParseFloatValueTest, AcceptsWhatGoParseFloatAccepts) {
  const FloatCase cases[] = {
      {"0", NumberStatus::kOk, 0},
      {"-0", NumberStatus::kOk, -0.0},
      {"+0", NumberStatus::kOk, 0},
      {"1", NumberStatus::kOk, 1},
      {"+1", NumberStatus::kOk, 1},
      {"-17", NumberStatus::kOk, -17},
      {"007", NumberStatus::kOk, 7},
      {"123456789012345", NumberStatus::kOk, 123456789012345.0},
      {"12345678901234567890", NumberStatus::kOk, 12345678901234567890.0},
      {"1.5", NumberStatus::kOk, 1.5},
      {".5", NumberStatus::kOk, 0.5},
      {"5.", NumberStatus::kOk, 5},
      {"-.5", NumberStatus::kOk, -0.5},
      {"1e3", NumberStatus::kOk, 1000},
      {"1E3", NumberStatus::kOk, 1000},
      {"1e+3", NumberStatus::kOk, 1000},
      {"2.5e-3", NumberStatus::kOk, 0.0025},
      {"1.7976931348623157e+308", NumberStatus::kOk, std::numeric_limits<double>::max()},
      {"5e-324", NumberStatus::kOk, std::numeric_limits<double>::denorm_min()},
      {"1e-400", NumberStatus::kOk, 0},  // underflow rounds to zero, as in Go
      {"-1e-400", NumberStatus::kOk, -0.0},
      {"0.1", NumberStatus::kOk, 0.1},
      {"Inf", NumberStatus::kOk, kInf},
      {"+Inf", NumberStatus::kOk, kInf},
      {"-Inf", NumberStatus::kOk, -kInf},
      {"inf", NumberStatus::kOk, kInf},
      {"INF", NumberStatus::kOk, kInf},
      {"+infinity", NumberStatus::kOk, kInf},
      {"-Infinity", NumberStatus::kOk, -kInf},
      {"NaN", NumberStatus::kOk, std::nan("")},
      {"nan", NumberStatus::kOk, std::nan("")},
      {"NAN", NumberStatus::kOk, std::nan("")},
      // Rejected.
      {"", NumberStatus::kSyntax, 0},
      {"+", NumberStatus::kSyntax, 0},
      {"-", NumberStatus::kSyntax, 0},
      {".", NumberStatus::kSyntax, 0},
      {"e5", NumberStatus::kSyntax, 0},
      {"1e", NumberStatus::kSyntax, 0},
      {"1e+", NumberStatus::kSyntax, 0},
      {"1.2.3", NumberStatus::kSyntax, 0},
      {"--1", NumberStatus::kSyntax, 0},
      {"+-1", NumberStatus::kSyntax, 0},
      {"1_000", NumberStatus::kSyntax, 0},
      {"0x10", NumberStatus::kSyntax, 0},
      {"0x1p-2", NumberStatus::kSyntax, 0},
      {"+NaN", NumberStatus::kSyntax, 0},
      {"-nan", NumberStatus::kSyntax, 0},
      {"nan(1)", NumberStatus::kSyntax, 0},
      {"Infin", NumberStatus::kSyntax, 0},
      {"infinityy", NumberStatus::kSyntax, 0},
      {"1 ", NumberStatus::kSyntax, 0},
      {" 1", NumberStatus::kSyntax, 0},
      {"1\r", NumberStatus::kSyntax, 0},
      {"1,5", NumberStatus::kSyntax, 0},
      {"one", NumberStatus::kSyntax, 0},
      {"1e400", NumberStatus::kOutOfRange, 0},
      {"-1e400", NumberStatus::kOutOfRange, 0},
  };
  for (const auto& c : cases) {
    double v = 12345;
    NumberStatus st = ParseFloatValue(c.text, &v);
    EXPECT_EQ(st, c.status) << "\"" << c.text << "\"";
    if (st != NumberStatus::kOk || c.status != NumberStatus::kOk) continue;
    if (std::isnan(c.value)) {
      EXPECT_TRUE(std::isnan(v)) << c.text;
    } else {
      EXPECT_EQ(v, c.value) << c.text;
      EXPECT_EQ(std::signbit(v), std::signbit(c.value)) << c.text;
    }
  }
}

TEST(ParseTimestampTest, Text004Milliseconds) {
  struct Case {
    const char* text;
    NumberStatus status;
    int64_t ms;
  };
  const Case cases[] = {
      {"0", NumberStatus::kOk, 0},
      {"1700000000123", NumberStatus::kOk, 1700000000123},
      {"9223372036854775807", NumberStatus::kOk, INT64_MAX},
      {"9223372036854775808", NumberStatus::kOutOfRange, 0},
      {"-1", NumberStatus::kOk, -1},
      {"-9223372036854775808", NumberStatus::kOk, INT64_MIN},
      {"-", NumberStatus::kSyntax, 0},
      {"--1", NumberStatus::kSyntax, 0},
      {"+1", NumberStatus::kSyntax, 0},
      {"1.5", NumberStatus::kSyntax, 0},
      {"1e3", NumberStatus::kSyntax, 0},
      {"", NumberStatus::kSyntax, 0},
  };
  for (const auto& c : cases) {
    int64_t ms = -42;
    EXPECT_EQ(ParseTimestampMs(c.text, &ms), c.status) << c.text;
    if (c.status == NumberStatus::kOk) {
      EXPECT_EQ(ms, c.ms) << c.text;
    }
  }
}

TEST(ParseTimestampTest, OpenMetricsSeconds) {
  struct Case {
    const char* text;
    NumberStatus status;
    int64_t ms;
  };
  const Case cases[] = {
      {"0", NumberStatus::kOk, 0},
      {"1700000000", NumberStatus::kOk, 1700000000000},
      {"1700000000.123", NumberStatus::kOk, 1700000000123},
      {"1520879607.789", NumberStatus::kOk, 1520879607789},  // exact, not 788 via double
      {"1.5", NumberStatus::kOk, 1500},
      {"9223372036854775.807", NumberStatus::kOk, INT64_MAX},  // exact, 16 digits
      {"9000000000000000.001", NumberStatus::kOk, 9000000000000000001},
      {"-9223372036854775.807", NumberStatus::kOk, -INT64_MAX},
      {"1.0005", NumberStatus::kOk, 1000},  // truncated like Prometheus
      {"-1.5", NumberStatus::kOk, -1500},
      {"+2", NumberStatus::kOk, 2000},
      {".25", NumberStatus::kOk, 250},
      {"1e3", NumberStatus::kOk, 1000000},
      {"1.5e1", NumberStatus::kOk, 15000},
      {"NaN", NumberStatus::kSyntax, 0},
      {"+Inf", NumberStatus::kSyntax, 0},
      {"1e300", NumberStatus::kOutOfRange, 0},
      {"abc", NumberStatus::kSyntax, 0},
      {"", NumberStatus::kSyntax, 0},
  };
  for (const auto& c : cases) {
    int64_t ms = -42;
    EXPECT_EQ(ParseTimestampSeconds(c.text, &ms), c.status) << c.text;
    if (c.status == NumberStatus::kOk) {
      EXPECT_EQ(ms, c.ms) << c.text;
    }
  }
}

}  // namespace
}  // namespace vigie::expfmt
