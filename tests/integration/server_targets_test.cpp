// /api/v1/targets of `vigie server` beside Debian's Prometheus 2.42, both given the same
// config (static_configs with labels and params, file_sd_configs from a JSON and a YAML file,
// target relabelling that drops one target and copies a __meta_ label, a job-level interval,
// timeout and metrics path): for every target, active and dropped, the same discoveredLabels
// (pre-relabel labels with __address__, __scheme__, __metrics_path__, __scrape_interval__,
// __scrape_timeout__, job, __param_<name> and the __meta_* labels of discovery), the same
// labels, scrape URL, interval and timeout. Instance-specific fields (health, lastScrape,
// lastError, durations, globalUrl) are ignored. The targets point at closed loopback ports.
#include <map>
#include <set>

#include "server_test_fixture.h"

namespace vigie::testing {
namespace {

class ServerTargetsTest : public ServerFixture {
 protected:
  void SetUp() override {
    if (auto missing = MissingTool({"prometheus"}); !missing.empty()) {
      GTEST_SKIP() << missing << " is not installed (scripts/setup installs it)";
    }
  }

  // Active targets by "pool url labels", dropped targets by their discovered labels.
  struct Targets {
    std::map<std::string, nlohmann::json> active;
    std::set<std::string> dropped;
  };

  Targets Read(int port) {
    Targets out;
    auto j = GetJson(port, "/api/v1/targets?state=any");
    for (const auto& t : j["data"]["activeTargets"]) {
      nlohmann::json kept = {{"discoveredLabels", t["discoveredLabels"]},
                             {"labels", t["labels"]},
                             {"scrapeInterval", t["scrapeInterval"]},
                             {"scrapeTimeout", t["scrapeTimeout"]}};
      // One URL can be two targets (other labels): the key has the labels too.
      out.active[t.value("scrapePool", "") + " " + t.value("scrapeUrl", "") + " " +
                 t["labels"].dump()] = kept;
    }
    for (const auto& t : j["data"]["droppedTargets"]) out.dropped.insert(t.dump());
    return out;
  }
};

TEST_F(ServerTargetsTest, DiscoveredLabelsMatchPrometheus) {
  const std::string a = "127.0.0.1:" + std::to_string(FreeTcpPort());
  const std::string b = "127.0.0.1:" + std::to_string(FreeTcpPort());
  const std::string c = "127.0.0.1:" + std::to_string(FreeTcpPort());
  WriteFile(dir_.Join("sd.json"),
            "[{\"targets\": [\"" + b + "\", \"" + c +
                "\"], \"labels\": {\"team\": \"a\", \"__meta_role\": \"worker\"}},\n"
                " {\"targets\": [\"" +
                c + "\"], \"labels\": {\"__meta_role\": \"manager\"}},\n" + " {\"targets\": [\"" +
                a +
                "\"], \"labels\": {\"__param_module\": \"from_sd\", \"job\": \"sd_job\", "
                "\"__metrics_path__\": \"/probe\", \"__scrape_interval__\": \"30s\"}}]\n");
  WriteFile(dir_.Join("sd.yml"), "- targets: ['" + b + "']\n  labels:\n    zone: z1\n");
  const std::string config =
      "global:\n"
      "  scrape_interval: 15s\n"
      "  external_labels:\n"
      "    site: s1\n"
      "scrape_configs:\n"
      "  - job_name: static\n"
      "    params:\n"
      "      module: [foo, bar]\n"
      "      target: ['a b']\n"
      "    static_configs:\n"
      "      - targets: ['" +
      a + "', '127.0.0.1']\n" +
      "        labels:\n"
      "          env: prod\n"
      "  - job_name: files\n"
      "    scrape_interval: 5s\n"
      "    scrape_timeout: 3s\n"
      "    metrics_path: /m\n"
      "    params:\n"
      "      module: [x]\n"
      "    file_sd_configs:\n"
      "      - files: ['" +
      dir_.Join("sd.json") + "', '" + dir_.Join("sd.yml") + "']\n" +
      "    relabel_configs:\n"
      "      - source_labels: [__meta_role]\n"
      "        regex: manager\n"
      "        action: drop\n"
      "      - source_labels: [__meta_role]\n"
      "        target_label: role\n"
      "      - source_labels: [__meta_filepath]\n"
      "        regex: '.*/(.*)'\n"
      "        target_label: file\n";
  StartPrometheus(config);
  if (HasFatalFailure()) return;
  StartVigie(config);
  if (HasFatalFailure()) return;

  // 6 active targets (static: 2, files: a, b from the JSON and YAML files, c), 1 dropped.
  // Prometheus applies discovery updates every 5 s.
  Targets prom, vigie;
  const bool settled = WaitUntil(
      [&] {
        prom = Read(prom_port_);
        vigie = Read(vigie_port_);
        return prom.active.size() == 6 && prom.dropped.size() == 1 && vigie.active.size() == 6 &&
               vigie.dropped.size() == 1;
      },
      30000);
  ASSERT_TRUE(settled) << "Prometheus: " << prom.active.size() << " active, " << prom.dropped.size()
                       << " dropped; vigie: " << vigie.active.size() << " active, "
                       << vigie.dropped.size() << " dropped\n"
                       << vigie_->Log();
  for (const auto& [key, want] : prom.active) {
    auto it = vigie.active.find(key);
    if (it == vigie.active.end()) {
      ADD_FAILURE() << "vigie has no target " << key << "; Prometheus shows " << want.dump(1);
      continue;
    }
    EXPECT_EQ(it->second, want) << key << "\nvigie:      " << it->second.dump()
                                << "\nPrometheus: " << want.dump();
  }
  for (const auto& [key, got] : vigie.active) {
    EXPECT_TRUE(prom.active.count(key)) << "Prometheus has no target " << key << ": " << got;
  }
  EXPECT_EQ(vigie.dropped, prom.dropped);
  // The parts this compares must not be empty on either side.
  for (const auto& [key, t] : prom.active) {
    EXPECT_TRUE(t["discoveredLabels"].contains("__scrape_timeout__")) << key;
  }
}

}  // namespace
}  // namespace vigie::testing
