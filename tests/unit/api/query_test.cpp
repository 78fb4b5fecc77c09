// /api/v1/query and /api/v1/query_range through the real engine: every result type's exact
// JSON, error types and codes, POST forms, timeouts, limits and streaming of large results.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api_fixture.h"

namespace vigie::api::testing {
namespace {

class QueryTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    MakeApi();
  }
};

std::string Ok(std::string_view data) {
  return R"({"status":"success","data":)" + std::string(data) + "}";
}

constexpr std::string_view kUp9090 =
    R"({"__name__":"up","instance":"localhost:9090","job":"prometheus"})";
constexpr std::string_view kUp9100 =
    R"({"__name__":"up","instance":"localhost:9100","job":"node"})";

TEST_F(QueryTest, InstantVector) {
  auto res = Get("/api/v1/query?query=up&time=1435781451.781");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers.GetOr("Content-Type"), "application/json");
  EXPECT_EQ(res.body, Ok(R"({"resultType":"vector","result":[{"metric":)" + std::string(kUp9090) +
                         R"(,"value":[1435781451.781,"1"]},{"metric":)" + std::string(kUp9100) +
                         R"(,"value":[1435781451.781,"0"]}]})"));
  // No time: the server's now (the fixture's clock is kT0).
  EXPECT_EQ(Get("/api/v1/query?query=up").body, res.body);
  // RFC 3339 time; an arithmetic result drops the metric name.
  res = Get("/api/v1/query?query=temperature*2&time=2015-07-01T20:10:51.781Z");
  EXPECT_EQ(
      res.body,
      Ok(R"({"resultType":"vector","result":[{"metric":{"room":"\u003clab \u0026 \"b\"\u003e"},"value":[1435781451.781,"0.2"]}]})"));
  // Nothing within the lookback delta: an empty vector.
  res = Get("/api/v1/query?query=up&time=1435790000");
  EXPECT_EQ(res.body, Ok(R"({"resultType":"vector","result":[]})"));
}

TEST_F(QueryTest, SpecialValues) {
  auto res = Get("/api/v1/query?query=up%2F0&time=1435781451.781");
  EXPECT_EQ(
      res.body,
      Ok(R"({"resultType":"vector","result":[{"metric":{"instance":"localhost:9090","job":"prometheus"},"value":[1435781451.781,"+Inf"]},{"metric":{"instance":"localhost:9100","job":"node"},"value":[1435781451.781,"NaN"]}]})"));
  res = Get("/api/v1/query?query=vector(1e-7)&time=1435781451");
  EXPECT_EQ(res.body,
            Ok(R"({"resultType":"vector","result":[{"metric":{},"value":[1435781451,"1e-07"]}]})"));
}

TEST_F(QueryTest, ScalarAndString) {
  auto res = Get("/api/v1/query?query=1%2B1&time=1435781451.781");
  EXPECT_EQ(res.body, Ok(R"({"resultType":"scalar","result":[1435781451.781,"2"]})"));
  // A scalar's value never uses an exponent; its time is a plain JSON float.
  res = Get("/api/v1/query?query=1e-7&time=1435781451.78");
  EXPECT_EQ(res.body, Ok(R"({"resultType":"scalar","result":[1435781451.78,"0.0000001"]})"));
  res = Get("/api/v1/query?query=%22hello%22&time=100");
  EXPECT_EQ(res.body, Ok(R"({"resultType":"string","result":[100,"hello"]})"));
}

TEST_F(QueryTest, InstantMatrix) {
  auto res = Get("/api/v1/query?query=up{job=\"node\"}[1m]&time=1435781451.781");
  EXPECT_EQ(res.body,
            Ok(R"({"resultType":"matrix","result":[{"metric":)" + std::string(kUp9100) +
               R"(,"values":[[1435781391.781,"0"],[1435781406.781,"0"],[1435781421.781,"0"],)"
               R"([1435781436.781,"0"],[1435781451.781,"0"]]}]})"));
}

TEST_F(QueryTest, RangeQuery) {
  auto res = Get("/api/v1/query_range?query=up&start=1435781421.781&end=1435781451.781&step=15");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body,
            Ok(R"({"resultType":"matrix","result":[{"metric":)" + std::string(kUp9090) +
               R"(,"values":[[1435781421.781,"1"],[1435781436.781,"1"],[1435781451.781,"1"]]},)"
               R"({"metric":)" +
               std::string(kUp9100) +
               R"(,"values":[[1435781421.781,"0"],[1435781436.781,"0"],[1435781451.781,"0"]]}]})"));
  // The same as a POST form, with a duration step and RFC 3339 times.
  auto post = Post("/api/v1/query_range",
                   "query=up&start=2015-07-01T20%3A10%3A21.781Z&end=2015-07-01T20%3A10%3A51.781Z"
                   "&step=15s");
  EXPECT_EQ(post.body, res.body);
  // A scalar expression gives one series without labels.
  res = Get("/api/v1/query_range?query=1%2F3&start=0&end=1&step=0.5");
  EXPECT_EQ(
      res.body,
      Ok(R"({"resultType":"matrix","result":[{"metric":{},"values":[[0,"0.3333333333333333"],[0.500,"0.3333333333333333"],[1,"0.3333333333333333"]]}]})"));
}

TEST_F(QueryTest, ParseErrors) {
  auto res = Get("/api/v1/query?query=up{");
  EXPECT_EQ(res.status, 400);
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["status"], "error");
  EXPECT_EQ(j["errorType"], "bad_data");
  EXPECT_EQ(j["error"].get<std::string>().rfind("invalid parameter \"query\": 1:", 0), 0u)
      << res.body;
  // Range queries report the parser's message bare, as Prometheus does.
  res = Get("/api/v1/query_range?query=up{&start=0&end=1&step=1");
  EXPECT_EQ(res.status, 400);
  j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["error"].get<std::string>().rfind("1:", 0), 0u) << res.body;
  res = Get("/api/v1/query?query=");
  EXPECT_EQ(res.status, 400);
  res = Get("/api/v1/query_range?query=up[5m]&start=0&end=1&step=1");
  EXPECT_EQ(res.status, 400);
  j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["errorType"], "bad_data");
  EXPECT_NE(j["error"].get<std::string>().find("range vector"), std::string::npos) << res.body;
}

TEST_F(QueryTest, ExecutionErrorIs422) {
  auto res = Get("/api/v1/query?query=up%2Bon()up&time=1435781451.781");
  EXPECT_EQ(res.status, 422);
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["status"], "error");
  EXPECT_EQ(j["errorType"], "execution");
  EXPECT_FALSE(j["error"].get<std::string>().empty());
  EXPECT_FALSE(j.contains("data"));
}

TEST_F(QueryTest, TimeoutIs503) {
  auto res = Get("/api/v1/query?query=up&timeout=0s");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.body,
            R"({"status":"error","errorType":"timeout","error":"query timed out in query queue"})");
  // A generous timeout does not get in the way.
  EXPECT_EQ(Get("/api/v1/query?query=up&timeout=30s").status, 200);
}

TEST_F(QueryTest, MaxSamplesIsAnExecutionError) {
  promql::Engine small({.max_samples = 3});
  ApiOptions o;
  o.engine = &small;
  MakeApi(std::move(o));
  auto res = Get("/api/v1/query_range?query=up&start=1435781391.781&end=1435781451.781&step=1");
  EXPECT_EQ(res.status, 422) << res.body;
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["errorType"], "execution");
}

TEST_F(QueryTest, LargeResultsStreamAndStayValid) {
  auto app = db_->NewAppender();
  for (int i = 0; i < 3000; ++i) {
    Add(*app, {{"__name__", "many"}, {"i", std::to_string(i)}}, kT0, i * 0.5);
  }
  ASSERT_TRUE(app->Commit().ok());
  auto res = Get("/api/v1/query?query=many");
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.streaming());  // written in pieces, not built as one string
  auto j = nlohmann::json::parse(res.body);
  ASSERT_EQ(j["data"]["result"].size(), 3000u);
  double sum = 0;
  for (const auto& s : j["data"]["result"]) sum += std::stod(s["value"][1].get<std::string>());
  EXPECT_DOUBLE_EQ(sum, 0.5 * 2999 * 3000 / 2);
}

}  // namespace
}  // namespace vigie::api::testing
