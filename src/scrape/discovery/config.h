// Service discovery configuration, as in prometheus.yml: static_configs, file_sd_configs and
// dockerswarm_sd_configs. Plain values, filled by config/ and compared on reload so that an
// unchanged job keeps its discoverers.
#pragma once

#include <string>
#include <vector>

#include "core/time.h"
#include "scrape/discovery/target_group.h"

namespace vigie::scrape {

// file_sd_configs: JSON (.json) or YAML (.yml, .yaml) files holding a list of
// {targets: [...], labels: {...}}; the last path component may be a glob ("targets/*.json").
struct FileSdConfig {
  std::vector<std::string> files;  // absolute after loading (relative to the config file)
  DurationMs refresh_interval = 5 * 60 * 1000;

  friend bool operator==(const FileSdConfig&, const FileSdConfig&) = default;
};

enum class DockerSwarmRole { kTasks, kServices, kNodes };
std::string_view DockerSwarmRoleName(DockerSwarmRole r);

struct DockerSwarmFilter {
  std::string name;
  std::vector<std::string> values;

  friend bool operator==(const DockerSwarmFilter&, const DockerSwarmFilter&) = default;
};

// dockerswarm_sd_configs: discovers tasks, services or nodes of the Swarm the Docker engine at
// `host` belongs to (a manager node).
struct DockerSwarmSdConfig {
  std::string host;  // "unix:///var/run/docker.sock" (or "http://127.0.0.1:2375")
  DockerSwarmRole role = DockerSwarmRole::kTasks;
  int port = 80;  // used when a task or service publishes no port
  std::vector<DockerSwarmFilter> filters;
  DurationMs refresh_interval = 60 * 1000;

  friend bool operator==(const DockerSwarmSdConfig&, const DockerSwarmSdConfig&) = default;
};

// Everything a job (or an Alertmanager set) discovers its targets from.
struct DiscoveryConfigs {
  std::vector<TargetGroup> static_configs;  // source "0", "1", ... in order
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<DockerSwarmSdConfig> dockerswarm_sd_configs;

  bool empty() const {
    return static_configs.empty() && file_sd_configs.empty() && dockerswarm_sd_configs.empty();
  }
  friend bool operator==(const DiscoveryConfigs&, const DiscoveryConfigs&) = default;
};

}  // namespace vigie::scrape
