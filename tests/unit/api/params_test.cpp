// Parameter parsing exactly as Prometheus 2.42's web/api/v1 parses times, durations and
// match[] selectors.
#include "api/params.h"

#include <gtest/gtest.h>

namespace vigie::api {
namespace {

TimestampMs T(std::string_view s) {
  auto r = ParseTime(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : -1;
}

std::string TimeError(std::string_view s) {
  auto r = ParseTime(s);
  return r.ok() ? "ok" : r.error().message();
}

TEST(ParamsTest, UnixSecondsRoundToTheMillisecond) {
  EXPECT_EQ(T("1435781451.781"), 1435781451781);
  EXPECT_EQ(T("1435781451"), 1435781451000);
  EXPECT_EQ(T("1435781451.7815"), 1435781451782);
  EXPECT_EQ(T("1435781451.7814"), 1435781451781);
  EXPECT_EQ(T("1.435781451e9"), 1435781451000);
  EXPECT_EQ(T("0"), 0);
  EXPECT_EQ(T("-1.5"), -1500);
  EXPECT_EQ(T(".5"), 500);
}

TEST(ParamsTest, Rfc3339) {
  EXPECT_EQ(T("2015-07-01T20:10:51.781Z"), 1435781451781);
  EXPECT_EQ(T("2015-07-01T20:10:51Z"), 1435781451000);
  EXPECT_EQ(T("2015-07-01T22:10:51.781+02:00"), 1435781451781);
  EXPECT_EQ(T("2015-07-01T19:10:51.781-01:00"), 1435781451781);
  // Nanoseconds are truncated to milliseconds, as timestamp.FromTime does.
  EXPECT_EQ(T("2015-07-01T20:10:51.781999999Z"), 1435781451781);
  EXPECT_EQ(T("2016-02-29T00:00:00Z"), 1456704000000);
  // The bounds client libraries send for "no limit".
  EXPECT_EQ(T("-292273086-05-16T16:47:06Z"), kMinTime);
  EXPECT_EQ(T("292277025-08-18T07:12:54.999999999Z"), kMaxTime);
}

TEST(ParamsTest, BadTimes) {
  for (std::string_view s :
       {"", "now", "2015-07-01", "2015-07-01T20:10:51", "2015-07-01 20:10:51Z",
        "2015-02-29T00:00:00Z", "2015-13-01T00:00:00Z", "2015-07-01T24:00:00Z",
        "2015-07-01T20:10:51.Z", "2015-07-01T20:10:51+0200", " 1", "1 ", "0x10", "1_000"}) {
    EXPECT_NE(TimeError(s), "ok") << s;
  }
  EXPECT_EQ(TimeError("now"), "cannot parse \"now\" to a valid timestamp");
  EXPECT_EQ(TimeError(""), "cannot parse \"\" to a valid timestamp");
}

TEST(ParamsTest, Durations) {
  auto ns = [](std::string_view s) {
    auto r = ParseDurationNs(s);
    EXPECT_TRUE(r.ok()) << s;
    return r.ok() ? *r : -1;
  };
  EXPECT_EQ(ns("15"), 15'000'000'000);
  EXPECT_EQ(ns("0.5"), 500'000'000);
  EXPECT_EQ(ns("1e-3"), 1'000'000);
  EXPECT_EQ(ns("-5"), -5'000'000'000);
  EXPECT_EQ(ns("1m30s"), 90'000'000'000);
  EXPECT_EQ(ns("5m"), 300'000'000'000);
  EXPECT_EQ(ns("100ms"), 100'000'000);
  EXPECT_EQ(ns("1d"), 86'400'000'000'000);
  EXPECT_EQ(ns("0"), 0);
  EXPECT_EQ(ParseDurationNs("1e300").error().message(),
            "cannot parse \"1e300\" to a valid duration. It overflows int64");
  EXPECT_EQ(ParseDurationNs("5x").error().message(), "cannot parse \"5x\" to a valid duration");
  EXPECT_EQ(ParseDurationNs("-5s").error().message(), "cannot parse \"-5s\" to a valid duration");
  EXPECT_FALSE(ParseDurationNs("").ok());
}

TEST(ParamsTest, TimeParamDefaultsAndWrapsErrors) {
  net::Params form;
  form.Add("start", "");
  form.Add("end", "x");
  EXPECT_EQ(*TimeParam(form, "start", 42), 42);
  EXPECT_EQ(*TimeParam(form, "missing", kMaxTime), kMaxTime);
  EXPECT_EQ(TimeParam(form, "end", 0).error().message(),
            "invalid parameter \"end\": Invalid time value for 'end': cannot parse \"x\" to a "
            "valid timestamp");
}

TEST(ParamsTest, Matchers) {
  auto sets = ParseMatchers({"up", "{job=~\"api|web\", code!=\"500\"}"});
  ASSERT_TRUE(sets.ok()) << sets.error().message();
  ASSERT_EQ(sets->size(), 2u);
  ASSERT_EQ((*sets)[0].size(), 1u);
  EXPECT_EQ((*sets)[0][0].name(), "__name__");
  EXPECT_EQ((*sets)[0][0].value(), "up");
  ASSERT_EQ((*sets)[1].size(), 2u);
  EXPECT_TRUE((*sets)[1][0].Matches("api") || (*sets)[1][1].Matches("api"));
  EXPECT_EQ(ParseMatchers({"up", "{job=~\".*\"}"}).error().message(),
            "match[] must contain at least one non-empty matcher");
  EXPECT_EQ(ParseMatchers({"{job=\"\"}"}).error().message(),
            "match[] must contain at least one non-empty matcher");
  EXPECT_TRUE(ParseMatchers({"{job=~\".+\"}"}).ok());
  EXPECT_FALSE(ParseMatchers({"up{"}).ok());
  EXPECT_FALSE(ParseMatchers({"{job=~\"(\"}"}).ok());
  EXPECT_TRUE(ParseMatchers({}).ok());
}

TEST(ParamsTest, ErrorTypes) {
  EXPECT_EQ(ErrorTypeStatus(ErrorType::kBadData), 400);
  EXPECT_EQ(ErrorTypeStatus(ErrorType::kExecution), 422);
  EXPECT_EQ(ErrorTypeStatus(ErrorType::kTimeout), 503);
  EXPECT_EQ(ErrorTypeStatus(ErrorType::kCanceled), 503);
  EXPECT_EQ(ErrorTypeStatus(ErrorType::kInternal), 500);
  EXPECT_EQ(ErrorTypeName(ErrorType::kExecution), "execution");
  EXPECT_EQ(FromStatus(Timeout("t")).type, ErrorType::kTimeout);
  EXPECT_EQ(FromStatus(IoError("disk")).type, ErrorType::kInternal);
  EXPECT_EQ(FromStatus(ResourceExhausted("many")).type, ErrorType::kExecution);
}

}  // namespace
}  // namespace vigie::api
