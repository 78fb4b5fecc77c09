#include "core/time.h"

#include <gtest/gtest.h>

namespace vigie {
namespace {

TEST(Duration, ParsesPrometheusForms) {
  EXPECT_EQ(*ParseDuration("5m"), 300000);
  EXPECT_EQ(*ParseDuration("1h30m"), 5400000);
  EXPECT_EQ(*ParseDuration("15s"), 15000);
  EXPECT_EQ(*ParseDuration("100ms"), 100);
  EXPECT_EQ(*ParseDuration("1m100ms"), 60100);
  EXPECT_EQ(*ParseDuration("2d"), 2 * 86400000LL);
  EXPECT_EQ(*ParseDuration("1w"), 7 * 86400000LL);
  EXPECT_EQ(*ParseDuration("1y"), 365 * 86400000LL);
  EXPECT_EQ(*ParseDuration("0"), 0);
  EXPECT_EQ(*ParseDuration("0s"), 0);
}

TEST(Duration, RejectsGarbage) {
  for (const char* s :
       {"", "5", "m", "5x", "1m1h", "1s1s", "-5m", "5 m", "1.5h", "99999999999999999999y"}) {
    auto r = ParseDuration(s);
    EXPECT_FALSE(r.ok()) << s;
    if (!r.ok()) {
      EXPECT_NE(r.error().message().find("invalid duration"), std::string::npos);
    }
  }
}

TEST(Duration, FormatsLikePrometheus) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(5400000), "1h30m");
  EXPECT_EQ(FormatDuration(300000), "5m");
  EXPECT_EQ(FormatDuration(60100), "1m100ms");
  EXPECT_EQ(FormatDuration(7 * 86400000LL), "1w");
  EXPECT_EQ(FormatDuration(8 * 86400000LL), "8d");
  EXPECT_EQ(FormatDuration(90 * 86400000LL), "90d");
  EXPECT_EQ(FormatDuration(365 * 86400000LL), "1y");
}

TEST(Duration, RoundTrips) {
  for (int64_t d : {1LL, 999LL, 1000LL, 61001LL, 3600000LL * 25, 86400000LL * 14 + 5}) {
    EXPECT_EQ(*ParseDuration(FormatDuration(d)), d) << d;
  }
}

TEST(Timestamp, ParsesSecondsAndRfc3339) {
  EXPECT_EQ(*ParseTimestamp("1435781451.781"), 1435781451781LL);
  EXPECT_EQ(*ParseTimestamp("1435781451"), 1435781451000LL);
  EXPECT_EQ(*ParseTimestamp("2015-07-01T20:10:51.781Z"), 1435781451781LL);
  EXPECT_EQ(*ParseTimestamp("2015-07-01T22:10:51.781+02:00"), 1435781451781LL);
  EXPECT_FALSE(ParseTimestamp("yesterday").ok());
  EXPECT_FALSE(ParseTimestamp("").ok());
  EXPECT_EQ(FormatRfc3339(1435781451781LL), "2015-07-01T20:10:51.781Z");
}

}  // namespace
}  // namespace vigie
