#include "collect/engine/engine_collector.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "collect/family_builder.h"

namespace vigie::collect {

namespace {

using expfmt::MetricType;

// Label pairs with empty values dropped (Prometheus treats empty and absent alike).
std::vector<Label> NonEmpty(
    std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
  std::vector<Label> out;
  for (const auto& [k, v] : l) {
    if (!v.empty()) out.push_back(Label{std::string(k), std::string(v)});
  }
  return out;
}

std::string_view OrUnknown(std::string_view s) { return s.empty() ? "unknown" : s; }

class EngineCollector final : public Collector {
 public:
  explicit EngineCollector(std::shared_ptr<EngineFacts> facts) : facts_(std::move(facts)) {}

  std::string_view Name() const override { return "engine"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    VIGIE_ASSIGN_OR_RETURN(auto snap, facts_->Get());
    const docker::Info& i = snap->info;
    const docker::Version& v = snap->version;

    FamilyBuilder info("engine_daemon_engine_info", MetricType::kGauge,
                       "The Docker engine's version and platform; value 1.");
    info.Add(NonEmpty({{"architecture", i.architecture},
                       {"commit", v.git_commit},
                       {"daemon_id", i.id},
                       {"graphdriver", i.driver},
                       {"kernel", i.kernel_version},
                       {"os", i.operating_system},
                       {"os_type", i.os_type},
                       {"version", i.server_version},
                       {"api_version", v.api_version},
                       {"cgroup_driver", i.cgroup_driver},
                       {"cgroup_version", i.cgroup_version}}),
             1);
    info.MoveTo(out);
    FamilyBuilder("engine_daemon_engine_cpus_cpus", MetricType::kGauge,
                  "CPUs the Docker engine sees.")
        .Add(static_cast<double>(i.ncpu))
        .MoveTo(out);
    FamilyBuilder("engine_daemon_engine_memory_bytes", MetricType::kGauge,
                  "Memory the Docker engine sees, in bytes.")
        .Add(static_cast<double>(i.mem_total))
        .MoveTo(out);
    FamilyBuilder("engine_daemon_container_states_containers", MetricType::kGauge,
                  "Containers of the engine by state.")
        .Add({{"state", "running"}}, static_cast<double>(i.containers_running))
        .Add({{"state", "paused"}}, static_cast<double>(i.containers_paused))
        .Add({{"state", "stopped"}}, static_cast<double>(i.containers_stopped))
        .MoveTo(out);
    FamilyBuilder("engine_daemon_images", MetricType::kGauge, "Images in the engine's store.")
        .Add(static_cast<double>(i.images))
        .MoveTo(out);

    if (i.swarm_local_node_state == "active" && !i.swarm_node_id.empty()) {
      CollectSwarmNode(*snap, out);
    }
    if (snap->manager) CollectManager(*snap, out);
    return OkStatus();
  }

 private:
  void CollectSwarmNode(const EngineSnapshot& s, std::vector<expfmt::MetricFamily>* out) {
    const docker::Info& i = s.info;
    const docker::Node* self = nullptr;
    for (const auto& n : s.nodes) {
      if (n.id == i.swarm_node_id) self = &n;
    }
    std::string role = i.swarm_control_available ? "manager" : "worker";
    FamilyBuilder("swarm_node_info", MetricType::kGauge,
                  "This engine's Swarm node: ids, name, address, role; value 1.")
        .Add(NonEmpty({{"swarm_id", i.swarm_cluster_id},
                       {"node_id", i.swarm_node_id},
                       {"node_name", self != nullptr ? self->hostname : i.name},
                       {"node_addr", i.swarm_node_addr},
                       {"role", role},
                       {"availability", self != nullptr ? self->availability : ""},
                       {"state", self != nullptr ? self->state : ""},
                       {"engine_version", i.server_version}}),
             1)
        .MoveTo(out);
    FamilyBuilder("swarm_node_manager", MetricType::kGauge,
                  "1 if this node is a Swarm manager, 0 if a worker.")
        .Add(i.swarm_control_available ? 1 : 0)
        .MoveTo(out);
  }

  void CollectManager(const EngineSnapshot& s, std::vector<expfmt::MetricFamily>* out) {
    std::map<std::string, double> by_state = {
        {"ready", 0}, {"down", 0}, {"unknown", 0}, {"disconnected", 0}};
    bool leader = false;
    for (const auto& n : s.nodes) {
      by_state[std::string(OrUnknown(n.state))] += 1;
      if (n.id == s.info.swarm_node_id) leader = n.leader;
    }
    FamilyBuilder nodes("swarm_manager_nodes", MetricType::kGauge, "Swarm nodes by state.");
    for (const auto& [state, n] : by_state) nodes.Add({{"state", state}}, n);
    nodes.MoveTo(out);
    FamilyBuilder("swarm_manager_leader", MetricType::kGauge,
                  "1 if this manager is the Raft leader.")
        .Add(leader ? 1 : 0)
        .MoveTo(out);

    // Running tasks per service; a global service wants one task per eligible node, which is
    // the number of tasks the orchestrator keeps with desired state "running".
    std::map<std::string, std::pair<double, double>> tasks;  // service id -> (desired, running)
    for (const auto& t : s.tasks) {
      auto& [desired, running] = tasks[t.service_id];
      desired += 1;
      if (t.state == "running") running += 1;
    }
    FamilyBuilder desired("vigie_swarm_service_replicas_desired", MetricType::kGauge,
                          "Tasks the Swarm service should be running.");
    FamilyBuilder running("vigie_swarm_service_replicas_running", MetricType::kGauge,
                          "Tasks of the Swarm service that are running.");
    for (const auto& svc : s.services) {
      auto it = tasks.find(svc.id);
      double want = svc.mode == "replicated" ? static_cast<double>(svc.desired_replicas)
                    : it != tasks.end()      ? it->second.first
                                             : 0;
      double have = it != tasks.end() ? it->second.second : 0;
      auto stack = svc.labels.find("com.docker.stack.namespace");
      std::vector<Label> labels =
          NonEmpty({{"service_id", svc.id},
                    {"service_name", svc.name},
                    {"service_mode", svc.mode},
                    {"stack", stack != svc.labels.end() ? std::string_view(stack->second) : ""}});
      desired.Add(labels, want);
      running.Add(labels, have);
    }
    desired.MoveTo(out);
    running.MoveTo(out);
  }

  std::shared_ptr<EngineFacts> facts_;
};

}  // namespace

std::unique_ptr<Collector> NewEngineCollector(std::shared_ptr<EngineFacts> facts) {
  return std::make_unique<EngineCollector>(std::move(facts));
}

const std::vector<std::string_view>& EngineFamilyNames() {
  static const std::vector<std::string_view> names = {
      "engine_daemon_engine_info",
      "engine_daemon_engine_cpus_cpus",
      "engine_daemon_engine_memory_bytes",
      "engine_daemon_container_states_containers",
      "engine_daemon_images",
      "swarm_node_info",
      "swarm_node_manager",
      "swarm_manager_nodes",
      "swarm_manager_leader",
      "vigie_swarm_service_replicas_desired",
      "vigie_swarm_service_replicas_running",
  };
  return names;
}

std::function<Result<std::string>()> SwarmNodeIdProvider(std::shared_ptr<EngineFacts> facts) {
  return [facts = std::move(facts)]() { return facts->SwarmNodeId(); };
}

}  // namespace vigie::collect
