#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "lib/process.h"
#include "lib/temp_dir.h"

namespace vigie::config {
namespace {

const std::string kDir = std::string(VIGIE_TESTDATA_DIR) + "/config";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Config MustLoad(const std::string& path) {
  auto c = LoadFile(path);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message());
  return c.ok() ? *c : Config{};
}

TEST(ConfigTest, EmptyFileHasPrometheusDefaults) {
  Config c = MustLoad(kDir + "/good/empty.yml");
  EXPECT_EQ(c.global.scrape_interval, 60000);
  EXPECT_EQ(c.global.scrape_timeout, 10000);
  EXPECT_EQ(c.global.evaluation_interval, 60000);
  EXPECT_TRUE(c.global.external_labels.empty());
  EXPECT_TRUE(c.scrape_configs.empty());
}

TEST(ConfigTest, MinimalJobInheritsDefaults) {
  Config c = MustLoad(kDir + "/good/minimal.yml");
  ASSERT_EQ(c.scrape_configs.size(), 1u);
  const auto& j = c.scrape_configs[0];
  EXPECT_EQ(j.job_name, "self");
  EXPECT_EQ(j.scrape_interval, 60000);
  EXPECT_EQ(j.scrape_timeout, 10000);
  EXPECT_EQ(j.metrics_path, "/metrics");
  EXPECT_EQ(j.scheme, "http");
  EXPECT_FALSE(j.honor_labels);
  EXPECT_TRUE(j.honor_timestamps);
  ASSERT_EQ(j.discovery.static_configs.size(), 1u);
  ASSERT_EQ(j.discovery.static_configs[0].targets.size(), 1u);
  EXPECT_EQ(j.discovery.static_configs[0].targets[0].Get("__address__"), "localhost:9090");
  EXPECT_EQ(j.discovery.static_configs[0].source, "0");
}

TEST(ConfigTest, FullFile) {
  Config c = MustLoad(kDir + "/good/full.yml");
  EXPECT_EQ(c.global.scrape_interval, 15000);
  EXPECT_EQ(c.global.scrape_timeout, 5000);
  EXPECT_EQ(c.global.evaluation_interval, 30000);
  EXPECT_EQ(c.global.external_labels.ToString(), "{cluster=\"demo\", replica=\"a\"}");
  ASSERT_EQ(c.rule_files.size(), 2u);
  EXPECT_EQ(c.rule_files[0], kDir + "/good/rules/*.yml");  // relative to the file

  ASSERT_EQ(c.alerting.alertmanagers.size(), 1u);
  const auto& am = c.alerting.alertmanagers[0];
  EXPECT_EQ(am.path_prefix, "/am");
  EXPECT_EQ(am.timeout, 5000);
  EXPECT_EQ(am.discovery.static_configs[0].targets[0].Get("__address__"), "127.0.0.1:9093");
  ASSERT_EQ(am.relabel_configs.size(), 1u);
  ASSERT_EQ(c.alerting.alert_relabel_configs.size(), 1u);
  EXPECT_EQ(c.alerting.alert_relabel_configs[0].action, scrape::RelabelAction::kLabelDrop);

  ASSERT_EQ(c.scrape_configs.size(), 2u);
  const auto& p = c.scrape_configs[0];
  EXPECT_EQ(p.scrape_interval, 15000);
  EXPECT_EQ(p.scrape_timeout, 5000);
  ASSERT_EQ(p.discovery.static_configs.size(), 2u);
  EXPECT_EQ(p.discovery.static_configs[0].labels.Get("env"), "test");
  EXPECT_EQ(p.discovery.static_configs[1].source, "1");

  const auto& n = c.scrape_configs[1];
  EXPECT_EQ(n.scrape_interval, 5000);
  EXPECT_EQ(n.scrape_timeout, 5000);  // min(global timeout, own interval)
  EXPECT_EQ(n.metrics_path, "/probe");
  EXPECT_EQ(n.params.at("module"), std::vector<std::string>{"http_2xx"});
  EXPECT_EQ(n.params.at("target").size(), 2u);
  EXPECT_TRUE(n.honor_labels);
  EXPECT_FALSE(n.honor_timestamps);
  ASSERT_TRUE(n.basic_auth.has_value());
  EXPECT_EQ(n.basic_auth->username, "admin");
  EXPECT_EQ(n.basic_auth->password_file, kDir + "/good/secrets/pw");
  EXPECT_EQ(n.sample_limit, 10000u);
  EXPECT_EQ(n.label_limit, 30u);
  EXPECT_EQ(n.label_name_length_limit, 200u);
  EXPECT_EQ(n.label_value_length_limit, 2048u);
  EXPECT_EQ(n.target_limit, 100u);
  EXPECT_EQ(n.body_size_limit, 10u << 20);
  ASSERT_EQ(n.discovery.file_sd_configs.size(), 1u);
  EXPECT_EQ(n.discovery.file_sd_configs[0].files[0], kDir + "/good/targets/*.json");
  EXPECT_EQ(n.discovery.file_sd_configs[0].refresh_interval, 30000);
  ASSERT_EQ(n.relabel_configs.size(), 3u);
  EXPECT_EQ(n.relabel_configs[0].regex.source(), "([^:]+):\\d+");
  EXPECT_EQ(n.relabel_configs[1].action, scrape::RelabelAction::kHashMod);
  EXPECT_EQ(n.relabel_configs[1].modulus, 4u);
  ASSERT_EQ(n.metric_relabel_configs.size(), 3u);
  EXPECT_EQ(n.metric_relabel_configs[2].action, scrape::RelabelAction::kLowercase);

  ASSERT_EQ(c.remote_write.size(), 1u);
  const auto& rw = c.remote_write[0];
  EXPECT_EQ(rw.url, "http://127.0.0.1:9201/write");
  EXPECT_EQ(rw.remote_timeout, 10000);
  EXPECT_EQ(rw.headers.at("X-Scope-OrgID"), "demo");
  EXPECT_EQ(rw.queue_config.capacity, 2500u);
  EXPECT_EQ(rw.queue_config.max_backoff, 100);
  EXPECT_EQ(rw.write_relabel_configs.size(), 1u);
}

TEST(ConfigTest, SwarmStyleConfig) {
  Config c = MustLoad(kDir + "/good/swarm.yml");
  ASSERT_EQ(c.scrape_configs.size(), 6u);
  const auto* ne = c.FindJob("node-exporter");
  ASSERT_NE(ne, nullptr);
  ASSERT_EQ(ne->discovery.dockerswarm_sd_configs.size(), 1u);
  const auto& sd = ne->discovery.dockerswarm_sd_configs[0];
  EXPECT_EQ(sd.host, "unix:///var/run/docker.sock");
  EXPECT_EQ(sd.role, scrape::DockerSwarmRole::kTasks);
  EXPECT_EQ(sd.port, 9100);
  EXPECT_EQ(sd.refresh_interval, 30000);
  ASSERT_EQ(sd.filters.size(), 1u);
  EXPECT_EQ(sd.filters[0].name, "service");
  EXPECT_EQ(sd.filters[0].values, std::vector<std::string>{"mon_node-exporter"});
  const auto* dockerd = c.FindJob("dockerd");
  ASSERT_NE(dockerd, nullptr);
  EXPECT_EQ(dockerd->discovery.dockerswarm_sd_configs[0].role, scrape::DockerSwarmRole::kNodes);
  EXPECT_EQ(dockerd->discovery.dockerswarm_sd_configs[0].port, 80);
  EXPECT_EQ(dockerd->discovery.dockerswarm_sd_configs[0].refresh_interval, 60000);

  // The relabelling of the services job turns discovered labels into a target.
  const auto* svc = c.FindJob("swarm-services");
  ASSERT_NE(svc, nullptr);
  Labels discovered{{"__address__", "10.0.1.5:80"},
                    {"__meta_dockerswarm_task_desired_state", "running"},
                    {"__meta_dockerswarm_service_label_prometheus_job", "gallery"},
                    {"__meta_dockerswarm_service_label_prometheus_port", "8080"},
                    {"__meta_dockerswarm_service_mode", "replicated"},
                    {"__meta_dockerswarm_task_slot", "2"},
                    {"__meta_dockerswarm_container_label_com_docker_stack_namespace", "demo"}};
  auto out = scrape::Relabel(discovered, svc->relabel_configs);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->Get("__address__"), "10.0.1.5:8080");
  EXPECT_EQ(out->Get("job"), "gallery");
  EXPECT_EQ(out->Get("port"), "8080");
  EXPECT_EQ(out->Get("mode"), "replicated");
  EXPECT_EQ(out->Get("slot"), "2");
  EXPECT_EQ(out->Get("stack"), "demo");
  Labels shutdown = discovered;
  LabelsBuilder b(shutdown);
  b.Set("__meta_dockerswarm_task_desired_state", "shutdown");
  EXPECT_FALSE(scrape::Relabel(b.Build(), svc->relabel_configs).has_value());
}

TEST(ConfigTest, TimeoutDefaults) {
  Config c = MustLoad(kDir + "/good/timeouts.yml");
  EXPECT_EQ(c.global.scrape_timeout, 5000);  // min(10s, 5s interval)
  EXPECT_EQ(c.FindJob("fast")->scrape_interval, 2000);
  EXPECT_EQ(c.FindJob("fast")->scrape_timeout, 2000);
  EXPECT_EQ(c.FindJob("explicit")->scrape_timeout, 4000);
  EXPECT_EQ(c.FindJob("slow")->scrape_timeout, 5000);
}

TEST(ConfigTest, AnchorsAndMergeKeys) {
  Config c = MustLoad(kDir + "/good/anchors.yml");
  ASSERT_EQ(c.scrape_configs.size(), 3u);
  const auto* d = c.FindJob("derived");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->scrape_interval, 10000);   // own key wins
  EXPECT_EQ(d->metrics_path, "/custom");  // merged
  EXPECT_EQ(d->relabel_configs.size(), 1u);
  EXPECT_EQ(c.FindJob("other")->relabel_configs.size(), 1u);
  auto bad =
      Load("scrape_configs:\n  - &b {job_name: a}\n  - <<: *b\n    job_name: b\n    bogus: 1\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("line 5, column 5: field bogus not found"),
            std::string::npos)
      << bad.error().message();
}

TEST(ConfigTest, EqualityDetectsChanges) {
  Config a = MustLoad(kDir + "/good/full.yml");
  Config b = MustLoad(kDir + "/good/full.yml");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.scrape_configs[1], b.scrape_configs[1]);
  b.scrape_configs[1].metric_relabel_configs[0].regex = *scrape::RelabelRegex::Compile("x");
  EXPECT_FALSE(a.scrape_configs[1] == b.scrape_configs[1]);
}

TEST(ConfigTest, ErrorsNameTheFile) {
  auto r = LoadFile(kDir + "/bad/unknown_field.yml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "parsing YAML file " + kDir +
                                     "/bad/unknown_field.yml: line 6, column 5: field "
                                     "scrape_intervall not found in scrape_config");
  auto missing = LoadFile(kDir + "/bad/does_not_exist.yml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("does_not_exist.yml"), std::string::npos);
}

// Every file under bad/ starts with "# want: <substring of the error>". Unless marked
// "vigie-only", real Prometheus (promtool) must reject it too.
TEST(ConfigTest, BadFiles) {
  const bool have_promtool = testing::HaveProgram("promtool");
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(kDir + "/bad")) {
    const std::string path = e.path().string();
    SCOPED_TRACE(path);
    const std::string text = ReadAll(path);
    const std::string marker = "# want: ";
    ASSERT_EQ(text.rfind(marker, 0), 0u) << "bad file without a '# want:' line";
    const std::string want = text.substr(marker.size(), text.find('\n') - marker.size());
    auto r = LoadFile(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message().find(want), std::string::npos)
        << "got: " << r.error().message() << "\nwant: " << want;
    if (have_promtool && text.find("# vigie-only") == std::string::npos) {
      const std::string cmd = "promtool check config " + path + " >/dev/null 2>&1";
      EXPECT_NE(std::system(cmd.c_str()), 0) << "promtool accepts it";
    }
    ++n;
  }
  EXPECT_GE(n, 30);
}

TEST(ConfigTest, GoodFilesAcceptedByPromtoolToo) {
  if (!testing::HaveProgram("promtool")) GTEST_SKIP() << "promtool not installed";
  for (const auto& e : std::filesystem::directory_iterator(kDir + "/good")) {
    if (e.path().extension() != ".yml") continue;
    SCOPED_TRACE(e.path().string());
    EXPECT_TRUE(LoadFile(e.path().string()).ok());
    const std::string cmd = "promtool check config " + e.path().string() + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
}

TEST(ConfigTest, LoadFromString) {
  auto c = Load("global:\n  external_labels: {dc: eu}\nscrape_configs:\n  - job_name: x\n");
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->global.external_labels.Get("dc"), "eu");
  auto bad = Load("global: [1, 2]\n", "", "inline");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(),
            "parsing YAML file inline: line 1, column 9: cannot unmarshal a list into global");
}

TEST(ConfigTest, CheckReportsRuleFiles) {
  auto r = Check(kDir + "/good/swarm.yml");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->rule_files.size(), 2u);
  EXPECT_EQ(r->Summary(), "  SUCCESS: 2 rule files found\n");

  auto full = Check(kDir + "/good/full.yml");
  ASSERT_TRUE(full.ok()) << full.error().message();
  EXPECT_EQ(full->file_sd_files.size(), 2u);

  testing::TempDir dir;
  std::ofstream(dir.Join("t.json")) << "[{\"targets\": [1]}]";
  std::ofstream(dir.Join("sd.yml")) << "scrape_configs:\n  - job_name: j\n    file_sd_configs:\n"
                                       "      - files: [\"*.json\"]\n";
  auto bad_sd = Check(dir.Join("sd.yml"));
  ASSERT_FALSE(bad_sd.ok());
  EXPECT_NE(bad_sd.error().message().find("t.json: group 1: targets must be a list of strings"),
            std::string::npos)
      << bad_sd.error().message();
  std::ofstream(dir.Join("p.yml")) << "rule_files: [\"missing/*.yml\"]\n";
  auto w = Check(dir.Join("p.yml"));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->rule_files.size(), 0u);
  ASSERT_EQ(w->warnings.size(), 1u);
  EXPECT_NE(w->warnings[0].find("missing/*.yml"), std::string::npos);
}

}  // namespace
}  // namespace vigie::config
