#include "core/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace vigie::log {
namespace {

TEST(Log, LogfmtQuotesWhereNeeded) {
  auto line = FormatLine(
      Level::kWarn, "scrape failed",
      {{"target", "127.0.0.1:9100"}, {"err", "connection \"refused\""}, {"n", 3}, {"ok", false}},
      false);
  EXPECT_NE(line.find(" level=warn msg=\"scrape failed\" target=127.0.0.1:9100 "
                      "err=\"connection \\\"refused\\\"\" n=3 ok=false"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.rfind("ts=", 0), 0u);
}

TEST(Log, JsonIsValid) {
  auto line = FormatLine(Level::kInfo, "hi", {{"k", "v\n"}}, true);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["msg"], "hi");
  EXPECT_EQ(j["k"], "v\n");
  EXPECT_EQ(j["level"], "info");
}

TEST(Log, InitRejectsUnknownValues) {
  EXPECT_TRUE(Init("debug", "logfmt").ok());
  EXPECT_TRUE(Enabled(Level::kDebug));
  auto st = Init("verbose", "logfmt");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("verbose"), std::string::npos);
  EXPECT_FALSE(Init("info", "xml").ok());
  EXPECT_TRUE(Init("info", "logfmt").ok());
  EXPECT_FALSE(Enabled(Level::kDebug));
}

}  // namespace
}  // namespace vigie::log
