// JSON bodies captured from Docker 20.10 (Debian 12's docker.io) on a one-node Swarm with a
// two-replica service (tests/testdata/docker), parsed into docker/types.h.
#include "docker/parse.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace vigie::docker {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream f(std::string(VIGIE_TESTDATA_DIR) + "/docker/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << name;
  return ss.str();
}

TEST(DockerParse, Info) {
  auto i = ParseInfo(Fixture("info.json"));
  ASSERT_TRUE(i.ok()) << i.error().message();
  EXPECT_EQ(i->name, "vm");
  EXPECT_EQ(i->server_version, "20.10.24+dfsg1");
  EXPECT_EQ(i->driver, "overlay2");
  EXPECT_EQ(i->cgroup_driver, "cgroupfs");
  EXPECT_EQ(i->cgroup_version, "1");
  EXPECT_EQ(i->os_type, "linux");
  EXPECT_EQ(i->containers_running, 2);
  EXPECT_GT(i->ncpu, 0);
  EXPECT_GT(i->mem_total, 0);
  EXPECT_EQ(i->swarm_node_id, "5szh30jkrdecn5wv1zeidkwak");
  EXPECT_EQ(i->swarm_node_addr, "127.0.0.1");
  EXPECT_EQ(i->swarm_local_node_state, "active");
  EXPECT_TRUE(i->swarm_control_available);
  EXPECT_EQ(i->swarm_cluster_id, "qcxfhh3vyx7frz8s1ccots9vd");
  EXPECT_EQ(i->swarm_nodes, 1);
}

TEST(DockerParse, Version) {
  auto v = ParseVersion(Fixture("version.json"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->version, "20.10.24+dfsg1");
  EXPECT_EQ(v->api_version, "1.41");
  EXPECT_EQ(v->os, "linux");
}

TEST(DockerParse, ContainersAndInspect) {
  auto list = ParseContainerList(Fixture("containers.json"));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id.size(), 64u);
  EXPECT_TRUE((*list)[0].name.starts_with("capsvc."));
  EXPECT_EQ((*list)[0].state, "running");
  EXPECT_EQ((*list)[0].labels.at("com.docker.swarm.service.name"), "capsvc");

  auto c = ParseContainerInspect(Fixture("inspect.json"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "capsvc.1.f3cqd5apa4n6dxuhf5ay88l4r");  // leading '/' dropped
  EXPECT_EQ(c->image, "vigie-sleeper:test");
  EXPECT_TRUE(c->running);
  EXPECT_EQ(c->status, "running");
  EXPECT_EQ(c->pid, 20255);
  EXPECT_EQ(c->network_mode, "host");
  EXPECT_EQ(c->started_ms, 1795493285710);  // 2026-11-24T04:08:05.710521069Z
  EXPECT_GT(c->created_ms, 0);
  EXPECT_LE(c->created_ms, c->started_ms);
  EXPECT_EQ(c->labels.at("com.docker.swarm.task.name"), "capsvc.1.f3cqd5apa4n6dxuhf5ay88l4r");
  EXPECT_EQ(c->labels.at("com.docker.swarm.node.id"), "5szh30jkrdecn5wv1zeidkwak");
}

TEST(DockerParse, SwarmObjects) {
  auto nodes = ParseNodes(Fixture("nodes.json"));
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  const Node& n = (*nodes)[0];
  EXPECT_EQ(n.id, "5szh30jkrdecn5wv1zeidkwak");
  EXPECT_EQ(n.hostname, "vm");
  EXPECT_EQ(n.role, "manager");
  EXPECT_EQ(n.availability, "active");
  EXPECT_EQ(n.state, "ready");
  EXPECT_TRUE(n.leader);
  EXPECT_EQ(n.manager_reachability, "reachable");

  auto services = ParseServices(Fixture("services.json"));
  ASSERT_TRUE(services.ok());
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ((*services)[0].name, "capsvc");
  EXPECT_EQ((*services)[0].mode, "replicated");
  EXPECT_EQ((*services)[0].desired_replicas, 2u);
  EXPECT_EQ((*services)[0].labels.at("com.docker.stack.namespace"), "demo");

  auto tasks = ParseTasks(Fixture("tasks.json"));
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 2u);
  for (const Task& t : *tasks) {
    EXPECT_EQ(t.service_id, (*services)[0].id);
    EXPECT_EQ(t.node_id, n.id);
    EXPECT_EQ(t.state, "running");
    EXPECT_EQ(t.desired_state, "running");
    EXPECT_EQ(t.container_id.size(), 64u);
    EXPECT_GE(t.slot, 1);
  }
}

TEST(DockerParse, Events) {
  std::istringstream lines(Fixture("events.jsonl"));
  std::string line;
  int starts = 0, n = 0;
  while (std::getline(lines, line)) {
    auto e = ParseEvent(line);
    ASSERT_TRUE(e.ok()) << line;
    ++n;
    EXPECT_FALSE(e->type.empty());
    EXPECT_FALSE(e->action.empty());
    EXPECT_GT(e->time_nano, 0);
    if (e->type == "container" && e->action == "start") {
      ++starts;
      EXPECT_EQ(e->actor_id.size(), 64u);
      EXPECT_FALSE(e->attributes.at("name").empty());
    }
  }
  EXPECT_GT(n, 5);
  EXPECT_EQ(starts, 2);
}

TEST(DockerParse, BadBodies) {
  EXPECT_FALSE(ParseInfo("not json").ok());
  EXPECT_FALSE(ParseInfo("[]").ok());
  EXPECT_FALSE(ParseContainerList("{}").ok());
  EXPECT_FALSE(ParseEvent("{\"Type\": ").ok());
  // Wrong types and nulls keep defaults instead of failing.
  auto i = ParseInfo(R"({"Name": 5, "NCPU": "x", "Swarm": null, "Labels": ["a=b", "c", 3]})");
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->name, "");
  EXPECT_EQ(i->ncpu, 0);
  EXPECT_EQ(i->labels.at("a"), "b");
  EXPECT_EQ(i->labels.at("c"), "");
  EXPECT_EQ(ParseErrorMessage(R"({"message":"page not found"})"), "page not found");
  EXPECT_EQ(ParseErrorMessage("plain text\n"), "plain text");
}

TEST(DockerParse, Times) {
  EXPECT_EQ(*ParseDockerTime("2026-11-24T04:08:05.710521069Z"), 1795493285710);
  EXPECT_EQ(*ParseDockerTime("1970-01-01T00:00:01Z"), 1000);
  EXPECT_EQ(*ParseDockerTime("1970-01-01T01:00:01.5+01:00"), 1500);
  EXPECT_EQ(*ParseDockerTime("0001-01-01T00:00:00Z"), 0);
  EXPECT_FALSE(ParseDockerTime("yesterday").ok());
  EXPECT_FALSE(ParseDockerTime("2026-11-24T04:08:05.Z").ok());
  EXPECT_FALSE(ParseDockerTime("2026-11-24T04:08:05").ok());
}

}  // namespace
}  // namespace vigie::docker
