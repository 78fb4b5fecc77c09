#include "promql/parser/printer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "promql/parser/go_format.h"
#include "promql/parser/parser.h"

namespace vigie::promql::parser {
namespace {

TEST(Printer, FloatsLikeGoPercentV) {
  struct Case {
    double v;
    const char* want;
  } cases[] = {
      {0, "0"},
      {-0.0, "-0"},
      {1, "1"},
      {-2.5, "-2.5"},
      {123456, "123456"},
      {1234567, "1.234567e+06"},
      {1e6, "1e+06"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {1e21, "1e+21"},
      {1e100, "1e+100"},
      {0.1, "0.1"},
      {1.0 / 3, "0.3333333333333333"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const auto& c : cases) EXPECT_EQ(GoFormatFloat(c.v), c.want) << c.v;
}

TEST(Printer, GoQuoting) {
  EXPECT_EQ(GoQuote("plain"), "\"plain\"");
  EXPECT_EQ(GoQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(GoQuote("\a\b\f\n\r\t\v"), "\"\\a\\b\\f\\n\\r\\t\\v\"");
  EXPECT_EQ(GoQuote(std::string_view("\x00\x1f\x7f", 3)), "\"\\x00\\x1f\\x7f\"");
  EXPECT_EQ(GoQuote("caf\xc3\xa9 \xe2\x98\x83"), "\"caf\xc3\xa9 \xe2\x98\x83\"");
  EXPECT_EQ(GoQuote("\xff"), "\"\\xff\"");
  EXPECT_EQ(GoQuote("\xc2\xa0"), "\"\\u00a0\"");              // no-break space is not printable
  EXPECT_EQ(GoQuote("\xef\xbb\xbf"), "\"\\ufeff\"");          // BOM
  EXPECT_EQ(GoQuote("\xf3\xa0\x80\x81"), "\"\\U000e0001\"");  // format character, plane 14
  EXPECT_EQ(GoQuoteRune('\''), "'\\''");
  EXPECT_EQ(GoQuoteRune('"'), "'\"'");
  EXPECT_EQ(GoRuneWithCode('c'), "U+0063 'c'");
  EXPECT_EQ(GoRuneWithCode('\n'), "U+000A");
}

TEST(Printer, FixedPoint) {
  EXPECT_EQ(GoFormatFixed(1.5, 3), "1.500");
  EXPECT_EQ(GoFormatFixed(-0.0005, 3), "-0.001");
  EXPECT_EQ(GoFormatFixed(std::numeric_limits<double>::infinity(), 6), "+Inf");
}

TEST(Printer, Durations) {
  EXPECT_EQ(FormatPromDuration(0), "0s");
  EXPECT_EQ(FormatPromDuration(1), "1ms");
  EXPECT_EQ(FormatPromDuration(90 * 1000), "1m30s");
  EXPECT_EQ(FormatPromDuration(3600 * 1000), "1h");
  EXPECT_EQ(FormatPromDuration(25 * 3600 * 1000), "1d1h");
  EXPECT_EQ(FormatPromDuration(7 * 86400 * 1000LL), "1w");
  EXPECT_EQ(FormatPromDuration(8 * 86400 * 1000LL), "8d");
  EXPECT_EQ(FormatPromDuration(365 * 86400 * 1000LL), "1y");
  EXPECT_EQ(FormatPromDuration(366 * 86400 * 1000LL), "366d");
  EXPECT_EQ(FormatPromDuration(104 * 7 * 86400 * 1000LL), "104w");
}

TEST(Printer, PrettySplitsLongExpressions) {
  auto e = ParseExpr(
      "sum by (job, instance) (rate(http_requests_total{job=\"api-server\", code=~\"5..\"}[5m])) "
      "/ ignoring(code) group_left sum by (job, instance) (rate(http_requests_total[5m]))");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(Prettify(**e),
            "  sum by (job, instance) (rate(http_requests_total{code=~\"5..\",job=\"api-server\"}"
            "[5m]))\n"
            "/ ignoring (code) group_left ()\n"
            "  sum by (job, instance) (rate(http_requests_total[5m]))");
  auto short_expr = ParseExpr("sum(rate(x[5m]))");
  EXPECT_EQ(Prettify(**short_expr), "sum(rate(x[5m]))");
}

// Found by promql_parse_fuzz: a split power whose base is +Inf was pretty-printed "+Inf", which
// parses back as +(Inf ^ x).
TEST(Printer, PrettyKeepsPlusInfAsThePowerBase) {
  std::string long_name(100, 'l');
  auto e = ParseExpr("Inf ^ " + long_name);
  ASSERT_TRUE(e.ok());
  std::string pretty = Prettify(**e);
  EXPECT_EQ(pretty, "  Inf\n^\n  " + long_name);
  auto back = ParseExpr(pretty);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(Equal(**e, **back));
}

TEST(Printer, ResolvedAtIsPrintedAsTimestamp) {
  auto e = ParseExpr("x @ 1609459200.123");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(ToString(**e), "x @ 1609459200.123");
}

}  // namespace
}  // namespace vigie::promql::parser
