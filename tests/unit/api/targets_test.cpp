// /api/v1/targets, /targets/metadata, /metadata and /scrape_pools from a real scrape manager
// scraping a loopback HTTP target every 100 ms (plus one target that is down and one that
// relabelling drops).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "api_fixture.h"
#include "config/config.h"
#include "net/http_server.h"
#include "scrape/manager.h"

namespace vigie::api::testing {
namespace {

constexpr std::string_view kExposition =
    "# HELP demo_requests_total Requests served.\n"
    "# TYPE demo_requests_total counter\n"
    "demo_requests_total{code=\"200\"} 5\n"
    "# HELP demo_temp Temperature <C>.\n"
    "# TYPE demo_temp gauge\n"
    "demo_temp 21.5\n";

class TargetsTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    net::ServerOptions so;
    so.listen_addresses = {"127.0.0.1:0"};
    so.threads = 2;
    auto target = net::HttpServer::Open(so);
    ASSERT_TRUE(target.ok());
    target_ = std::move(target).value();
    target_->router().Get("/metrics", [](const net::Request&, net::Response& res) {
      res.Set(200, std::string(kExposition), "text/plain; version=0.0.4");
    });
    ASSERT_TRUE(target_->Start().ok());
    port_ = target_->port();

    // A port nothing listens on: bind one, note it, close it.
    auto tmp = net::HttpServer::Open(so);
    ASSERT_TRUE(tmp.ok());
    dead_port_ = (*tmp)->port();
    tmp->reset();

    std::string yaml =
        "global: {scrape_interval: 100ms, scrape_timeout: 100ms}\n"
        "scrape_configs:\n"
        "  - job_name: app\n"
        "    static_configs: [{targets: ['127.0.0.1:" +
        std::to_string(port_) +
        "'], labels: {env: test}}]\n"
        "  - job_name: down\n"
        "    static_configs: [{targets: ['127.0.0.1:" +
        std::to_string(dead_port_) +
        "']}]\n"
        "  - job_name: dropped\n"
        "    static_configs: [{targets: ['keep.example:80', 'drop.example:80']}]\n"
        "    relabel_configs: [{source_labels: [__address__], regex: 'drop.*', action: drop}]\n";
    auto cfg = config::Load(yaml);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message();
    scrape::ManagerOptions mo;
    mo.appendable = db_.get();
    mo.discovery_update_interval = 20;
    auto m = scrape::Manager::Open(std::move(mo));
    ASSERT_TRUE(m.ok());
    manager_ = std::move(m).value();
    ASSERT_TRUE(manager_->ApplyConfig(cfg->scrape_configs).ok());
    manager_->Run();

    ApiOptions o;
    o.scrape = manager_.get();
    o.global_url = {.listen_address = ":9090", .host = "vigie.example:9090", .scheme = "http"};
    MakeApi(std::move(o));

    // Wait for the first scrapes: app up, down down.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      auto j = Json("/api/v1/targets");
      int settled = 0;
      for (const auto& t : j["data"]["activeTargets"]) {
        if (t["scrapePool"] == "app" && t["health"] == "up") ++settled;
        if (t["scrapePool"] == "down" && t["health"] == "down") ++settled;
      }
      if (settled == 2 && Json("/api/v1/metadata")["data"].size() == 2) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "targets did not settle: " << Get("/api/v1/targets").body;
  }

  void TearDown() override {
    if (manager_) manager_->Stop();
    if (target_) target_->Shutdown();
    ApiFixture::TearDown();
  }

  nlohmann::json Json(std::string target) {
    auto res = Get(std::move(target));
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << res.body;
    return j;
  }

  std::unique_ptr<net::HttpServer> target_;
  std::unique_ptr<scrape::Manager> manager_;
  int port_ = 0;
  int dead_port_ = 0;
};

TEST_F(TargetsTest, ActiveAndDroppedTargets) {
  auto j = Json("/api/v1/targets");
  EXPECT_EQ(j["status"], "success");
  const auto& active = j["data"]["activeTargets"];
  ASSERT_EQ(active.size(), 3u) << j.dump();
  std::string addr = "127.0.0.1:" + std::to_string(port_);
  // Sorted by pool: app, down, dropped.
  const auto& app = active[0];
  EXPECT_EQ(app["scrapePool"], "app");
  EXPECT_EQ(app["labels"], (nlohmann::json{{"env", "test"}, {"instance", addr}, {"job", "app"}}));
  EXPECT_EQ(app["discoveredLabels"]["__address__"], addr);
  EXPECT_EQ(app["discoveredLabels"]["env"], "test");
  EXPECT_EQ(app["scrapeUrl"], "http://" + addr + "/metrics");
  // A loopback target on another port than ours: the external host with the target's port.
  EXPECT_EQ(app["globalUrl"], "http://vigie.example:" + std::to_string(port_) + "/metrics");
  EXPECT_EQ(app["health"], "up");
  EXPECT_EQ(app["lastError"], "");
  EXPECT_TRUE(app["lastScrapeDuration"].is_number());
  EXPECT_EQ(app["lastScrape"].get<std::string>().back(), 'Z');
  EXPECT_EQ(app["scrapeInterval"], "100ms");
  EXPECT_EQ(app["scrapeTimeout"], "100ms");
  // The keys, in Prometheus's order.
  std::vector<std::string> keys;
  auto raw = Get("/api/v1/targets").body;
  size_t pos = raw.find("\"activeTargets\":[{") + 18;
  for (std::string k :
       {"discoveredLabels", "labels", "scrapePool", "scrapeUrl", "globalUrl", "lastError",
        "lastScrape", "lastScrapeDuration", "health", "scrapeInterval", "scrapeTimeout"}) {
    size_t at = raw.find("\"" + k + "\":", pos);
    ASSERT_NE(at, std::string::npos) << k;
    EXPECT_GE(at, pos) << k;
    pos = at;
  }

  const auto& down = active[1];
  EXPECT_EQ(down["scrapePool"], "down");
  EXPECT_EQ(down["health"], "down");
  EXPECT_FALSE(down["lastError"].get<std::string>().empty());

  ASSERT_EQ(j["data"]["droppedTargets"].size(), 1u);
  EXPECT_EQ(j["data"]["droppedTargets"][0]["discoveredLabels"]["__address__"], "drop.example:80");
}

TEST_F(TargetsTest, StateAndPoolFilters) {
  auto j = Json("/api/v1/targets?state=active");
  EXPECT_EQ(j["data"]["activeTargets"].size(), 3u);
  EXPECT_EQ(j["data"]["droppedTargets"], nlohmann::json::array());
  j = Json("/api/v1/targets?state=Dropped");
  EXPECT_EQ(j["data"]["activeTargets"], nlohmann::json::array());
  EXPECT_EQ(j["data"]["droppedTargets"].size(), 1u);
  j = Json("/api/v1/targets?state=any&scrapePool=down");
  ASSERT_EQ(j["data"]["activeTargets"].size(), 1u);
  EXPECT_EQ(j["data"]["activeTargets"][0]["scrapePool"], "down");
  EXPECT_EQ(j["data"]["droppedTargets"], nlohmann::json::array());
  EXPECT_EQ(Get("/api/v1/scrape_pools").body,
            R"({"status":"success","data":{"scrapePools":["app","down","dropped"]}})");
}

TEST_F(TargetsTest, Metadata) {
  std::string addr = "127.0.0.1:" + std::to_string(port_);
  std::string target = R"({"env":"test","instance":")" + addr + R"(","job":"app"})";
  EXPECT_EQ(
      Get("/api/v1/targets/metadata?match_target=%7Bjob%3D%22app%22%7D").body,
      R"({"status":"success","data":[)"
      R"({"target":)" +
          target +
          R"(,"metric":"demo_requests_total","type":"counter","help":"Requests served.","unit":""},)"
          R"({"target":)" +
          target +
          R"(,"metric":"demo_temp","type":"gauge","help":"Temperature \u003cC\u003e.","unit":""}]})");
  // One metric: no "metric" key, as Prometheus.
  EXPECT_EQ(Get("/api/v1/targets/metadata?metric=demo_temp").body,
            R"({"status":"success","data":[{"target":)" + target +
                R"(,"type":"gauge","help":"Temperature \u003cC\u003e.","unit":""}]})");
  EXPECT_EQ(Get("/api/v1/targets/metadata?match_target=%7Bjob%3D%22down%22%7D").body,
            R"({"status":"success","data":[]})");
  EXPECT_EQ(Get("/api/v1/targets/metadata?match_target=%7Bjob%3D").status, 400);

  EXPECT_EQ(
      Get("/api/v1/metadata").body,
      R"({"status":"success","data":{"demo_requests_total":[{"type":"counter","help":"Requests served.","unit":""}],)"
      R"("demo_temp":[{"type":"gauge","help":"Temperature \u003cC\u003e.","unit":""}]}})");
  EXPECT_EQ(
      Get("/api/v1/metadata?metric=demo_temp").body,
      R"({"status":"success","data":{"demo_temp":[{"type":"gauge","help":"Temperature \u003cC\u003e.","unit":""}]}})");
  EXPECT_EQ(Json("/api/v1/metadata?limit=1")["data"].size(), 1u);
  EXPECT_EQ(Get("/api/v1/metadata?limit=x").status, 400);
}

}  // namespace
}  // namespace vigie::api::testing
