// dockerswarm_sd against a live Swarm manager, when one is offered: set VIGIE_TEST_SWARM_HOST
// (e.g. unix:///var/run/docker.sock) on a node where `docker swarm init` was run. Skipped
// otherwise: the test never changes the engine's state.
#include <gtest/gtest.h>

#include <cstdlib>

#include "scrape/discovery/dockerswarm.h"

namespace vigie::scrape {
namespace {

TEST(DockerSwarmLiveTest, DiscoversNodesOfARealSwarm) {
  const char* host = std::getenv("VIGIE_TEST_SWARM_HOST");
  if (host == nullptr) GTEST_SKIP() << "VIGIE_TEST_SWARM_HOST not set";
  DockerSwarmSdConfig cfg;
  cfg.host = host;
  cfg.role = DockerSwarmRole::kNodes;
  cfg.port = 9100;
  auto d = NewDockerSwarmDiscoverer(cfg);
  ASSERT_TRUE(d.ok()) << d.error().message();
  auto* swarm = static_cast<DockerSwarmDiscoverer*>(d->get());
  auto g = swarm->Refresh();
  ASSERT_TRUE(g.ok()) << g.error().message();
  ASSERT_FALSE(g->targets.empty());
  bool manager = false;
  for (const Labels& t : g->targets) {
    EXPECT_FALSE(t.Get("__meta_dockerswarm_node_id").empty());
    EXPECT_FALSE(t.Get("__meta_dockerswarm_node_hostname").empty());
    EXPECT_EQ(t.Get("__address__"),
              std::string(t.Get("__meta_dockerswarm_node_address")) + ":9100");
    manager = manager || t.Get("__meta_dockerswarm_node_role") == "manager";
  }
  EXPECT_TRUE(manager);
  for (DockerSwarmRole role : {DockerSwarmRole::kServices, DockerSwarmRole::kTasks}) {
    cfg.role = role;
    auto r = NewDockerSwarmDiscoverer(cfg);
    ASSERT_TRUE(r.ok());
    auto groups = static_cast<DockerSwarmDiscoverer*>(r->get())->Refresh();
    EXPECT_TRUE(groups.ok()) << groups.error().message();
  }
}

}  // namespace
}  // namespace vigie::scrape
