// `vigie server` for real, on loopback: it scrapes a real prometheus-node-exporter and itself
// every second; the test waits for data, then checks the HTTP API (query, query_range, targets,
// series, labels, metadata), /federate, /metrics, the web UI (index.html at /graph with the
// bundle, /static/ assets with ETag and gzip), configuration reload through POST /-/reload and
// SIGHUP with a good and a bad file, --config.check, and a graceful shutdown that keeps the
// data for the next start.
#include <signal.h>

#include "api/ui_assets.h"
#include "server_test_fixture.h"

namespace vigie::testing {
namespace {

class ServerApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    if (auto missing = MissingTool({"prometheus-node-exporter"}); !missing.empty()) {
      GTEST_SKIP() << missing << " is not installed (scripts/setup installs it)";
    }
    StartNodeExporter();
    vigie_port_ = FreeTcpPort();
    StartVigie(Config(vigie_port_));
    ASSERT_TRUE(WaitForUp(vigie_port_, {"node", "prometheus"})) << vigie_->Log();
  }

  // Labels of every active target, by scrape pool.
  std::map<std::string, int> ActivePools() {
    std::map<std::string, int> pools;
    auto j = GetJson(vigie_port_, "/api/v1/targets");
    for (const auto& t : j["data"]["activeTargets"]) pools[t["scrapePool"]]++;
    return pools;
  }
};

TEST_F(ServerApiTest, QueryUpAndTargets) {
  auto j = GetJson(vigie_port_, "/api/v1/query?query=up");
  EXPECT_EQ(j["status"], "success");
  EXPECT_EQ(j["data"]["resultType"], "vector");
  ASSERT_EQ(j["data"]["result"].size(), 2u) << j.dump();
  for (const auto& s : j["data"]["result"]) {
    EXPECT_EQ(s["metric"]["__name__"], "up");
    EXPECT_TRUE(s["value"][0].is_number());
    EXPECT_EQ(s["value"][1], "1");
  }

  j = GetJson(vigie_port_, "/api/v1/targets");
  ASSERT_EQ(j["data"]["activeTargets"].size(), 2u) << j.dump();
  for (const auto& t : j["data"]["activeTargets"]) {
    EXPECT_EQ(t["health"], "up") << t.dump();
    EXPECT_EQ(t["lastError"], "");
    EXPECT_TRUE(t["lastScrapeDuration"].is_number());
    EXPECT_NE(t["lastScrape"], "0001-01-01T00:00:00Z");
    EXPECT_EQ(t["scrapeInterval"], "1s");
    EXPECT_EQ(t["scrapeTimeout"], "1s");
    EXPECT_EQ(t["scrapeUrl"].get<std::string>().rfind("http://127.0.0.1:", 0), 0u);
    EXPECT_EQ(t["labels"]["job"], t["scrapePool"]);
    EXPECT_TRUE(t["discoveredLabels"].contains("__address__"));
    EXPECT_TRUE(t.contains("globalUrl"));
  }
  EXPECT_EQ(j["data"]["droppedTargets"].size(), 0u);
  j = GetJson(vigie_port_, "/api/v1/targets?state=dropped");
  EXPECT_EQ(j["data"]["activeTargets"].size(), 0u);
  j = GetJson(vigie_port_, "/api/v1/targets?scrapePool=node");
  ASSERT_EQ(j["data"]["activeTargets"].size(), 1u);
  EXPECT_EQ(j["data"]["activeTargets"][0]["labels"]["instance"],
            "127.0.0.1:" + std::to_string(ne_port_));
}

TEST_F(ServerApiTest, SeriesLabelsAndMetadata) {
  auto j = GetJson(vigie_port_, "/api/v1/series?match[]=node_cpu_seconds_total");
  ASSERT_GT(j["data"].size(), 0u) << j.dump();
  for (const auto& s : j["data"]) {
    EXPECT_EQ(s["__name__"], "node_cpu_seconds_total");
    EXPECT_TRUE(s.contains("cpu") && s.contains("mode") && s.contains("instance"));
  }
  j = GetJson(vigie_port_, "/api/v1/labels");
  auto names = j["data"].get<std::vector<std::string>>();
  for (std::string want : {"__name__", "cpu", "instance", "job", "mode"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  // The server's own request counter appears once a scrape has seen a finished request:
  // poll rather than assume the first self-scrape came after one.
  std::vector<std::string> metrics;
  std::vector<std::string> want = {"node_load1",
                                   "node_memory_MemTotal_bytes",
                                   "prometheus_build_info",
                                   "prometheus_http_requests_total",
                                   "scrape_duration_seconds",
                                   "up"};
  auto has_all = [&] {
    metrics = GetJson(vigie_port_, "/api/v1/label/__name__/values")["data"]
                  .get<std::vector<std::string>>();
    for (const auto& w : want) {
      if (std::find(metrics.begin(), metrics.end(), w) == metrics.end()) return false;
    }
    return true;
  };
  EXPECT_TRUE(WaitUntil(has_all, 10000)) << nlohmann::json(metrics).dump();
  j = GetJson(vigie_port_, "/api/v1/label/job/values?match[]=node_load1");
  EXPECT_EQ(j["data"], nlohmann::json::array({"node"}));

  j = GetJson(vigie_port_, "/api/v1/metadata?metric=node_load1");
  ASSERT_TRUE(j["data"].contains("node_load1")) << j.dump();
  EXPECT_EQ(j["data"]["node_load1"][0]["type"], "gauge");
  EXPECT_FALSE(j["data"]["node_load1"][0]["help"].get<std::string>().empty());
  j = GetJson(vigie_port_,
              "/api/v1/targets/metadata?match_target={job=\"node\"}&metric=node_cpu_seconds_total");
  ASSERT_EQ(j["data"].size(), 1u) << j.dump();
  EXPECT_EQ(j["data"][0]["type"], "counter");
  EXPECT_EQ(j["data"][0]["target"]["job"], "node");
}

TEST_F(ServerApiTest, RangeQueryAndRate) {
  // Let a few scrapes accumulate for rate().
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto j = GetJson(vigie_port_, "/api/v1/query?query=count_over_time(up{job=\"node\"}[1m])");
        return !j["data"]["result"].empty() &&
               std::stod(j["data"]["result"][0]["value"][1].get<std::string>()) >= 4;
      },
      30000));
  auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch());
  double end = std::floor(now.count());
  auto form = "query=" + net::PercentEncode("sum by (mode) (rate(node_cpu_seconds_total[5s]))") +
              "&start=" + std::to_string(end - 10) + "&end=" + std::to_string(end) + "&step=1";
  auto r = Do("POST", vigie_port_, "/api/v1/query_range", form);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["data"]["resultType"], "matrix");
  ASSERT_GT(j["data"]["result"].size(), 0u) << r.body;
  for (const auto& s : j["data"]["result"]) {
    EXPECT_TRUE(s["metric"].contains("mode"));
    EXPECT_FALSE(s["metric"].contains("__name__"));
    for (const auto& p : s["values"]) {
      EXPECT_TRUE(p[0].is_number());
      EXPECT_GE(std::stod(p[1].get<std::string>()), 0);
    }
  }
}

TEST_F(ServerApiTest, FederateAndSelfMetrics) {
  auto r = Get(vigie_port_, "/federate?match[]=" + net::PercentEncode("up{job=\"node\"}"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.GetOr("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  std::string want = "up{instance=\"127.0.0.1:" + std::to_string(ne_port_) + "\",job=\"node\"} 1 ";
  EXPECT_EQ(r.body.rfind("# TYPE up untyped\n" + want, 0), 0u) << r.body;

  r = Get(vigie_port_, "/metrics");
  ASSERT_EQ(r.status, 200);
  for (std::string family :
       {"prometheus_http_requests_total{", "prometheus_build_info{",
        "prometheus_config_last_reload_successful 1",
        "prometheus_config_last_reload_success_timestamp_seconds ", "prometheus_tsdb_head_series ",
        "prometheus_target_interval_length_seconds", "process_resident_memory_bytes "}) {
    EXPECT_NE(r.body.find(family), std::string::npos) << family;
  }
  EXPECT_NE(r.body.find("handler=\"/api/v1/query\""), std::string::npos);
  // Healthy and ready.
  EXPECT_EQ(Get(vigie_port_, "/-/healthy").status, 200);
  EXPECT_EQ(Get(vigie_port_, "/-/ready").status, 200);
}

TEST_F(ServerApiTest, WebUi) {
  std::string index, app_js;
  for (const auto& a : api::UiAssets()) {
    if (a.path == "index.html") index = std::string(a.data);
    if (a.path == "app.js") app_js = std::string(a.data);
  }
  for (std::string page : {"/", "/graph", "/targets", "/service-discovery", "/status"}) {
    auto r = Get(vigie_port_, page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.body, index) << page;
    EXPECT_EQ(r.headers.GetOr("Content-Type"), "text/html; charset=utf-8");
  }
  if (app_js.empty()) GTEST_SKIP() << "this build embeds no UI bundle (Node.js was missing)";
  EXPECT_NE(index.find("/static/app.js"), std::string::npos);
  // The bundle, compressed on the wire when asked, with an ETag that revalidates to 304.
  net::ClientOptions raw_opts;
  raw_opts.accept_gzip = false;
  net::HttpClient raw(raw_opts);
  net::Headers h;
  h.Set("Accept-Encoding", "gzip");
  auto r = raw.Get(Url(vigie_port_, "/static/app.js"), h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.GetOr("Content-Encoding"), "gzip");
  EXPECT_LT(r->body.size(), app_js.size());
  std::string etag(r->headers.GetOr("ETag"));
  ASSERT_FALSE(etag.empty());
  auto plain = Get(vigie_port_, "/static/app.js");
  EXPECT_EQ(plain.body, app_js);
  EXPECT_EQ(plain.headers.GetOr("Content-Type"), "text/javascript; charset=utf-8");
  net::Headers inm;
  inm.Set("If-None-Match", etag);
  auto cached = raw.Get(Url(vigie_port_, "/static/app.js"), inm);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->status, 304);
  EXPECT_EQ(Get(vigie_port_, "/static/app.css").status, 200);
  EXPECT_EQ(Get(vigie_port_, "/static/missing.js").status, 404);
}

TEST_F(ServerApiTest, ReloadGoodAndBadConfig) {
  // A good new config (one more job) through POST /-/reload.
  std::string extra =
      "  - job_name: node-again\n"
      "    static_configs:\n"
      "      - targets: ['127.0.0.1:" +
      std::to_string(ne_port_) +
      "']\n"
      "        labels: {copy: 'yes'}\n";
  WriteFile(dir_.Join("vigie.yml"), Config(vigie_port_, extra));
  auto r = Do("POST", vigie_port_, "/-/reload");
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(WaitForUp(vigie_port_, {"node", "prometheus", "node-again"})) << vigie_->Log();
  EXPECT_EQ(ActivePools().size(), 3u);

  // A bad one is refused with the reason; the old configuration keeps running.
  WriteFile(dir_.Join("vigie.yml"), "scrape_configs:\n  - job_name: x\n    scrape_intervall: 5s\n");
  r = Do("POST", vigie_port_, "/-/reload");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("scrape_intervall"), std::string::npos) << r.body;
  EXPECT_EQ(ActivePools().size(), 3u);
  auto j = GetJson(vigie_port_, "/api/v1/status/runtimeinfo");
  EXPECT_EQ(j["data"]["reloadConfigSuccess"], false);
  EXPECT_NE(Get(vigie_port_, "/metrics").body.find("prometheus_config_last_reload_successful 0"),
            std::string::npos);
  EXPECT_NE(vigie_->Log().find("level=error msg=\"Error reloading config"), std::string::npos);
  // Scraping goes on under the old configuration.
  ASSERT_TRUE(WaitForUp(vigie_port_, {"node", "node-again"}));

  // SIGHUP with the original configuration back: the extra job goes away.
  WriteFile(dir_.Join("vigie.yml"), Config(vigie_port_));
  ASSERT_EQ(::kill(vigie_->pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitUntil([&] { return ActivePools().size() == 2; }, 15000)) << vigie_->Log();
  j = GetJson(vigie_port_, "/api/v1/status/runtimeinfo");
  EXPECT_EQ(j["data"]["reloadConfigSuccess"], true);
  j = GetJson(vigie_port_, "/api/v1/status/config");
  EXPECT_NE(j["data"]["yaml"].get<std::string>().find("job_name: node"), std::string::npos);
}

TEST_F(ServerApiTest, ConfigCheck) {
  WriteFile(dir_.Join("good.yml"), Config(9090));
  auto good =
      ChildProcess::Start({VigieBinary(), "server", "--config.check", dir_.Join("good.yml")},
                          dir_.Join("check-good.log"));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->Wait(20000), 0) << good->Log();
  EXPECT_NE(good->Log().find("SUCCESS"), std::string::npos) << good->Log();
  WriteFile(dir_.Join("bad.yml"), "global:\n  scrape_interval: often\n");
  auto bad = ChildProcess::Start({VigieBinary(), "server", "--config.check", dir_.Join("bad.yml")},
                                 dir_.Join("check-bad.log"));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->Wait(20000), 1) << bad->Log();
  EXPECT_NE(bad->Log().find("FAILED"), std::string::npos) << bad->Log();
  EXPECT_NE(bad->Log().find("often"), std::string::npos) << bad->Log();
}

TEST_F(ServerApiTest, GracefulShutdownKeepsTheData) {
  auto count = [&] {
    auto j = GetJson(vigie_port_, "/api/v1/query?query=count_over_time(up{job=\"node\"}[10m])");
    return j["data"]["result"].empty()
               ? 0.0
               : std::stod(j["data"]["result"][0]["value"][1].get<std::string>());
  };
  ASSERT_TRUE(WaitUntil([&] { return count() >= 3; }, 20000));
  double before = count();
  EXPECT_EQ(vigie_->Stop(20000), 0) << vigie_->Log();
  EXPECT_NE(vigie_->Log().find("TSDB closed"), std::string::npos) << vigie_->Log();
  vigie_.reset();
  StartVigie(Config(vigie_port_));
  EXPECT_GE(count(), before);  // the samples from before the restart are still there
}

}  // namespace
}  // namespace vigie::testing
