// Container metrics from cgroups (v1 or v2, detected) with cAdvisor's names, types and labels:
// container_cpu_*, container_memory_*, container_spec_*, container_network_*, container_fs_*,
// container_processes, container_tasks_state, container_last_seen, container_start_time_seconds,
// each labelled id (the cgroup path), name, image and container_label_<sanitised Docker label>.
//
// Names, images and labels come from a docker::ContainerCache (kept current from the events
// stream, never queried per scrape); without one, containers are reported by id only.
// Samples come as encoded text (expfmt::MetricFamily::encoded_samples): each container's labels
// are encoded once, when they are built, not for every sample of every scrape.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "collect/collector.h"
#include "core/fs.h"
#include "core/time.h"

namespace vigie::docker {
class ContainerCache;
}

namespace vigie::collect {

struct ContainerCollectorOptions {
  std::string sysfs = "/sys";  // cgroups are read under <sysfs>/fs/cgroup
  std::string procfs = "/proc";
  // Not owned; null means the real file system. Must outlive the collector.
  fs::FileSystem* fs = nullptr;
  // Not owned, nullable: container names, images and labels. Must outlive the collector.
  const docker::ContainerCache* containers = nullptr;

  // Report the root cgroup as id="/" (cAdvisor does).
  bool include_root = true;
  // Also report every cgroup under these paths, by id (cAdvisor's
  // --raw_cgroup_prefix_whitelist), e.g. {"/system.slice"}.
  std::vector<std::string> raw_cgroup_prefixes;
  // More parents whose children named like a container id are containers (besides /docker and
  // /system.slice); `vigie demo` uses /vigie-demo.
  std::vector<std::string> extra_docker_parents;
  // Every Docker label as container_label_<name> (the Swarm dashboards need them).
  bool docker_labels = true;
  // container_tasks_state: asks the kernel's cgroupstats (taskstats netlink, see
  // cgroup_stats.h) when it can be reached from here and the file system is the real one;
  // otherwise reads /proc/<pid>/stat (and /proc/<pid>/task/<tid>/stat for multi-threaded
  // processes) of up to this many threads per container (0 disables the family).
  size_t max_tasks_per_container = 1024;
  bool use_cgroupstats = true;
  // Limits, quota and shares are re-read at most this often per container (they change only
  // with `docker update`).
  DurationMs spec_max_age_ms = 60'000;
  // Files kept open between scrapes (about 8 per container; each saves three system calls per
  // scrape). 0: half of the open-file limit (RLIMIT_NOFILE) less a reserve; the agent should
  // raise its soft limit to the hard one at start.
  size_t max_open_files = 0;
  // Seam for container_last_seen; null means the real clock.
  std::function<TimestampMs()> now;
};

// The collector is named "container" (--collector.container). It finds the cgroup layout
// lazily, so an agent without cgroups mounted still starts (the collector then fails each
// scrape with an error naming the path it looked at).
std::unique_ptr<Collector> NewContainerCollector(const ContainerCollectorOptions& options);

}  // namespace vigie::collect
