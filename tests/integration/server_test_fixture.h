// Shared by the `vigie server` integration tests: starts prometheus-node-exporter, `vigie
// server` and (for side-by-side checks) Debian's Prometheus on loopback ports, each with its
// own config and data directory, and talks HTTP to them. Every process is stopped by PID.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lib/process.h"
#include "lib/temp_dir.h"
#include "net/http_client.h"
#include "net/params.h"

namespace vigie::testing {

class ServerFixture : public ::testing::Test {
 protected:
  // A scrape config scraping node-exporter (job "node") and the server itself (job
  // "prometheus") every second.
  std::string Config(int self_port, const std::string& extra_jobs = "") const {
    return "global:\n"
           "  scrape_interval: 1s\n"
           "  scrape_timeout: 1s\n"
           "  evaluation_interval: 1s\n"
           "scrape_configs:\n"
           "  - job_name: node\n"
           "    static_configs:\n"
           "      - targets: ['127.0.0.1:" +
           std::to_string(ne_port_) +
           "']\n"
           "  - job_name: prometheus\n"
           "    static_configs:\n"
           "      - targets: ['127.0.0.1:" +
           std::to_string(self_port) + "']\n" + extra_jobs;
  }

  // The first of `tools` that is not installed, or "" (tests then GTEST_SKIP).
  static std::string MissingTool(const std::vector<std::string>& tools) {
    for (const auto& t : tools) {
      if (!HaveProgram(t)) return t;
    }
    return "";
  }

  void StartNodeExporter() {
    ne_port_ = FreeTcpPort();
    auto p = ChildProcess::Start(
        {"prometheus-node-exporter", "--web.listen-address=127.0.0.1:" + std::to_string(ne_port_),
         "--collector.disable-defaults", "--collector.cpu", "--collector.meminfo",
         "--collector.loadavg", "--collector.stat"},
        dir_.Join("node_exporter.log"));
    ASSERT_TRUE(p.ok()) << p.error().message();
    node_exporter_.emplace(std::move(*p));
    ASSERT_TRUE(WaitForHttpOk(ne_port_, "/metrics", 15000)) << node_exporter_->Log();
  }

  void WriteFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
  }

  // Starts `vigie server` with `config` in dir/vigie.yml and data in dir/vigie-data.
  void StartVigie(const std::string& config, std::vector<std::string> extra = {}) {
    if (vigie_port_ == 0) vigie_port_ = FreeTcpPort();
    WriteFile(dir_.Join("vigie.yml"), config);
    std::vector<std::string> argv = {
        VigieBinary(),
        "server",
        "--config.file=" + dir_.Join("vigie.yml"),
        "--web.listen-address=127.0.0.1:" + std::to_string(vigie_port_),
        "--storage.tsdb.path=" + dir_.Join("vigie-data"),
        "--web.enable-lifecycle"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto p = ChildProcess::Start(argv, dir_.Join("vigie.log"));
    ASSERT_TRUE(p.ok()) << p.error().message();
    vigie_.emplace(std::move(*p));
    ASSERT_TRUE(WaitForHttpOk(vigie_port_, "/-/ready", 20000)) << vigie_->Log();
  }

  void StartPrometheus(const std::string& config) {
    if (prom_port_ == 0) prom_port_ = FreeTcpPort();
    WriteFile(dir_.Join("prom.yml"), config);
    auto p = ChildProcess::Start({"prometheus", "--config.file=" + dir_.Join("prom.yml"),
                                  "--web.listen-address=127.0.0.1:" + std::to_string(prom_port_),
                                  "--storage.tsdb.path=" + dir_.Join("prom-data")},
                                 dir_.Join("prometheus.log"));
    ASSERT_TRUE(p.ok()) << p.error().message();
    prometheus_.emplace(std::move(*p));
    ASSERT_TRUE(WaitForHttpOk(prom_port_, "/-/ready", 30000)) << prometheus_->Log();
  }

  std::string Url(int port, const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(port) + target;
  }

  net::ClientResponse Do(const std::string& method, int port, const std::string& target,
                         const std::string& form = "", net::Headers headers = {}) {
    net::ClientRequest req;
    req.method = method;
    req.url = Url(port, target);
    req.headers = std::move(headers);
    if (!form.empty() || method == "POST") {
      req.body = form;
      if (!req.headers.Has("Content-Type")) {
        req.headers.Set("Content-Type", "application/x-www-form-urlencoded");
      }
    }
    auto r = client_.Do(req);
    EXPECT_TRUE(r.ok()) << method << " " << target << ": " << (r.ok() ? "" : r.error().message());
    return r.ok() ? std::move(r).value() : net::ClientResponse{};
  }
  net::ClientResponse Get(int port, const std::string& target) { return Do("GET", port, target); }

  // The JSON body of a GET, or null (with a test failure) when it is not JSON.
  nlohmann::json GetJson(int port, const std::string& target) {
    auto r = Get(port, target);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << target << ": " << r.body;
    return j;
  }

  // Polls `ok` every 200 ms until it holds or `timeout_ms` passes.
  static bool WaitUntil(const std::function<bool()>& ok, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return ok();
  }

  // Waits until `up` has a sample equal to 1 for every job in `jobs`.
  bool WaitForUp(int port, const std::vector<std::string>& jobs, int timeout_ms = 30000) {
    return WaitUntil(
        [&] {
          auto r = client_.Get(Url(port, "/api/v1/query?query=up"));
          if (!r.ok() || r->status != 200) return false;
          auto j = nlohmann::json::parse(r->body, nullptr, false);
          if (j.is_discarded()) return false;
          for (const auto& job : jobs) {
            bool found = false;
            for (const auto& s : j["data"]["result"]) {
              if (s["metric"].value("job", "") == job && s["value"][1] == "1") found = true;
            }
            if (!found) return false;
          }
          return true;
        },
        timeout_ms);
  }

  TempDir dir_;
  net::HttpClient client_;  // gzip accepted and decoded
  int ne_port_ = 0;
  int vigie_port_ = 0;
  int prom_port_ = 0;
  std::optional<ChildProcess> node_exporter_;
  std::optional<ChildProcess> vigie_;
  std::optional<ChildProcess> prometheus_;
};

}  // namespace vigie::testing
