// cAdvisor-named container metrics for plain processes: when a service cannot be given its own
// cgroup (no root, read-only cgroupfs), `vigie demo` still reports each child process under
// the same names and labels a Swarm task's container would have, so the same queries and
// dashboards work. Reads /proc/<pid>/stat and /proc/<pid>/statm.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "collect/collector.h"
#include "core/fs.h"

namespace vigie::collect {

struct ProcessContainer {
  pid_t pid = 0;
  std::string id;    // cAdvisor's id label, e.g. "/vigie-demo/<64 hex>"
  std::string name;  // container name
  std::string image;
  std::map<std::string, std::string> docker_labels;  // become container_label_<sanitised>
};

struct ProcessContainersOptions {
  std::string procfs = "/proc";
  fs::FileSystem* fs = nullptr;                         // null: the real file system
  std::function<std::vector<ProcessContainer>()> list;  // called at each collection
};

// Named "process_containers". Emits container_cpu_usage_seconds_total{cpu="total"},
// container_cpu_user_seconds_total, container_cpu_system_seconds_total,
// container_memory_usage_bytes, container_memory_working_set_bytes, container_memory_rss,
// container_start_time_seconds, container_last_seen, container_processes.
std::unique_ptr<Collector> NewProcessContainersCollector(ProcessContainersOptions options);

// "com.docker.swarm.service.name" -> "container_label_com_docker_swarm_service_name".
std::string ContainerLabelName(std::string_view docker_label);

}  // namespace vigie::collect
