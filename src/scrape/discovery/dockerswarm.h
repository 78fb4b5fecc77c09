// dockerswarm_sd_configs: the tasks, services or nodes of the Swarm whose manager's engine is
// at `host`, with the __meta_dockerswarm_* labels Prometheus documents:
//   nodes:    _node_id, _node_role, _node_availability, _node_hostname, _node_address,
//             _node_status, _node_platform_architecture, _node_platform_os,
//             _node_engine_version, _node_manager_leader, _node_manager_reachability,
//             _node_manager_address, _node_label_<name>; address <node addr>:<port>.
//   services: _service_id, _service_name, _service_mode, _service_label_<name>,
//             _service_task_container_hostname, _service_task_container_image,
//             _service_updating_status, _service_endpoint_port_name,
//             _service_endpoint_port_publish_mode, _network_*; one target per virtual IP and
//             published TCP port (or <port> when none).
//   tasks:    _task_id, _task_container_id, _task_desired_state, _task_state, _task_slot,
//             _task_port_publish_mode, _container_label_<name>, the service's and node's
//             labels, _network_*; one target per network address and service port (or
//             <port>), plus one per host-mode published port at the node's address.
//   networks: _network_id, _network_name, _network_scope, _network_internal,
//             _network_ingress, _network_label_<name>.
// Label names from Docker labels are sanitised ([^a-zA-Z0-9_] -> '_'). Everything is
// re-listed every refresh_interval; on an engine error the previous targets are kept.
#pragma once

#include <memory>

#include "core/result.h"
#include "docker/transport.h"
#include "scrape/discovery/discoverer.h"

namespace vigie::scrape {

inline constexpr std::string_view kSwarmLabelPrefix = "__meta_dockerswarm_";

class DockerSwarmDiscoverer final : public Discoverer {
 public:
  DockerSwarmDiscoverer(DockerSwarmSdConfig cfg, std::unique_ptr<docker::Transport> transport);
  void Run(std::stop_token stop, const TargetGroupsSink& send) override;

  // One listing: the single group (source "DockerSwarm") of every target. Exposed for tests.
  Result<TargetGroup> Refresh();

 private:
  Result<std::string> Get(std::string_view path, bool filtered);

  DockerSwarmSdConfig cfg_;
  std::unique_ptr<docker::Transport> transport_;
};

// Opens the transport for cfg.host (unix:// socket, or http:// / tcp:// host:port).
Result<std::unique_ptr<Discoverer>> NewDockerSwarmDiscoverer(const DockerSwarmSdConfig& cfg);

// [^a-zA-Z0-9_] -> '_', as Prometheus's strutil.SanitizeLabelName.
std::string SanitizeLabelName(std::string_view name);

}  // namespace vigie::scrape
