#include <gtest/gtest.h>

#include "promql/parser/parser.h"

namespace vigie::promql::parser {
namespace {

std::vector<std::string> Strings(const std::vector<Matcher>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.ToString());
  return out;
}

TEST(MetricSelector, Parses) {
  auto r = ParseMetricSelector("http_requests_total{code=~\"5..\", job!=\"x\"}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Strings(*r), (std::vector<std::string>{"code=~\"5..\"", "job!=\"x\"",
                                                   "__name__=\"http_requests_total\""}));
  r = ParseMetricSelector("{__name__=~\"up|down\"}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Strings(*r), (std::vector<std::string>{"__name__=~\"up|down\""}));
  r = ParseMetricSelector("  up  ");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Strings(*r), (std::vector<std::string>{"__name__=\"up\""}));
}

TEST(MetricSelector, NoEmptinessOrNameChecks) {
  // Like Prometheus's ParseMetricSelector; the API checks emptiness itself.
  EXPECT_TRUE(ParseMetricSelector("{}").ok());
  EXPECT_TRUE(ParseMetricSelector("up{__name__=\"down\"}").ok());
}

TEST(MetricSelector, Errors) {
  struct Case {
    const char* input;
    const char* error;
  } cases[] = {
      {"", "1:1: parse error: unexpected end of input"},
      {"up offset 5m", "1:4: parse error: unexpected <offset>"},
      {"up[5m]", "1:3: parse error: unexpected \"[\""},
      {"sum(up)", "1:4: parse error: unexpected \"(\""},
      {"1", "1:1: parse error: unexpected number \"1\""},
      {"up{a=~\"(\"}", "1:4: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
      {"up{a}",
       "1:5: parse error: unexpected \"}\" in label matching, expected label matching "
       "operator"},
  };
  for (const auto& c : cases) {
    auto r = ParseMetricSelector(c.input);
    ASSERT_FALSE(r.ok()) << c.input;
    EXPECT_EQ(r.error().message(), c.error) << c.input;
  }
}

TEST(PromDuration, ParsesLikePrometheus) {
  EXPECT_EQ(*ParsePromDuration("0"), 0);
  EXPECT_EQ(*ParsePromDuration("1h30m"), 5400000);
  EXPECT_EQ(*ParsePromDuration("1m30ms"), 60030);
  EXPECT_EQ(*ParsePromDuration("1y2w3d4h5m6s7ms"),
            ((((365 + 14 + 3) * 24LL + 4) * 60 + 5) * 60 + 6) * 1000 + 7);
  EXPECT_EQ(*ParsePromDuration("292y"), 292 * 365 * 86400000LL);
  EXPECT_EQ(ParsePromDuration("").error().message(), "empty duration string");
  EXPECT_EQ(ParsePromDuration("5m1h").error().message(), "not a valid duration string: \"5m1h\"");
  EXPECT_EQ(ParsePromDuration("1hs").error().message(), "not a valid duration string: \"1hs\"");
  EXPECT_EQ(ParsePromDuration("-5m").error().message(), "not a valid duration string: \"-5m\"");
  EXPECT_EQ(ParsePromDuration("293y").error().message(), "duration out of range");
  EXPECT_EQ(ParsePromDuration("99999999999999999999999s").error().message(),
            "duration out of range");
}

}  // namespace
}  // namespace vigie::promql::parser
