// static_configs, file_sd_configs and dockerswarm_sd_configs.
#include "config/decode.h"
#include "scrape/discovery/config.h"

namespace vigie::config::internal {
namespace {

Status DecodeStaticConfig(const YAML::Node& n, size_t index, scrape::TargetGroup* out) {
  if (n.IsNull()) return ErrorAt(n, "empty or null section in static_configs");
  std::vector<std::string> targets;
  MapDecoder d(n, "static_config");
  d.StringList("targets", &targets).LabelMap("labels", &out->labels);
  VIGIE_RETURN_IF_ERROR(d.Finish());
  for (const std::string& t : targets) {
    out->targets.push_back(Labels{{scrape::kAddressLabel, t}});
  }
  out->source = std::to_string(index);
  return OkStatus();
}

// Prometheus's pattern: ^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$
bool IsValidFileSdPattern(std::string_view p) {
  const size_t star = p.find('*');
  if (star != std::string_view::npos) {
    const std::string_view rest = p.substr(star + 1);
    if (rest.find('*') != std::string_view::npos || rest.find('/') != std::string_view::npos) {
      return false;
    }
  }
  for (std::string_view ext : {".json", ".yml", ".yaml", ".JSON", ".YML", ".YAML"}) {
    if (p.size() > ext.size() && p.substr(p.size() - ext.size()) == ext) return true;
  }
  return false;
}

Status DecodeFileSdConfig(const YAML::Node& n, scrape::FileSdConfig* out) {
  MapDecoder d(n, "file_sd_config");
  d.StringList("files", &out->files).Duration("refresh_interval", &out->refresh_interval);
  VIGIE_RETURN_IF_ERROR(d.Finish());
  if (out->files.empty()) {
    return ErrorAt(n, "file service discovery config must contain at least one path name");
  }
  for (const std::string& f : out->files) {
    if (!IsValidFileSdPattern(f)) {
      return ErrorAt(n, "path name \"" + f + "\" is not valid for file discovery");
    }
  }
  return OkStatus();
}

Status DecodeSwarmFilter(const YAML::Node& n, scrape::DockerSwarmFilter* out) {
  MapDecoder d(n, "filter");
  d.String("name", &out->name).StringList("values", &out->values);
  return d.Finish();
}

Status DecodeDockerSwarmSdConfig(const YAML::Node& n, scrape::DockerSwarmSdConfig* out) {
  MapDecoder d(n, "dockerswarm_sd_config");
  std::string role;
  int64_t port = out->port;
  d.String("host", &out->host)
      .String("role", &role)
      .Int("port", &port)
      .Duration("refresh_interval", &out->refresh_interval)
      .Field("filters", [out](const YAML::Node& v) {
        return DecodeSequence(v, "filter", [out](const YAML::Node& item) -> Status {
          scrape::DockerSwarmFilter f;
          VIGIE_RETURN_IF_ERROR(DecodeSwarmFilter(item, &f));
          out->filters.push_back(std::move(f));
          return OkStatus();
        });
      });
  MarkUnsupportedHttpClientFields(d);
  d.Unsupported({"basic_auth", "host_networking_host", "match_first_network"});
  VIGIE_RETURN_IF_ERROR(d.Finish());
  if (out->host.empty()) return ErrorAt(n, "host missing");
  if (out->host.rfind("unix://", 0) != 0 && out->host.rfind("http://", 0) != 0 &&
      out->host.rfind("tcp://", 0) != 0) {
    return ErrorAt(n, "host \"" + out->host +
                          "\" is not supported: use unix:///var/run/docker.sock or "
                          "http://HOST:PORT (https is not supported)");
  }
  if (role == "tasks") {
    out->role = scrape::DockerSwarmRole::kTasks;
  } else if (role == "services") {
    out->role = scrape::DockerSwarmRole::kServices;
  } else if (role == "nodes") {
    out->role = scrape::DockerSwarmRole::kNodes;
  } else if (role.empty()) {
    return ErrorAt(n, "role missing (one of: tasks, services, nodes)");
  } else {
    return ErrorAt(n, "invalid role " + role + ", expected tasks, services, or nodes");
  }
  if (port < 0 || port > 65535) return ErrorAt(n, "port " + std::to_string(port) + " is invalid");
  out->port = static_cast<int>(port);
  return OkStatus();
}

}  // namespace

void DecodeDiscoveryFields(MapDecoder& d, scrape::DiscoveryConfigs* out) {
  d.Field("static_configs", [out](const YAML::Node& v) {
    return DecodeSequence(v, "static_config", [out](const YAML::Node& item) -> Status {
      scrape::TargetGroup g;
      VIGIE_RETURN_IF_ERROR(DecodeStaticConfig(item, out->static_configs.size(), &g));
      out->static_configs.push_back(std::move(g));
      return OkStatus();
    });
  });
  d.Field("file_sd_configs", [out](const YAML::Node& v) {
    return DecodeSequence(v, "file_sd_config", [out](const YAML::Node& item) -> Status {
      scrape::FileSdConfig c;
      VIGIE_RETURN_IF_ERROR(DecodeFileSdConfig(item, &c));
      out->file_sd_configs.push_back(std::move(c));
      return OkStatus();
    });
  });
  d.Field("dockerswarm_sd_configs", [out](const YAML::Node& v) {
    return DecodeSequence(v, "dockerswarm_sd_config", [out](const YAML::Node& item) -> Status {
      scrape::DockerSwarmSdConfig c;
      VIGIE_RETURN_IF_ERROR(DecodeDockerSwarmSdConfig(item, &c));
      out->dockerswarm_sd_configs.push_back(std::move(c));
      return OkStatus();
    });
  });
  d.Unsupported({"azure_sd_configs",     "consul_sd_configs",    "digitalocean_sd_configs",
                 "docker_sd_configs",    "dns_sd_configs",       "ec2_sd_configs",
                 "eureka_sd_configs",    "gce_sd_configs",       "hetzner_sd_configs",
                 "http_sd_configs",      "ionos_sd_configs",     "kubernetes_sd_configs",
                 "kuma_sd_configs",      "lightsail_sd_configs", "linode_sd_configs",
                 "marathon_sd_configs",  "nerve_sd_configs",     "nomad_sd_configs",
                 "openstack_sd_configs", "ovhcloud_sd_configs",  "puppetdb_sd_configs",
                 "scaleway_sd_configs",  "serverset_sd_configs", "triton_sd_configs",
                 "uyuni_sd_configs",     "vultr_sd_configs"});
}

}  // namespace vigie::config::internal
