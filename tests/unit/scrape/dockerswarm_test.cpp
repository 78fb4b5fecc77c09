#include "scrape/discovery/dockerswarm.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace vigie::scrape {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(VIGIE_TESTDATA_DIR) + "/dockerswarm/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Answers the engine's list endpoints from captured-style JSON fixtures.
class FixtureTransport : public docker::Transport {
 public:
  explicit FixtureTransport(std::vector<std::string>* requests) : requests_(requests) {}
  Result<docker::HttpResponse> Request(std::string_view method, std::string_view target) override {
    requests_->push_back(std::string(method) + " " + std::string(target));
    if (fail) return Unavailable("cannot reach the Docker engine");
    for (const char* what : {"nodes", "services", "tasks", "networks"}) {
      if (target.find(std::string("/v1.41/") + what) == 0) {
        return docker::HttpResponse{200, Fixture(std::string(what) + ".json")};
      }
    }
    return docker::HttpResponse{404, R"({"message":"page not found"})"};
  }
  Status Stream(std::string_view, const std::function<bool(std::string_view)>&) override {
    return Unimplemented("no");
  }
  void Cancel() override {}
  bool fail = false;

 private:
  std::vector<std::string>* requests_;
};

class DockerSwarmTest : public ::testing::Test {
 protected:
  TargetGroup Discover(DockerSwarmRole role, int port = 80,
                       std::vector<DockerSwarmFilter> filters = {}) {
    DockerSwarmSdConfig cfg;
    cfg.host = "unix:///var/run/docker.sock";
    cfg.role = role;
    cfg.port = port;
    cfg.filters = std::move(filters);
    DockerSwarmDiscoverer d(cfg, std::make_unique<FixtureTransport>(&requests_));
    auto g = d.Refresh();
    EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message());
    return g.ok() ? *g : TargetGroup{};
  }
  const Labels* Find(const TargetGroup& g, std::string_view address) {
    for (const Labels& t : g.targets) {
      if (t.Get("__address__") == address) return &t;
    }
    ADD_FAILURE() << "no target " << address;
    return nullptr;
  }
  std::vector<std::string> requests_;
};

TEST_F(DockerSwarmTest, Nodes) {
  TargetGroup g = Discover(DockerSwarmRole::kNodes, 9323);
  EXPECT_EQ(g.source, "DockerSwarm");
  ASSERT_EQ(g.targets.size(), 2u);
  const Labels* m = Find(g, "10.0.0.11:9323");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_id"), "node1id");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_hostname"), "manager-1");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_role"), "manager");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_availability"), "active");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_status"), "ready");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_address"), "10.0.0.11");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_platform_architecture"), "x86_64");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_platform_os"), "linux");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_engine_version"), "20.10.24+dfsg1");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_manager_leader"), "true");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_manager_reachability"), "reachable");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_manager_address"), "10.0.0.11:2377");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_label_zone"), "eu-1");
  EXPECT_EQ(m->Get("__meta_dockerswarm_node_label_com_example_rack"), "r1");
  const Labels* w = Find(g, "10.0.0.12:9323");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->Get("__meta_dockerswarm_node_availability"), "drain");
  EXPECT_FALSE(w->Has("__meta_dockerswarm_node_manager_leader"));
  EXPECT_EQ(requests_, std::vector<std::string>{"GET /v1.41/nodes"});
}

TEST_F(DockerSwarmTest, Services) {
  TargetGroup g = Discover(DockerSwarmRole::kServices);
  // node-exporter: 1 VIP x 1 tcp port; gallery: 2 VIPs x 1 tcp port (udp skipped);
  // worker: 1 VIP, no port -> the configured port.
  ASSERT_EQ(g.targets.size(), 4u);
  const Labels* ne = Find(g, "10.0.1.2:9100");
  ASSERT_NE(ne, nullptr);
  EXPECT_EQ(ne->Get("__meta_dockerswarm_service_name"), "mon_node-exporter");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_service_mode"), "global");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_service_endpoint_port_publish_mode"), "host");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_service_label_prometheus_job"), "node");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_service_label_com_docker_stack_namespace"), "mon");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_service_task_container_image"), "vigie:latest");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_service_task_container_hostname"), "{{.Node.Hostname}}");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_network_name"), "mon_net");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_network_id"), "monnet");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_network_scope"), "swarm");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_network_ingress"), "false");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_network_internal"), "false");
  EXPECT_EQ(ne->Get("__meta_dockerswarm_network_label_com_docker_stack_namespace"), "mon");
  const Labels* gi = Find(g, "10.0.0.5:30080");
  ASSERT_NE(gi, nullptr);
  EXPECT_EQ(gi->Get("__meta_dockerswarm_service_mode"), "replicated");
  EXPECT_EQ(gi->Get("__meta_dockerswarm_service_endpoint_port_name"), "http");
  EXPECT_EQ(gi->Get("__meta_dockerswarm_service_updating_status"), "completed");
  EXPECT_EQ(gi->Get("__meta_dockerswarm_network_ingress"), "true");
  EXPECT_NE(Find(g, "10.0.1.5:30080"), nullptr);
  const Labels* w = Find(g, "10.0.1.9:80");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->Get("__meta_dockerswarm_service_name"), "app_worker");
}

TEST_F(DockerSwarmTest, Tasks) {
  TargetGroup g = Discover(DockerSwarmRole::kTasks, 9999,
                           {{"desired-state", {"running"}}, {"service", {"a", "b"}}});
  // task1: host-mode port at the node + one per network address and service port;
  // task2: two addresses x one tcp port; task3: one address, no port -> 9999.
  ASSERT_EQ(g.targets.size(), 5u);
  const Labels* host = Find(g, "10.0.0.11:9100");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->Get("__meta_dockerswarm_task_id"), "task1");
  EXPECT_EQ(host->Get("__meta_dockerswarm_task_port_publish_mode"), "host");
  EXPECT_EQ(host->Get("__meta_dockerswarm_task_container_id"), "c0ffee1");
  EXPECT_EQ(host->Get("__meta_dockerswarm_task_desired_state"), "running");
  EXPECT_EQ(host->Get("__meta_dockerswarm_task_state"), "running");
  EXPECT_EQ(host->Get("__meta_dockerswarm_task_slot"), "0");
  EXPECT_EQ(host->Get("__meta_dockerswarm_container_label_com_docker_stack_namespace"), "mon");
  EXPECT_EQ(host->Get("__meta_dockerswarm_service_name"), "mon_node-exporter");
  EXPECT_EQ(host->Get("__meta_dockerswarm_service_label_prometheus_job"), "node");
  EXPECT_EQ(host->Get("__meta_dockerswarm_node_hostname"), "manager-1");
  EXPECT_EQ(host->Get("__meta_dockerswarm_node_label_zone"), "eu-1");
  EXPECT_FALSE(host->Has("__meta_dockerswarm_network_name"));  // node address, no network
  const Labels* net = Find(g, "10.0.1.3:9100");
  ASSERT_NE(net, nullptr);
  EXPECT_EQ(net->Get("__meta_dockerswarm_network_name"), "mon_net");
  const Labels* gal = Find(g, "10.0.1.7:30080");
  ASSERT_NE(gal, nullptr);
  EXPECT_EQ(gal->Get("__meta_dockerswarm_task_slot"), "2");
  EXPECT_EQ(gal->Get("__meta_dockerswarm_task_port_publish_mode"), "ingress");
  EXPECT_EQ(gal->Get("__meta_dockerswarm_node_availability"), "drain");
  EXPECT_NE(Find(g, "10.0.0.7:30080"), nullptr);
  const Labels* stopped = Find(g, "10.0.1.10:9999");
  ASSERT_NE(stopped, nullptr);
  EXPECT_EQ(stopped->Get("__meta_dockerswarm_task_desired_state"), "shutdown");
  EXPECT_FALSE(stopped->Has("__meta_dockerswarm_task_container_id"));
  // Filters go to the tasks listing only, JSON-encoded as the API wants.
  ASSERT_EQ(requests_.size(), 4u);
  EXPECT_EQ(requests_[3].rfind("GET /v1.41/tasks?filters=", 0), 0u) << requests_[3];
  EXPECT_NE(requests_[3].find("desired-state"), std::string::npos);
  EXPECT_EQ(requests_[1], "GET /v1.41/services");
}

TEST_F(DockerSwarmTest, EngineErrorIsReported) {
  DockerSwarmSdConfig cfg;
  cfg.host = "unix:///nonexistent.sock";
  auto t = std::make_unique<FixtureTransport>(&requests_);
  t->fail = true;
  DockerSwarmDiscoverer d(cfg, std::move(t));
  auto g = d.Refresh();
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message().find("cannot reach the Docker engine"), std::string::npos);
}

TEST(SanitizeLabelNameTest, LikePrometheus) {
  EXPECT_EQ(SanitizeLabelName("com.docker.stack.namespace"), "com_docker_stack_namespace");
  EXPECT_EQ(SanitizeLabelName("prometheus-job"), "prometheus_job");
  EXPECT_EQ(SanitizeLabelName("ok_9"), "ok_9");
}

}  // namespace
}  // namespace vigie::scrape
