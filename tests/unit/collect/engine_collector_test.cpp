// The engine collector on the API answers captured from Docker 20.10 on a one-node Swarm
// (tests/testdata/docker), served by a fake engine socket; caching of the facts.
#include "collect/engine/engine_collector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "../docker/fake_engine.h"
#include "collect/engine/engine_facts.h"
#include "docker/client.h"
#include "expfmt/writer.h"

namespace vigie::collect {
namespace {

using docker::testing::FakeEngine;

std::string Fixture(const std::string& name) {
  std::ifstream f(std::string(VIGIE_TESTDATA_DIR) + "/docker/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Env {
  FakeEngine engine{[](const std::string& target, const auto& write) {
    std::string path = target.substr(0, target.find('?'));
    if (path == "/v1.41/info") return write(FakeEngine::Response(200, Fixture("info.json")));
    if (path == "/v1.41/version") return write(FakeEngine::Response(200, Fixture("version.json")));
    if (path == "/v1.41/nodes") return write(FakeEngine::Response(200, Fixture("nodes.json")));
    if (path == "/v1.41/services") {
      return write(FakeEngine::Response(200, Fixture("services.json")));
    }
    if (path == "/v1.41/tasks") return write(FakeEngine::Response(200, Fixture("tasks.json")));
    return write(FakeEngine::Response(404, R"({"message":"not found"})"));
  }};
  docker::Client client{docker::NewUnixSocketTransport(engine.path(), 5000)};
};

std::optional<double> Value(const std::vector<expfmt::MetricFamily>& fams, std::string_view name,
                            const Labels& match = {}) {
  for (const auto& f : fams) {
    for (const auto& s : f.samples) {
      if (s.labels.MetricName() != name) continue;
      bool ok = true;
      for (const auto& l : match) ok = ok && s.labels.Get(l.name) == l.value;
      if (ok) return s.value;
    }
  }
  return std::nullopt;
}

TEST(EngineCollector, FactsFromTheApi) {
  Env env;
  auto facts = std::make_shared<EngineFacts>(env.client);
  auto c = NewEngineCollector(facts);
  EXPECT_EQ(c->Name(), "engine");
  std::vector<expfmt::MetricFamily> out;
  Status st = c->Collect(&out);
  ASSERT_TRUE(st.ok()) << st.error().message();
  for (auto& f : out) ASSERT_TRUE(expfmt::ExpandEncodedSamples(&f).ok());

  EXPECT_EQ(*Value(out, "engine_daemon_engine_info",
                   {{"version", "20.10.24+dfsg1"},
                    {"graphdriver", "overlay2"},
                    {"os_type", "linux"},
                    {"cgroup_driver", "cgroupfs"},
                    {"api_version", "1.41"}}),
            1);
  EXPECT_EQ(*Value(out, "engine_daemon_container_states_containers", {{"state", "running"}}), 2);
  EXPECT_EQ(*Value(out, "engine_daemon_container_states_containers", {{"state", "stopped"}}), 0);
  EXPECT_TRUE(Value(out, "engine_daemon_images").has_value());
  EXPECT_GT(*Value(out, "engine_daemon_engine_cpus_cpus"), 0);
  EXPECT_EQ(*Value(out, "swarm_node_info",
                   {{"node_id", "5szh30jkrdecn5wv1zeidkwak"},
                    {"swarm_id", "qcxfhh3vyx7frz8s1ccots9vd"},
                    {"node_name", "vm"},
                    {"node_addr", "127.0.0.1"},
                    {"role", "manager"},
                    {"availability", "active"},
                    {"state", "ready"}}),
            1);
  EXPECT_EQ(*Value(out, "swarm_node_manager"), 1);
  EXPECT_EQ(*Value(out, "swarm_manager_leader"), 1);
  EXPECT_EQ(*Value(out, "swarm_manager_nodes", {{"state", "ready"}}), 1);
  EXPECT_EQ(*Value(out, "swarm_manager_nodes", {{"state", "down"}}), 0);
  Labels svc{{"service_name", "capsvc"}, {"service_mode", "replicated"}, {"stack", "demo"}};
  EXPECT_EQ(*Value(out, "vigie_swarm_service_replicas_desired", svc), 2);
  EXPECT_EQ(*Value(out, "vigie_swarm_service_replicas_running", svc), 2);
  // The dockerd relay leaves these names out; a family missing from the list would appear twice.
  const auto& names = EngineFamilyNames();
  for (const auto& f : out) {
    EXPECT_NE(std::find(names.begin(), names.end(), f.name), names.end()) << f.name;
  }

  auto node_id = SwarmNodeIdProvider(facts)();
  ASSERT_TRUE(node_id.ok());
  EXPECT_EQ(*node_id, "5szh30jkrdecn5wv1zeidkwak");
}

TEST(EngineCollector, FactsAreCachedUntilStaleOrInvalidated) {
  Env env;
  TimestampMs now = 1'000'000;
  auto facts = std::make_shared<EngineFacts>(
      env.client, EngineFactsOptions{
                      .max_age_ms = 30'000, .min_interval_ms = 2'000, .now = [&] { return now; }});
  auto infos = [&] {
    int n = 0;
    for (const auto& t : env.engine.targets()) n += t == "/v1.41/info";
    return n;
  };
  ASSERT_TRUE(facts->Get().ok());
  EXPECT_EQ(infos(), 1);
  now += 10'000;
  ASSERT_TRUE(facts->Get().ok());
  EXPECT_EQ(infos(), 1);  // fresh enough
  facts->Invalidate();
  now += 1'000;
  ASSERT_TRUE(facts->Get().ok());
  EXPECT_EQ(infos(), 2);  // an event made it stale
  facts->Invalidate();
  ASSERT_TRUE(facts->Get().ok());
  EXPECT_EQ(infos(), 2);  // but not more often than min_interval
  now += 30'000;
  ASSERT_TRUE(facts->Get().ok());
  EXPECT_EQ(infos(), 3);  // max age
}

TEST(EngineCollector, UnreachableEngineIsAnError) {
  docker::Client client(docker::NewUnixSocketTransport("/nonexistent/docker.sock", 1000));
  auto c = NewEngineCollector(std::make_shared<EngineFacts>(client));
  std::vector<expfmt::MetricFamily> out;
  Status st = c->Collect(&out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("/nonexistent/docker.sock"), std::string::npos);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace vigie::collect
