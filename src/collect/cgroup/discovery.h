// Finds the cgroups to report: Docker containers under both cgroup drivers' layouts
// (cgroupfs: /docker/<id>; systemd: /system.slice/docker-<id>.scope), optionally every cgroup
// under some prefixes (cAdvisor's --raw_cgroup_prefix_whitelist), and the root "/".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collect/cgroup/reader.h"
#include "core/result.h"

namespace vigie::collect::cgroup {

struct DiscoveredCgroup {
  std::string path;       // cAdvisor's id label: "/docker/<id>", "/", "/system.slice/x.service"
  std::string docker_id;  // full container id when the path is a Docker container's, else ""
};

struct DiscoveryOptions {
  bool include_root = true;
  // Parents whose children named like a container id are Docker containers.
  std::vector<std::string> docker_parents = {"/docker", "/system.slice"};
  // Also every cgroup below these paths (recursively, at most 4 levels), reported by id.
  std::vector<std::string> raw_prefixes;
};

// The Docker container id in a cgroup directory name: "<64 hex>" (cgroupfs driver) or
// "docker-<64 hex>.scope" (systemd driver); "" for anything else.
std::string_view DockerIdFromCgroupName(std::string_view name);

// Lists the cgroups to report, sorted by path, without duplicates.
Result<std::vector<DiscoveredCgroup>> DiscoverCgroups(CgroupReader& reader,
                                                      const DiscoveryOptions& options);

// The same, for every scrape: reuses the strings of *out and of `names` (scratch), so that an
// unchanged set of containers costs no allocation.
Status DiscoverCgroups(CgroupReader& reader, const DiscoveryOptions& options,
                       std::vector<std::string>* names, std::vector<DiscoveredCgroup>* out);

}  // namespace vigie::collect::cgroup
