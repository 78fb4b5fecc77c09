// Docker engine metrics with no dockerd reconfiguration (no --metrics-addr): what the operator
// needs from dockerd's own metrics, read from the API instead (docs/agent-containers.md):
//
//   engine_daemon_engine_info{architecture,commit,daemon_id,graphdriver,kernel,os,os_type,
//                             os_version,version,cgroup_driver,cgroup_version} 1
//   engine_daemon_engine_cpus_cpus, engine_daemon_engine_memory_bytes
//   engine_daemon_container_states_containers{state="running|paused|stopped"}
//   engine_daemon_images                       (not in dockerd: images in the engine's store)
//   swarm_node_info{swarm_id,node_id,node_name,node_addr,role,availability,state} 1
//   swarm_node_manager                          1 on a manager, 0 on a worker
// and on a manager:
//   swarm_manager_nodes{state}, swarm_manager_leader
//   vigie_swarm_service_replicas_desired{service_id,service_name,service_mode,stack}
//   vigie_swarm_service_replicas_running{...same...}
//
// swarm_node_info keeps dockerd's (swarmkit's) two labels, swarm_id and node_id, and adds the
// node's name, address, role, availability and state so that dashboards can label nodes
// without a second query. swarm_id is empty on workers (the API shows the cluster only to
// managers).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collect/collector.h"
#include "collect/engine/engine_facts.h"
#include "core/result.h"

namespace vigie::collect {

// Collector name: "engine". `facts` is shared with whoever invalidates it on events.
std::unique_ptr<Collector> NewEngineCollector(std::shared_ptr<EngineFacts> facts);

// Every family name the engine collector may emit (e.g. for the dockerd relay to leave out).
const std::vector<std::string_view>& EngineFamilyNames();

// For NodeMetaOptions::node_id: the Swarm node id of the local engine ("" outside a Swarm).
std::function<Result<std::string>()> SwarmNodeIdProvider(std::shared_ptr<EngineFacts> facts);

}  // namespace vigie::collect
