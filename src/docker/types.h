// The parts of the Docker Engine API's objects that vigie uses (API 1.41, Docker 20.10+).
// Field names follow the API; times are Unix milliseconds (0 when unset).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/time.h"

namespace vigie::docker {

using LabelMap = std::map<std::string, std::string>;

// GET /containers/json
struct ContainerSummary {
  std::string id;
  std::string name;  // first of Names, without the leading '/'
  std::string image;
  std::string state;  // created, running, paused, restarting, removing, exited, dead
  LabelMap labels;
};

// GET /containers/{id}/json
struct ContainerInfo {
  std::string id;
  std::string name;    // without the leading '/'
  std::string image;   // Config.Image, as the user named it (cAdvisor's image label)
  std::string status;  // State.Status
  bool running = false;
  int pid = 0;  // State.Pid, 0 when not running
  TimestampMs created_ms = 0;
  TimestampMs started_ms = 0;
  int restart_count = 0;
  std::string network_mode;   // HostConfig.NetworkMode: "default", "host", "none", "container:<id>"
  std::string cgroup_parent;  // HostConfig.CgroupParent
  LabelMap labels;            // Config.Labels
};

// GET /info (the fields the engine collector and node identity need)
struct Info {
  std::string id;
  std::string name;  // the engine's host name
  std::string server_version;
  std::string kernel_version;
  std::string operating_system;
  std::string os_type;
  std::string architecture;
  std::string driver;  // storage (graph) driver
  std::string logging_driver;
  std::string cgroup_driver;
  std::string cgroup_version;
  int64_t ncpu = 0;
  int64_t mem_total = 0;
  int64_t containers = 0;
  int64_t containers_running = 0;
  int64_t containers_paused = 0;
  int64_t containers_stopped = 0;
  int64_t images = 0;
  LabelMap labels;  // engine labels ("key=value" entries)
  // Swarm
  std::string swarm_node_id;
  std::string swarm_node_addr;
  std::string swarm_local_node_state;    // inactive, pending, active, error, locked
  bool swarm_control_available = false;  // this node is a manager
  std::string swarm_cluster_id;          // only on managers
  int64_t swarm_nodes = 0;
  int64_t swarm_managers = 0;
};

// GET /version
struct Version {
  std::string version;
  std::string api_version;
  std::string min_api_version;
  std::string git_commit;
  std::string go_version;
  std::string os;
  std::string arch;
  std::string kernel_version;
};

// GET /nodes (managers only)
struct Node {
  std::string id;
  std::string hostname;
  std::string role;          // worker, manager
  std::string availability;  // active, pause, drain
  std::string state;         // unknown, down, ready, disconnected
  std::string addr;
  std::string engine_version;
  bool leader = false;
  std::string manager_reachability;  // reachable, unreachable, unknown; "" on workers
  LabelMap labels;                   // Spec.Labels
};

// GET /services (managers only)
struct Service {
  std::string id;
  std::string name;
  std::string mode;               // replicated, global, replicated-job, global-job
  uint64_t desired_replicas = 0;  // replicated mode only
  LabelMap labels;                // Spec.Labels
};

// GET /tasks (managers only)
struct Task {
  std::string id;
  std::string service_id;
  std::string node_id;
  int64_t slot = 0;
  std::string desired_state;
  std::string state;  // Status.State: new, pending, ..., running, complete, failed, shutdown
  std::string container_id;
};

// One message of GET /events.
struct Event {
  std::string type;    // container, image, volume, network, daemon, plugin, node, service, ...
  std::string action;  // start, die, destroy, ...; may carry a suffix ("exec_start: sh")
  std::string actor_id;
  LabelMap attributes;
  int64_t time_nano = 0;
};

}  // namespace vigie::docker
