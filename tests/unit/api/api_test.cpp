// Every non-query endpoint: parameter parsing, error messages and codes, and the exact JSON
// (golden strings shaped like Prometheus 2.42's responses).
#include <gtest/gtest.h>

#include "api/ui_assets.h"
#include "api_fixture.h"
#include "net/http_server.h"

namespace vigie::api::testing {
namespace {

constexpr std::string_view kUpSeries =
    R"({"__name__":"up","instance":"localhost:9090","job":"prometheus"},)"
    R"({"__name__":"up","instance":"localhost:9100","job":"node"})";

class ApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    MakeApi();
  }
};

std::string Ok(std::string_view data) {
  return R"({"status":"success","data":)" + std::string(data) + "}";
}
std::string BadData(std::string_view msg) {
  return R"({"status":"error","errorType":"bad_data","error":)" + std::string(msg) + "}";
}

TEST_F(ApiTest, LabelNames) {
  auto res = Get("/api/v1/labels");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers.GetOr("Content-Type"), "application/json");
  EXPECT_EQ(res.body, Ok(R"(["__name__","code","instance","job","room"])"));
  res = Post("/api/v1/labels", "match[]=up");
  EXPECT_EQ(res.body, Ok(R"(["__name__","instance","job"])"));
  res = Get("/api/v1/labels?match[]=up&match[]=temperature");
  EXPECT_EQ(res.body, Ok(R"(["__name__","instance","job","room"])"));
}

TEST_F(ApiTest, LabelNamesErrors) {
  auto res = Get("/api/v1/labels?start=yesterday");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(
      res.body,
      BadData(
          R"("invalid parameter \"start\": Invalid time value for 'start': cannot parse \"yesterday\" to a valid timestamp")"));
  res = Get("/api/v1/labels?match[]={job=\"\"}");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, BadData(R"("match[] must contain at least one non-empty matcher")"));
  res = Get("/api/v1/labels?match[]=up{");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("parse error"), std::string::npos) << res.body;
}

TEST_F(ApiTest, LabelValues) {
  auto res = Get("/api/v1/label/job/values");
  EXPECT_EQ(res.body, Ok(R"(["api","node","prometheus"])"));
  res = Get("/api/v1/label/__name__/values");
  EXPECT_EQ(res.body, Ok(R"(["http_requests_total","temperature","up"])"));
  res = Get("/api/v1/label/job/values?match[]=up{job!=\"node\"}");
  EXPECT_EQ(res.body, Ok(R"(["prometheus"])"));
  res = Get("/api/v1/label/room/values");
  EXPECT_EQ(res.body, Ok(R"(["\u003clab \u0026 \"b\"\u003e"])"));
  res = Get("/api/v1/label/nope/values");
  EXPECT_EQ(res.body, Ok("[]"));
}

TEST_F(ApiTest, LabelValuesErrors) {
  auto res = Get("/api/v1/label/a-b/values");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, BadData(R"("invalid label name: \"a-b\"")"));
  res = Get("/api/v1/label/job/values?end=x");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(
      res.body,
      BadData(
          R"("invalid parameter \"end\": Invalid time value for 'end': cannot parse \"x\" to a valid timestamp")"));
}

TEST_F(ApiTest, Series) {
  auto res = Get("/api/v1/series?match[]=up");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, Ok("[" + std::string(kUpSeries) + "]"));
  res = Post("/api/v1/series", "match%5B%5D=temperature&start=1435781400&end=1435781500");
  EXPECT_EQ(res.body, Ok(R"([{"__name__":"temperature","room":"\u003clab \u0026 \"b\"\u003e"}])"));
  // Several selectors: merged, sorted, without duplicates.
  res = Get("/api/v1/series?match[]=up{job=\"node\"}&match[]=up&match[]=temperature");
  EXPECT_EQ(res.body, Ok(R"([{"__name__":"temperature","room":"\u003clab \u0026 \"b\"\u003e"},)" +
                         std::string(kUpSeries) + "]"));
  // Outside the time range: nothing.
  res = Get("/api/v1/series?match[]=up&start=2020-01-01T00:00:00Z&end=2020-01-02T00:00:00Z");
  EXPECT_EQ(res.body, Ok("[]"));
  // RFC 3339 with an offset and a fraction, and Unix seconds, select the same range.
  res = Get("/api/v1/series?match[]=up&start=2015-07-01T22:10:00.5%2B02:00&end=1435781452");
  EXPECT_EQ(res.body, Ok("[" + std::string(kUpSeries) + "]"));
}

TEST_F(ApiTest, SeriesErrors) {
  auto res = Get("/api/v1/series");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, BadData(R"("no match[] parameter provided")"));
  res = Get("/api/v1/series?match[]={job=~\".*\"}");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(
      res.body,
      BadData(
          R"("invalid parameter \"match[]\": match[] must contain at least one non-empty matcher")"));
  res = Get("/api/v1/series?match[]=rate(up[5m])");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find(R"(invalid parameter \"match[]\": )"), std::string::npos) << res.body;
  res = Do("POST", "/api/v1/series", "match[]=%zz");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("error parsing form values"), std::string::npos) << res.body;
}

TEST_F(ApiTest, TargetsWithoutScrapeManager) {
  auto res = Get("/api/v1/targets");
  EXPECT_EQ(res.body, Ok(R"({"activeTargets":[],"droppedTargets":[]})"));
  res = Get("/api/v1/targets/metadata");
  EXPECT_EQ(res.body, Ok("[]"));
  res = Get("/api/v1/metadata");
  EXPECT_EQ(res.body, Ok("{}"));
  res = Get("/api/v1/targets/metadata?limit=x");
  EXPECT_EQ(res.body, BadData(R"("limit must be a number")"));
  res = Get("/api/v1/scrape_pools");
  EXPECT_EQ(res.body, Ok(R"({"scrapePools":[]})"));
}

TEST_F(ApiTest, RulesAlertsAndAlertmanagersAreEmpty) {
  EXPECT_EQ(Get("/api/v1/rules").body, Ok(R"({"groups":[]})"));
  EXPECT_EQ(Get("/api/v1/rules?type=ALERT").body, Ok(R"({"groups":[]})"));
  EXPECT_EQ(Get("/api/v1/rules?type=x").body,
            BadData(R"("invalid parameter \"type\": not supported value \"x\"")"));
  EXPECT_EQ(Get("/api/v1/alerts").body, Ok(R"({"alerts":[]})"));
  EXPECT_EQ(Get("/api/v1/alertmanagers").body,
            Ok(R"({"activeAlertmanagers":[],"droppedAlertmanagers":[]})"));
}

TEST_F(ApiTest, QueryExemplars) {
  auto res = Get("/api/v1/query_exemplars?query=up&start=1&end=2");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, Ok("[]"));
  res = Get("/api/v1/query_exemplars?query=1%2B1");
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.body, "");
  res = Get("/api/v1/query_exemplars?query=up&start=2&end=1");
  EXPECT_EQ(res.body, BadData(R"("end timestamp must not be before start timestamp")"));
  res = Get("/api/v1/query_exemplars?query=up{");
  EXPECT_EQ(res.status, 400);
}

TEST_F(ApiTest, QueryRangeParameterErrors) {
  auto err = [&](std::string qs) { return Get("/api/v1/query_range?query=up&" + qs); };
  auto res = err("end=2&step=1");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body,
            BadData(R"("invalid parameter \"start\": cannot parse \"\" to a valid timestamp")"));
  res = err("start=1&step=1");
  EXPECT_EQ(res.body,
            BadData(R"("invalid parameter \"end\": cannot parse \"\" to a valid timestamp")"));
  res = err("start=2&end=1&step=1");
  EXPECT_EQ(res.body,
            BadData(R"("invalid parameter \"end\": end timestamp must not be before start time")"));
  res = err("start=1&end=2");
  EXPECT_EQ(res.body,
            BadData(R"("invalid parameter \"step\": cannot parse \"\" to a valid duration")"));
  res = err("start=1&end=2&step=0");
  EXPECT_EQ(
      res.body,
      BadData(
          R"("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer")"));
  res = err("start=1&end=2&step=-5s");
  EXPECT_EQ(res.body,
            BadData(R"("invalid parameter \"step\": cannot parse \"-5s\" to a valid duration")"));
  res = err("start=0&end=11001&step=1");
  EXPECT_EQ(
      res.body,
      BadData(
          R"j("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")j"));
  res = err("start=0&end=1&step=1&timeout=soon");
  EXPECT_EQ(
      res.body,
      BadData(R"("invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration")"));
  res = Get("/api/v1/query?query=up&time=x");
  EXPECT_EQ(
      res.body,
      BadData(
          R"("invalid parameter \"time\": Invalid time value for 'time': cannot parse \"x\" to a valid timestamp")"));
}

TEST_F(ApiTest, StatusEndpoints) {
  ApiOptions o;
  o.build_info = {"2.42.0", "rev", "main", "me", "20230131", "g++"};
  o.flags = {{"web.listen-address", ":9090"}, {"config.file", "p.yml"}};
  o.config_yaml = [] { return std::string("global:\n  scrape_interval: 15s\n"); };
  o.reload_state = [] { return ReloadState{false, kT0}; };
  o.start_time_ms = kT0 - 1000;
  o.storage_retention = "15d";
  o.tsdb_status = [] {
    TsdbStatus s;
    s.num_series = 4;
    s.num_label_pairs = 9;
    s.chunk_count = 4;
    s.min_time = kT0 - 60000;
    s.max_time = kT0;
    s.series_count_by_metric_name = {{"up", 2}, {"temperature", 1}};
    return s;
  };
  MakeApi(std::move(o));
  EXPECT_EQ(
      Get("/api/v1/status/buildinfo").body,
      Ok(R"({"version":"2.42.0","revision":"rev","branch":"main","buildUser":"me","buildDate":"20230131","goVersion":"g++"})"));
  EXPECT_EQ(Get("/api/v1/status/flags").body,
            Ok(R"({"config.file":"p.yml","web.listen-address":":9090"})"));
  EXPECT_EQ(Get("/api/v1/status/config").body,
            Ok(R"({"yaml":"global:\n  scrape_interval: 15s\n"})"));
  EXPECT_EQ(
      Get("/api/v1/status/tsdb").body,
      Ok(R"({"headStats":{"numSeries":4,"numLabelPairs":9,"chunkCount":4,"minTime":1435781391781,"maxTime":1435781451781},)"
         R"("seriesCountByMetricName":[{"name":"up","value":2},{"name":"temperature","value":1}],)"
         R"("labelValueCountByLabelName":[],"memoryInBytesByLabelName":[],"seriesCountByLabelValuePair":[]})"));
  EXPECT_EQ(Get("/api/v1/status/walreplay").body, Ok(R"({"min":0,"max":0,"current":0})"));
  auto rt = Get("/api/v1/status/runtimeinfo").body;
  EXPECT_EQ(
      rt.rfind(R"({"status":"success","data":{"startTime":"2015-07-01T20:10:50.781Z","CWD":")", 0),
      0u)
      << rt;
  EXPECT_NE(
      rt.find(
          R"("reloadConfigSuccess":false,"lastConfigTime":"2015-07-01T20:10:51.781Z","corruptionCount":0,"goroutineCount":)"),
      std::string::npos)
      << rt;
  EXPECT_NE(rt.find(R"("GOGC":"","GODEBUG":"","storageRetention":"15d"}})"), std::string::npos)
      << rt;
}

TEST_F(ApiTest, TsdbStatusWithoutProviderIsInternalError) {
  auto res = Get("/api/v1/status/tsdb");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(
      res.body,
      R"({"status":"error","errorType":"internal","error":"TSDB statistics are not available"})");
}

TEST_F(ApiTest, Cors) {
  auto res = Do("GET", "/api/v1/labels", "", {{"Origin", "http://grafana.example"}});
  EXPECT_EQ(res.headers.GetOr("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(res.headers.GetOr("Access-Control-Allow-Methods"), "GET, POST, OPTIONS");
  EXPECT_EQ(res.headers.GetOr("Vary"), "Origin");
  res = Get("/api/v1/labels");
  EXPECT_FALSE(res.headers.Has("Access-Control-Allow-Origin"));
  res = Do("OPTIONS", "/api/v1/query", "", {{"Origin", "http://x"}});
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.headers.GetOr("Access-Control-Allow-Origin"), "*");

  ApiOptions o;
  o.cors_origin = "https?://grafana\\.example";
  MakeApi(std::move(o));
  res = Do("GET", "/api/v1/labels", "", {{"Origin", "http://grafana.example"}});
  EXPECT_EQ(res.headers.GetOr("Access-Control-Allow-Origin"), "http://grafana.example");
  res = Do("GET", "/api/v1/labels", "", {{"Origin", "http://evil.example"}});
  EXPECT_FALSE(res.headers.Has("Access-Control-Allow-Origin"));
  ApiOptions bad;
  bad.queryable = db_.get();
  bad.cors_origin = "(";
  EXPECT_FALSE(Api::Create(std::move(bad)).ok());
}

TEST_F(ApiTest, Federate) {
  auto res = Get("/federate?match[]=up&match[]=temperature");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers.GetOr("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(res.body,
            "# TYPE temperature untyped\n"
            "temperature{room=\"<lab & \\\"b\\\">\",instance=\"\"} 0.1 1435781451781\n"
            "# TYPE up untyped\n"
            "up{instance=\"localhost:9090\",job=\"prometheus\"} 1 1435781451781\n"
            "up{instance=\"localhost:9100\",job=\"node\"} 0 1435781451781\n");
  // External labels are appended where the series lacks them.
  ApiOptions o;
  o.external_labels = [] { return Labels{{"cluster", "eu"}, {"job", "ignored"}}; };
  MakeApi(std::move(o));
  res = Get("/federate?match[]=up{job=\"node\"}");
  EXPECT_EQ(res.body,
            "# TYPE up untyped\n"
            "up{instance=\"localhost:9100\",job=\"node\",cluster=\"eu\"} 0 1435781451781\n");
  // OpenMetrics when asked.
  res = Do("GET", "/federate?match[]=up{job=\"node\"}", "",
           {{"Accept", "application/openmetrics-text; version=1.0.0"}});
  EXPECT_EQ(res.headers.GetOr("Content-Type").substr(0, 28), "application/openmetrics-text");
  EXPECT_EQ(res.body,
            "# TYPE up unknown\n"
            "up{instance=\"localhost:9100\",job=\"node\",cluster=\"eu\"} 0 1435781451.781\n"
            "# EOF\n");
}

TEST_F(ApiTest, FederateLooksBackOnlyTheLookbackDelta) {
  ApiOptions o;
  o.now = [] { return kT0 + 10 * 60 * 1000; };  // 10 minutes after the last sample
  MakeApi(std::move(o));
  EXPECT_EQ(Get("/federate?match[]=up").body, "");
  EXPECT_EQ(Get("/federate").body, "");
  auto res = Get("/federate?match[]=up{");
  EXPECT_EQ(res.status, 400);
}

TEST_F(ApiTest, SelfMetrics) {
  auto res = Get("/metrics");
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("prometheus_web_federation_errors_total 0"), std::string::npos)
      << res.body;
}

TEST_F(ApiTest, LifecycleDisabled) {
  auto res = Post("/-/reload", "");
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(res.body, "Lifecycle API is not enabled.");
  EXPECT_EQ(Do("PUT", "/-/quit").status, 403);
  EXPECT_EQ(Get("/-/reload").status, 405);
}

TEST_F(ApiTest, LifecycleEnabled) {
  int reloads = 0, quits = 0;
  bool fail = false;
  ApiOptions o;
  o.enable_lifecycle = true;
  o.reload = [&]() -> Status {
    ++reloads;
    if (fail) return InvalidArgument("parsing YAML file p.yml: line 3: field x not found");
    return OkStatus();
  };
  o.quit = [&] { ++quits; };
  MakeApi(std::move(o));
  EXPECT_EQ(Post("/-/reload", "").status, 200);
  fail = true;
  auto res = Do("PUT", "/-/reload");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body,
            "failed to reload config: parsing YAML file p.yml: line 3: field x not found\n");
  EXPECT_EQ(reloads, 2);
  res = Post("/-/quit", "");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(quits, 1);
}

TEST_F(ApiTest, WebUi) {
  const UiAsset* index = nullptr;
  for (const auto& a : UiAssets()) {
    if (a.path == "index.html") index = &a;
  }
  ASSERT_NE(index, nullptr);
  for (std::string page : {"/", "/graph", "/targets", "/service-discovery", "/status"}) {
    auto res = Get(page);
    EXPECT_EQ(res.status, 200) << page;
    EXPECT_EQ(res.body, index->data) << page;
    EXPECT_EQ(res.headers.GetOr("Content-Type"), "text/html; charset=utf-8");
  }
  auto res = Get("/graph");
  std::string etag(res.headers.GetOr("ETag"));
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(res.headers.GetOr("Cache-Control"), "no-cache");
  res = Do("GET", "/graph", "", {{"If-None-Match", etag}});
  EXPECT_EQ(res.status, 304);
  EXPECT_EQ(res.body, "");
  for (const auto& a : UiAssets()) {
    if (a.path == "index.html") continue;
    res = Get("/static/" + std::string(a.path));
    EXPECT_EQ(res.status, 200) << a.path;
    EXPECT_EQ(res.body, a.data);
    EXPECT_EQ(res.headers.GetOr("Content-Type"), a.content_type);
    EXPECT_FALSE(res.headers.GetOr("ETag").empty());
  }
  EXPECT_EQ(Get("/static/nope.js").status, 404);
  EXPECT_EQ(Get("/static/index.html").status, 404);
  EXPECT_EQ(Get("/nope").status, 404);
}

TEST_F(ApiTest, DemoUsersOnlyInsideTheDemo) {
  EXPECT_EQ(Get("/vigie/api/demo/users").status, 404);
  EXPECT_EQ(Post("/vigie/api/demo/users", "users=3").status, 404);
}

TEST_F(ApiTest, DemoUsersRelayToTheLoadGenerator) {
  // A stand-in for `vigie load`'s control endpoint on loopback.
  net::ServerOptions so;
  so.listen_addresses = {"127.0.0.1:0"};
  so.threads = 1;
  auto load = net::HttpServer::Open(so);
  ASSERT_TRUE(load.ok());
  int users = 10;
  (*load)->router().Get("/users", [&](const net::Request&, net::Response& res) {
    res.Set(200, "{\"users\":" + std::to_string(users) + "}", net::kApplicationJson);
  });
  (*load)->router().Post("/users", [&](const net::Request& req, net::Response& res) {
    auto form = req.Form();
    users = std::stoi(std::string(form->GetOr("users", "0")));
    res.Set(200, "{\"users\":" + std::to_string(users) + "}", net::kApplicationJson);
  });
  ASSERT_TRUE((*load)->Start().ok());
  ApiOptions o;
  o.demo_load_control_url = "http://" + (*load)->addresses().front() + "/users";
  MakeApi(std::move(o));
  auto res = Get("/vigie/api/demo/users");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"users":10})");
  res = Post("/vigie/api/demo/users", "users=25");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"users":25})");
  EXPECT_EQ(users, 25);
  EXPECT_EQ(Post("/vigie/api/demo/users", "people=3").status, 400);
  (*load)->Shutdown();
  res = Get("/vigie/api/demo/users");
  EXPECT_EQ(res.status, 502);
}

}  // namespace
}  // namespace vigie::api::testing
