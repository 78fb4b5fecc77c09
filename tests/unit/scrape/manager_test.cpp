// The scrape manager against real HTTP targets served on loopback by net/'s server, appending
// into an in-memory storage fake.
#include "scrape/manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "fake_storage.h"
#include "instrument/registry.h"
#include "lib/process.h"
#include "lib/temp_dir.h"
#include "net/http_server.h"
#include "storage/value.h"

namespace vigie::scrape {
namespace {

using testing::FakeStorage;

// Serves /metrics (a payload tests change), /garbage, /hang, /big (10x the payload) and
// /many (a thousand series); records the last scrape request's headers.
class TargetServer {
 public:
  TargetServer() {
    net::ServerOptions o;
    o.listen_addresses = {"127.0.0.1:0"};
    o.threads = 8;
    auto s = net::HttpServer::Open(o);
    EXPECT_TRUE(s.ok());
    server_ = std::move(*s);
    auto& r = server_->router();
    r.Get("/metrics", [this](const net::Request& req, net::Response& res) {
      std::lock_guard lock(mu_);
      accept_ = std::string(req.Accept());
      accept_encoding_ = std::string(req.Header("Accept-Encoding"));
      timeout_header_ = std::string(req.Header("X-Prometheus-Scrape-Timeout-Seconds"));
      res.Set(200, payload_, "text/plain; version=0.0.4; charset=utf-8");
    });
    r.Get("/garbage", [](const net::Request&, net::Response& res) {
      res.Set(200, "\x01\x02 this is { not an exposition\n", "text/plain");
    });
    r.Get("/hang", [this](const net::Request&, net::Response& res) {
      for (int i = 0; i < 3000 && !stopping_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      res.Set(200, "late 1\n", "text/plain");
    });
    r.Get("/big", [this](const net::Request&, net::Response& res) {
      std::string body;
      std::lock_guard lock(mu_);
      for (int i = 0; i < 10; ++i) body += "# copy " + std::to_string(i) + "\n" + payload_;
      res.Set(200, body, "text/plain");
    });
    r.Get("/many", [](const net::Request&, net::Response& res) {
      std::string body;
      for (int i = 0; i < 1000; ++i) body += "many{i=\"" + std::to_string(i) + "\"} 1\n";
      res.Set(200, body, "text/plain");
    });
    r.Get("/error", [](const net::Request&, net::Response& res) { res.Set(503, "down"); });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~TargetServer() {
    stopping_ = true;
    server_->Shutdown(std::chrono::milliseconds(100));
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  void SetPayload(std::string p) {
    std::lock_guard lock(mu_);
    payload_ = std::move(p);
  }
  std::string accept() {
    std::lock_guard lock(mu_);
    return accept_;
  }
  std::string accept_encoding() {
    std::lock_guard lock(mu_);
    return accept_encoding_;
  }
  std::string timeout_header() {
    std::lock_guard lock(mu_);
    return timeout_header_;
  }

 private:
  std::unique_ptr<net::HttpServer> server_;
  std::mutex mu_;
  std::string payload_ = "# TYPE requests_total counter\nrequests_total{path=\"/\"} 1\ntemp 20\n";
  std::string accept_, accept_encoding_, timeout_header_;
  std::atomic<bool> stopping_{false};
};

ScrapeConfig Job(const std::string& name, const std::string& address, const std::string& path,
                 DurationMs interval = 200) {
  ScrapeConfig c;
  c.job_name = name;
  c.scrape_interval = interval;
  c.scrape_timeout = std::min<DurationMs>(interval, 150);
  c.metrics_path = path;
  c.discovery.static_configs.push_back(TargetGroup{{Labels{{"__address__", address}}}, {}, "0"});
  return c;
}

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ManagerOptions o;
    o.appendable = &storage_;
    o.registry = &registry_;
    o.discovery_update_interval = 20;
    auto m = Manager::Open(o);
    ASSERT_TRUE(m.ok());
    manager_ = std::move(*m);
  }
  void TearDown() override { manager_->Stop(); }

  // Waits until every active target of `jobs` has been scraped at least `n` more times.
  bool WaitScrapes(const std::vector<std::string>& jobs, int n = 2) {
    std::map<std::string, TimestampMs> seen;
    std::map<std::string, int> count;
    for (int i = 0; i < 1500; ++i) {
      bool all = true;
      auto targets = manager_->ActiveTargets();
      for (const auto& job : jobs) {
        if (targets[job].empty()) all = false;
        for (const auto& t : targets[job]) {
          const std::string key = job + " " + t.labels.ToString();
          if (t.last_scrape_ms != 0 && t.last_scrape_ms != seen[key]) {
            seen[key] = t.last_scrape_ms;
            ++count[key];
          }
          if (count[key] < n) all = false;
        }
      }
      if (all) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  TargetState StateOf(const std::string& job) {
    auto t = manager_->ActiveTargets()[job];
    EXPECT_EQ(t.size(), 1u) << job;
    return t.empty() ? TargetState{} : t[0];
  }
  std::string Key(const std::string& name, const std::string& job,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {},
                  std::string instance = "") {
    LabelsBuilder b(Labels{{"__name__", name},
                           {"instance", instance.empty() ? server_.address() : instance},
                           {"job", job}});
    for (auto [k, v] : extra) b.Set(k, v);
    return b.Build().ToString();
  }
  bool HasStaleMarker(const std::string& key) {
    for (const auto& s : storage_.Samples(key)) {
      if (storage::IsStaleNaN(s.v)) return true;
    }
    return false;
  }

  TargetServer server_;
  FakeStorage storage_;
  instrument::Registry registry_;
  std::unique_ptr<Manager> manager_;
};

TEST_F(ManagerTest, BadTargetsFailCleanlyOthersUnaffected) {
  ScrapeConfig good = Job("good", server_.address(), "/metrics");
  ScrapeConfig garbage = Job("garbage", server_.address(), "/garbage");
  ScrapeConfig hang = Job("hang", server_.address(), "/hang");
  ScrapeConfig big = Job("big", server_.address(), "/big");
  big.body_size_limit = 300;  // the usual payload is ~80 bytes; /big is 10x
  ScrapeConfig many = Job("many", server_.address(), "/many");
  many.sample_limit = 500;
  ScrapeConfig error = Job("error", server_.address(), "/error");
  ScrapeConfig refused =
      Job("refused", "127.0.0.1:" + std::to_string(vigie::testing::FreeTcpPort()), "/metrics");
  ASSERT_TRUE(manager_->ApplyConfig({good, garbage, hang, big, many, error, refused}).ok());
  manager_->Run();
  ASSERT_TRUE(WaitScrapes({"good", "garbage", "hang", "big", "many", "error", "refused"}, 2));

  EXPECT_EQ(StateOf("good").health, TargetHealth::kUp);
  EXPECT_EQ(StateOf("good").last_error, "");
  EXPECT_EQ(storage_.Last(Key("temp", "good")), 20);
  EXPECT_EQ(storage_.Last(Key("up", "good")), 1);
  EXPECT_EQ(storage_.Last(Key("requests_total", "good", {{"path", "/"}})), 1);

  auto expect_down = [&](const std::string& job, const std::string& reason) {
    TargetState s = StateOf(job);
    EXPECT_EQ(s.health, TargetHealth::kDown) << job;
    EXPECT_NE(s.last_error.find(reason), std::string::npos) << job << ": " << s.last_error;
    EXPECT_EQ(storage_.Last(Key("up", job, {}, std::string(s.labels.Get("instance")))), 0) << job;
  };
  expect_down("garbage", "line 1");
  expect_down("hang", "timed out");
  expect_down("big", "body size limit exceeded");
  expect_down("many", "sample limit exceeded");
  expect_down("error", "server returned HTTP status 503");
  expect_down("refused", "refused");
  EXPECT_TRUE(storage_.Keys("many{").empty());

  // The scrape request looked like Prometheus's.
  EXPECT_EQ(server_.accept(), std::string(kScrapeAcceptHeader));
  EXPECT_NE(server_.accept_encoding().find("gzip"), std::string::npos);
  EXPECT_EQ(server_.timeout_header(), "0.15");

  // Self-metrics carry Prometheus's names.
  const std::string metrics = registry_.Render(expfmt::Format::kText004);
  for (const char* name : {"prometheus_target_scrapes_exceeded_sample_limit_total ",
                           "prometheus_target_scrape_pool_targets{scrape_job=\"good\"} 1",
                           "prometheus_sd_discovered_targets{config=\"good\",name=\"scrape\"} 1",
                           "prometheus_target_interval_length_seconds_count{interval=\"200ms\"}",
                           "prometheus_target_scrapes_exceeded_body_size_limit_total"}) {
    EXPECT_NE(metrics.find(name), std::string::npos) << name;
  }
}

TEST_F(ManagerTest, StalenessWhenSeriesOrJobGoes) {
  ASSERT_TRUE(manager_->ApplyConfig({Job("good", server_.address(), "/metrics")}).ok());
  manager_->Run();
  ASSERT_TRUE(WaitScrapes({"good"}, 1));
  server_.SetPayload("temp 21\n");
  ASSERT_TRUE(WaitScrapes({"good"}, 2));
  EXPECT_TRUE(HasStaleMarker(Key("requests_total", "good", {{"path", "/"}})));
  EXPECT_FALSE(HasStaleMarker(Key("temp", "good")));
  EXPECT_EQ(storage_.Last(Key("temp", "good")), 21);

  // Removing the job marks everything it scraped stale.
  ASSERT_TRUE(manager_->ApplyConfig({}).ok());
  EXPECT_TRUE(storage::IsStaleNaN(*storage_.Last(Key("temp", "good"))));
  EXPECT_TRUE(storage::IsStaleNaN(*storage_.Last(Key("up", "good"))));
  EXPECT_TRUE(manager_->ActiveTargets().empty());
}

TEST_F(ManagerTest, ReloadKeepsDataFlowing) {
  ScrapeConfig good = Job("good", server_.address(), "/metrics");
  ScrapeConfig other = Job("other", server_.address(), "/metrics");
  ASSERT_TRUE(manager_->ApplyConfig({good, other}).ok());
  manager_->Run();
  ASSERT_TRUE(WaitScrapes({"good", "other"}, 2));

  // Same config again: nothing restarts, nothing goes stale.
  ASSERT_TRUE(manager_->ApplyConfig({good, other}).ok());
  // A changed job (new limit, new interval) restarts its loop with the old cache.
  good.sample_limit = 1000;
  good.scrape_interval = 300;
  ASSERT_TRUE(manager_->ApplyConfig({good, other}).ok());
  ASSERT_TRUE(WaitScrapes({"good", "other"}, 3));
  for (const std::string job : {"good", "other"}) {
    EXPECT_FALSE(HasStaleMarker(Key("temp", job))) << job;
    EXPECT_FALSE(HasStaleMarker(Key("up", job))) << job;
    EXPECT_GE(storage_.Samples(Key("temp", job)).size(), 4u) << job;
  }
  EXPECT_EQ(StateOf("good").scrape_interval, 300);
  // The scrape_series_added of the reloaded loop shows the cache was kept.
  EXPECT_EQ(storage_.Last(Key("scrape_series_added", "good")), 0);

  // New metric relabelling: the cache (refs of series labelled the old way) is not carried
  // over, so samples go to the newly labelled series at once.
  RelabelConfig add;
  add.target_label = "relabelled";
  add.replacement = "yes";
  other.metric_relabel_configs = {add};
  ASSERT_TRUE(manager_->ApplyConfig({good, other}).ok());
  ASSERT_TRUE(WaitScrapes({"other"}, 2));
  EXPECT_TRUE(storage_.Last(Key("temp", "other", {{"relabelled", "yes"}})).has_value())
      << ::testing::PrintToString(storage_.Keys("temp"));
}

TEST_F(ManagerTest, RelabellingDropsTargetsAndListsThem) {
  ScrapeConfig c = Job("good", server_.address(), "/metrics");
  c.discovery.static_configs[0].targets.push_back(Labels{{"__address__", "192.0.2.1:1"}});
  RelabelConfig keep;
  keep.source_labels = {"__address__"};
  keep.regex = *RelabelRegex::Compile("127\\..*");
  keep.action = RelabelAction::kKeep;
  c.relabel_configs = {keep};
  ASSERT_TRUE(manager_->ApplyConfig({c}).ok());
  manager_->Run();
  ASSERT_TRUE(WaitScrapes({"good"}, 1));
  EXPECT_EQ(manager_->ActiveTargets()["good"].size(), 1u);
  auto dropped = manager_->DroppedTargets()["good"];
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].discovered_labels.Get("__address__"), "192.0.2.1:1");
  auto groups = manager_->DiscoveredGroups();
  ASSERT_EQ(groups["good"].size(), 1u);
}

TEST_F(ManagerTest, TargetLimit) {
  ScrapeConfig c = Job("good", server_.address(), "/metrics");
  c.discovery.static_configs[0].targets.push_back(
      Labels{{"__address__", server_.address()}, {"x", "1"}});
  c.target_limit = 1;
  ASSERT_TRUE(manager_->ApplyConfig({c}).ok());
  manager_->Run();
  ASSERT_TRUE(WaitScrapes({"good"}, 1));
  auto targets = manager_->ActiveTargets();
  ASSERT_EQ(targets["good"].size(), 2u);
  for (const auto& t : targets["good"]) {
    EXPECT_EQ(t.health, TargetHealth::kDown);
    EXPECT_EQ(t.last_error, "target_limit exceeded (number of targets: 2, limit: 1)");
  }
}

TEST_F(ManagerTest, ANewManagerOnTheSameRegistryRegistersItsMetrics) {
  manager_->Stop();
  manager_.reset();
  EXPECT_EQ(registry_.Render(expfmt::Format::kText004).find("prometheus_target_scrape_pool"),
            std::string::npos);
  ManagerOptions o;
  o.appendable = &storage_;
  o.registry = &registry_;
  o.discovery_update_interval = 20;
  manager_ = std::move(*Manager::Open(o));
  ASSERT_TRUE(manager_->ApplyConfig({Job("good", server_.address(), "/metrics")}).ok());
  manager_->Run();
  ASSERT_TRUE(WaitScrapes({"good"}, 1));
  const std::string text = registry_.Render(expfmt::Format::kText004);
  EXPECT_NE(text.find("prometheus_target_scrape_pool_targets{scrape_job=\"good\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("prometheus_sd_discovered_targets{config=\"good\",name=\"scrape\"} 1"),
            std::string::npos);
}

TEST_F(ManagerTest, FileSdTargetsComeAndGo) {
  vigie::testing::TempDir dir;
  const auto write = [&](const std::string& content) {
    std::ofstream(dir.Join("t.json.tmp")) << content;
    std::rename(dir.Join("t.json.tmp").c_str(), dir.Join("t.json").c_str());
  };
  write(R"([{"targets": [")" + server_.address() + R"("], "labels": {"team": "a"}}])");
  ScrapeConfig c;
  c.job_name = "files";
  c.scrape_interval = 200;
  c.scrape_timeout = 150;
  c.discovery.file_sd_configs.push_back(FileSdConfig{{dir.Join("*.json")}, 3600 * 1000});
  ASSERT_TRUE(manager_->ApplyConfig({c}).ok());
  manager_->Run();
  ASSERT_TRUE(WaitScrapes({"files"}, 2));
  const std::string team_a = Key("temp", "files", {{"team", "a"}});
  EXPECT_EQ(storage_.Last(team_a), 20);
  auto t = manager_->ActiveTargets()["files"];
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].discovered_labels.Get("__meta_filepath"), dir.Join("t.json"));

  // The file changes: the old target's series go stale, the new one is scraped.
  write(R"([{"targets": [")" + server_.address() + R"("], "labels": {"team": "b"}}])");
  for (int i = 0; i < 1000 && storage_.Keys("team=\"b\"").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(WaitScrapes({"files"}, 1));
  EXPECT_TRUE(HasStaleMarker(team_a));
  EXPECT_EQ(storage_.Last(Key("temp", "files", {{"team", "b"}})), 20);
}

// The real prometheus-node-exporter from Debian, scraped like any target.
TEST_F(ManagerTest, ScrapesRealNodeExporter) {
  if (!vigie::testing::HaveProgram("prometheus-node-exporter")) {
    GTEST_SKIP() << "prometheus-node-exporter not installed";
  }
  const int port = vigie::testing::FreeTcpPort();
  auto ne = vigie::testing::ChildProcess::Start(
      {"prometheus-node-exporter", "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(ne.ok());
  ASSERT_TRUE(vigie::testing::WaitForHttpOk(port, "/metrics", 10000));
  ScrapeConfig c = Job("node", "127.0.0.1:" + std::to_string(port), "/metrics", 1000);
  c.scrape_timeout = 1000;
  ASSERT_TRUE(manager_->ApplyConfig({c}).ok());
  manager_->Run();
  ASSERT_TRUE(WaitScrapes({"node"}, 2));
  TargetState s = StateOf("node");
  EXPECT_EQ(s.health, TargetHealth::kUp) << s.last_error;
  const std::string inst = "instance=\"127.0.0.1:" + std::to_string(port) + "\", job=\"node\"";
  EXPECT_EQ(storage_.Last("up{" + inst + "}"), 1);
  EXPECT_GT(*storage_.Last("scrape_samples_scraped{" + inst + "}"), 100);
  EXPECT_FALSE(storage_.Keys("node_cpu_seconds_total{").empty());
  EXPECT_FALSE(storage_.Keys("node_memory_MemTotal_bytes{").empty());
  auto md = manager_->TargetMetadata()["node"];
  ASSERT_EQ(md.size(), 1u);
  EXPECT_EQ(md[0].second.at("node_cpu_seconds_total").type, expfmt::MetricType::kCounter);
  ne->Stop();
}

}  // namespace
}  // namespace vigie::scrape
