// The agent's container, engine and node_meta collectors against a real one-node Docker Swarm
// (prepared by setup.sh): a two-replica service of the FROM-scratch sleeper image must show up
// as two containers with their Swarm labels, node_meta and swarm_node_info must name this
// node, and a stopped task must disappear; dockerd's own metrics are relayed from its metrics
// socket and count a health-checked container's probes; one `vigie agent` serves every metric
// SwarmProm's dashboards and alert rules query. Run through run.sh (ctest -R '^swarm\.').
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "collect/cgroup/container_collector.h"
#include "collect/engine/dockerd_relay.h"
#include "collect/engine/engine_collector.h"
#include "collect/engine/engine_facts.h"
#include "collect/node_meta.h"
#include "docker/client.h"
#include "docker/container_cache.h"
#include "docker/event_watcher.h"
#include "expfmt/parser.h"
#include "expfmt/writer.h"
#include "lib/process.h"
#include "lib/temp_dir.h"

namespace vigie {
namespace {

using Families = std::vector<expfmt::MetricFamily>;

// Runs a shell command; returns its exit status and stdout (trimmed).
int Sh(const std::string& cmd, std::string* out = nullptr) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  int rc = pclose(p);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (out != nullptr) *out = text;
  return rc;
}

// Polls `check` every 200 ms for up to `seconds`; the last failure reason goes to *why.
bool Eventually(const std::function<bool(std::string*)>& check, int seconds, std::string* why) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    if (check(why)) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Families Collect(collect::Collector& c) {
  Families out;
  Status st = c.Collect(&out);
  EXPECT_TRUE(st.ok()) << c.Name() << ": " << st.error().message();
  // The container collector gives its samples as encoded text; parse them back.
  for (auto& f : out) EXPECT_TRUE(expfmt::ExpandEncodedSamples(&f).ok()) << f.name;
  return out;
}

const expfmt::Sample* Find(const Families& fams, std::string_view name, const Labels& match) {
  for (const auto& f : fams) {
    for (const auto& s : f.samples) {
      if (s.labels.MetricName() != name) continue;
      bool ok = true;
      for (const auto& l : match) ok = ok && s.labels.Get(l.name) == l.value;
      if (ok) return &s;
    }
  }
  return nullptr;
}

// The distinct cgroup ids reporting container_memory_usage_bytes for the service.
std::set<std::string> ServiceIds(const Families& fams, const std::string& service) {
  std::set<std::string> ids;
  for (const auto& f : fams) {
    for (const auto& s : f.samples) {
      if (s.labels.MetricName() == "container_memory_usage_bytes" &&
          s.labels.Get("container_label_com_docker_swarm_service_name") == service) {
        ids.insert(std::string(s.labels.Get("id")));
      }
    }
  }
  return ids;
}

class SwarmAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* image = std::getenv("VIGIE_SWARM_IMAGE");
    if (image == nullptr)
      GTEST_SKIP() << "run through tests/swarm/run.sh (VIGIE_SWARM_IMAGE unset)";
    image_ = image;
    service_ = "vigie-swarm-" + std::to_string(getpid());

    watch_client_ = docker::Client::Open({});
    api_client_ = docker::Client::Open({});
    auto info = api_client_->GetInfo();
    ASSERT_TRUE(info.ok()) << info.error().message();
    ASSERT_EQ(info->swarm_local_node_state, "active") << "setup.sh should have made a Swarm";
    node_id_ = info->swarm_node_id;
    cluster_id_ = info->swarm_cluster_id;
    hostname_ = info->name;

    collect::EngineFactsOptions fo;
    fo.min_interval_ms = 500;
    facts_ = std::make_shared<collect::EngineFacts>(*api_client_, fo);
    watcher_ = std::make_unique<docker::EventWatcher>(*watch_client_, cache_);
    watcher_->AddListener([facts = facts_](const docker::Event&) { facts->Invalidate(); });
    watcher_->Run();

    collect::ContainerCollectorOptions co;
    co.containers = &cache_;
    containers_ = collect::NewContainerCollector(co);
    engine_ = collect::NewEngineCollector(facts_);
    collect::NodeMetaOptions mo;
    mo.node_id = collect::SwarmNodeIdProvider(facts_);
    node_meta_ = collect::NewNodeMetaCollector(mo);
  }

  void TearDown() override {
    if (!service_.empty()) Sh("docker service rm " + service_);
    if (watcher_) watcher_->Stop();
  }

  std::string image_, service_, node_id_, cluster_id_, hostname_;
  std::unique_ptr<docker::Client> watch_client_, api_client_;
  docker::ContainerCache cache_;
  std::shared_ptr<collect::EngineFacts> facts_;
  std::unique_ptr<docker::EventWatcher> watcher_;
  std::unique_ptr<collect::Collector> containers_, engine_, node_meta_;
};

TEST_F(SwarmAgentTest, ServiceTasksNodeIdentityAndStoppedTask) {
  std::string out;
  ASSERT_EQ(Sh("docker service create --detach --name " + service_ +
                   " --replicas 2 --network host --label vigie.test=swarm"
                   " --container-label vigie.test=swarm --container-label "
                   "com.docker.stack.namespace=vigie " +
                   image_,
               &out),
            0)
      << out;

  // Both tasks, each with its Swarm labels, name and image.
  std::string why;
  std::set<std::string> ids;
  ASSERT_TRUE(Eventually(
      [&](std::string* why) {
        Families fams = Collect(*containers_);
        ids = ServiceIds(fams, service_);
        if (ids.size() != 2) {
          *why = "service containers reported: " + std::to_string(ids.size());
          return false;
        }
        for (const auto& id : ids) {
          const auto* s = Find(fams, "container_memory_usage_bytes", {{"id", id}});
          const Labels& l = s->labels;
          if (l.Get("container_label_com_docker_swarm_node_id") != node_id_ ||
              !l.Get("container_label_com_docker_swarm_task_name").starts_with(service_ + ".") ||
              l.Get("container_label_com_docker_swarm_service_id").empty() ||
              l.Get("container_label_com_docker_stack_namespace") != "vigie" ||
              l.Get("name") != l.Get("container_label_com_docker_swarm_task_name") ||
              !l.Get("image").starts_with(image_)) {
            *why = "labels not right yet: " + l.ToString();
            return false;
          }
          for (const char* name : {"container_cpu_usage_seconds_total", "container_last_seen",
                                   "container_start_time_seconds", "container_processes",
                                   "container_spec_cpu_shares"}) {
            if (Find(fams, name, {{"id", id}}) == nullptr) {
              *why = std::string("missing ") + name + " for " + id;
              return false;
            }
          }
          if (Find(fams, "container_processes", {{"id", id}})->value != 1) {
            *why = "container_processes != 1 for " + id;
            return false;
          }
        }
        return true;
      },
      90, &why))
      << why;
  for (const auto& id : ids) EXPECT_TRUE(id.starts_with("/docker/")) << id;

  // The node identity Swarm dashboards join on.
  Families meta = Collect(*node_meta_);
  const auto* nm = Find(meta, "node_meta", {{"node_id", node_id_}});
  ASSERT_NE(nm, nullptr) << "node_meta without node_id " << node_id_;
  EXPECT_EQ(nm->labels.Get("container_label_com_docker_swarm_node_id"), node_id_);
  EXPECT_FALSE(nm->labels.Get("node_name").empty());
  EXPECT_EQ(nm->value, 1);

  // Engine facts: this node in swarm_node_info, and the service converged.
  ASSERT_TRUE(Eventually(
      [&](std::string* why) {
        Families fams = Collect(*engine_);
        const auto* info = Find(fams, "swarm_node_info",
                                {{"node_id", node_id_},
                                 {"swarm_id", cluster_id_},
                                 {"role", "manager"},
                                 {"node_name", hostname_}});
        if (info == nullptr) {
          *why = "no swarm_node_info for this node";
          return false;
        }
        const auto* want =
            Find(fams, "vigie_swarm_service_replicas_desired", {{"service_name", service_}});
        const auto* have =
            Find(fams, "vigie_swarm_service_replicas_running", {{"service_name", service_}});
        if (want == nullptr || have == nullptr || want->value != 2 || have->value != 2) {
          *why = "service replicas not 2/2 yet";
          return false;
        }
        return Find(fams, "engine_daemon_engine_info", {}) != nullptr;
      },
      60, &why))
      << why;

  // Stop one task's container: it disappears from the scrape (Swarm then starts a new task).
  std::string stopped = *ids.begin();
  std::string container_id = stopped.substr(stopped.rfind('/') + 1);
  ASSERT_EQ(Sh("docker stop -t 1 " + container_id, &out), 0) << out;
  ASSERT_TRUE(Eventually(
      [&](std::string* why) {
        Families fams = Collect(*containers_);
        if (Find(fams, "container_last_seen", {{"id", stopped}}) != nullptr) {
          *why = "stopped container " + stopped + " still reported";
          return false;
        }
        return true;
      },
      30, &why))
      << why;
  // ... and the replacement task shows up with its labels.
  ASSERT_TRUE(Eventually(
      [&](std::string* why) {
        std::set<std::string> now = ServiceIds(Collect(*containers_), service_);
        *why = "service containers reported: " + std::to_string(now.size());
        return now.size() == 2 && now.count(stopped) == 0;
      },
      90, &why))
      << why;

  // Removing the service removes its containers from the scrape.
  ASSERT_EQ(Sh("docker service rm " + service_, &out), 0) << out;
  ASSERT_TRUE(Eventually(
      [&](std::string* why) {
        size_t n = ServiceIds(Collect(*containers_), service_).size();
        *why = "service containers still reported: " + std::to_string(n);
        return n == 0;
      },
      60, &why))
      << why;
  service_.clear();
}

double ValueOr(const Families& fams, std::string_view name, const Labels& match, double dflt) {
  const auto* s = Find(fams, name, match);
  return s != nullptr ? s->value : dflt;
}

// dockerd's metrics from its plugin socket (no --metrics-addr on the test's dockerd): a
// container with a health check shows up as a create and a start, and its probes as health
// checks; the families the engine collector gives are left out.
TEST_F(SwarmAgentTest, DockerdMetricsRelayedFromItsSocket) {
  collect::DockerdRelayOptions o;
  for (auto name : collect::EngineFamilyNames()) o.skip.emplace(name);
  auto relay = collect::NewDockerdRelayCollector(o);
  Families before = Collect(*relay);
  ASSERT_NE(Find(before, "engine_daemon_container_actions_seconds_count", {{"action", "create"}}),
            nullptr);
  EXPECT_EQ(Find(before, "engine_daemon_engine_info", {}), nullptr);
  EXPECT_EQ(Find(before, "process_cpu_seconds_total", {}), nullptr);
  double creates =
      ValueOr(before, "engine_daemon_container_actions_seconds_count", {{"action", "create"}}, 0);
  double starts =
      ValueOr(before, "engine_daemon_container_actions_seconds_count", {{"action", "start"}}, 0);
  double checks = ValueOr(before, "engine_daemon_health_checks_total", {}, -1);
  ASSERT_GE(checks, 0) << "no engine_daemon_health_checks_total";

  // The test image plus a health check in exec form (there is no shell in it).
  std::string health_image = "vigie-swarm-sleeper:health-" + std::to_string(getpid());
  std::string name = "vigie-health-" + std::to_string(getpid());
  std::string out;
  ASSERT_EQ(Sh("printf 'FROM " + image_ +
                   "\\nHEALTHCHECK --interval=1s --timeout=5s CMD [\"/sleeper\", \"probe\"]\\n' | "
                   "DOCKER_BUILDKIT=0 docker build -q -t " +
                   health_image + " -",
               &out),
            0)
      << out;
  ASSERT_EQ(Sh("docker run -d --network none --label vigie.test=swarm --name " + name + " " +
                   health_image,
               &out),
            0)
      << out;
  std::string why;
  bool seen = Eventually(
      [&](std::string* why) {
        Families now = Collect(*relay);
        double c = ValueOr(now, "engine_daemon_container_actions_seconds_count",
                           {{"action", "create"}}, 0);
        double s =
            ValueOr(now, "engine_daemon_container_actions_seconds_count", {{"action", "start"}}, 0);
        double h = ValueOr(now, "engine_daemon_health_checks_total", {}, 0);
        *why = "creates " + std::to_string(c) + ", starts " + std::to_string(s) +
               ", health checks " + std::to_string(h) + " (from " + std::to_string(checks) + ")";
        return c >= creates + 1 && s >= starts + 1 && h >= checks + 2;
      },
      60, &why);
  Sh("docker rm -f " + name);
  Sh("docker rmi " + health_image);
  EXPECT_TRUE(seen) << why;
}

// Every metric that SwarmProm's Grafana dashboards (nodes, services) and alert rules query,
// which it gets from node-exporter, cAdvisor and dockerd-exporter, from one `vigie agent
// --collector.dockerd`, with the labels the queries join and group on. Left out:
// container_fs_{reads,writes}_total, which (as in cAdvisor) only exist for containers that did
// block I/O; SwarmProm's disk panels select mountpoint="/rootfs", where we report "/".
TEST_F(SwarmAgentTest, SwarmPromQueriesFindTheirMetricsOnOneAgent) {
  const std::string net = "vigie-net-" + std::to_string(getpid());
  std::string out;
  ASSERT_EQ(Sh("docker network create -d overlay --label vigie.test=swarm " + net, &out), 0) << out;
  ASSERT_EQ(Sh("docker service create --detach --name " + service_ + " --replicas 2 --network " +
                   net + " --label vigie.test=swarm " + image_,
               &out),
            0)
      << out;
  testing::TempDir dir;
  int port = testing::FreeTcpPort();
  auto agent = testing::ChildProcess::Start(
      {testing::VigieBinary(), "agent", "--web.listen-address=127.0.0.1:" + std::to_string(port),
       "--collector.dockerd"},
      dir.Join("agent.log"));
  ASSERT_TRUE(agent.ok()) << agent.error().message();
  ASSERT_TRUE(testing::WaitForHttpOk(port, "/metrics", 20000)) << agent->Log();

  static const char* kQueried[] = {"node_meta",
                                   "node_cpu_seconds_total",
                                   "node_memory_MemTotal_bytes",
                                   "node_memory_MemAvailable_bytes",
                                   "node_memory_MemFree_bytes",
                                   "node_memory_Cached_bytes",
                                   "node_memory_Buffers_bytes",
                                   "node_memory_Slab_bytes",
                                   "node_memory_SwapTotal_bytes",
                                   "node_memory_SwapFree_bytes",
                                   "node_load5",
                                   "node_time_seconds",
                                   "node_boot_time_seconds",
                                   "node_filesystem_size_bytes",
                                   "node_filesystem_free_bytes",
                                   "node_disk_read_bytes_total",
                                   "node_disk_written_bytes_total",
                                   "node_disk_reads_completed_total",
                                   "node_disk_writes_completed_total",
                                   "container_last_seen",
                                   "container_tasks_state",
                                   "container_cpu_usage_seconds_total",
                                   "container_memory_usage_bytes",
                                   "container_memory_rss",
                                   "container_memory_cache",
                                   "container_network_receive_bytes_total",
                                   "container_network_transmit_bytes_total",
                                   "swarm_node_info",
                                   "engine_daemon_engine_info",
                                   "engine_daemon_health_checks_total",
                                   "engine_daemon_health_checks_failed_total",
                                   "engine_daemon_container_actions_seconds_count",
                                   "engine_daemon_network_actions_seconds_count"};
  std::string why;
  bool ok = Eventually(
      [&](std::string* why) {
        auto body = testing::HttpGetBody(port, "/metrics");
        if (!body.ok()) {
          *why = body.error().message();
          return false;
        }
        auto fams = expfmt::ParseAll(*body, expfmt::Format::kText004);
        if (!fams.ok()) {
          *why = "agent output does not parse: " + fams.error().message();
          return false;
        }
        for (const char* name : kQueried) {
          if (Find(*fams, name, {}) == nullptr) {
            *why = std::string("no ") + name;
            return false;
          }
        }
        // The joins and groupings of the queries.
        Labels by_service{{"container_label_com_docker_swarm_service_name", service_},
                          {"container_label_com_docker_swarm_node_id", node_id_}};
        for (const char* name :
             {"container_tasks_state", "container_last_seen", "container_cpu_usage_seconds_total",
              "container_memory_rss", "container_network_receive_bytes_total"}) {
          if (Find(*fams, name, by_service) == nullptr) {
            *why = std::string("no ") + name + " of the service's tasks";
            return false;
          }
        }
        if (Find(*fams, "node_meta", {{"node_id", node_id_}}) == nullptr ||
            Find(*fams, "swarm_node_info", {{"node_id", node_id_}}) == nullptr ||
            Find(*fams, "container_network_receive_bytes_total", {{"id", "/"}}) == nullptr) {
          *why = "node_meta, swarm_node_info or the root cgroup's network not there";
          return false;
        }
        const auto* info = Find(*fams, "engine_daemon_engine_info", {});
        for (const char* label : {"kernel", "os", "graphdriver", "version"}) {
          if (info->labels.Get(label).empty()) {
            *why = std::string("engine_daemon_engine_info without ") + label;
            return false;
          }
        }
        return true;
      },
      90, &why);
  agent->Stop();
  Sh("docker service rm " + service_);
  service_.clear();
  // The network goes once the tasks are gone.
  std::string ignored;
  Eventually([&](std::string*) { return Sh("docker network rm " + net) == 0; }, 30, &ignored);
  EXPECT_TRUE(ok) << why;
}

}  // namespace
}  // namespace vigie
