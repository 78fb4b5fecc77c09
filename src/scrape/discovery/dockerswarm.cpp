#include "scrape/discovery/dockerswarm.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/log.h"
#include "docker/client.h"
#include "net/http_client.h"

namespace vigie::scrape {
namespace {

using json = nlohmann::json;
using LabelMap = std::map<std::string, std::string>;

constexpr std::string_view kApiPrefix = "/v1.41";

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return it->dump();
}

const json& Obj(const json& j, const char* key) {
  static const json kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string M(std::string_view suffix) {
  return std::string(kSwarmLabelPrefix) + std::string(suffix);
}

void AddPrefixedLabels(const json& labels, std::string_view prefix, LabelMap* out) {
  if (!labels.is_object()) return;
  for (auto it = labels.begin(); it != labels.end(); ++it) {
    if (!it->is_string()) continue;
    (*out)[M(prefix) + SanitizeLabelName(it.key())] = it->get<std::string>();
  }
}

std::string HostPort(std::string_view host, uint64_t port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  return out + ":" + std::to_string(port);
}

std::string IpOfCidr(std::string_view cidr) { return std::string(cidr.substr(0, cidr.find('/'))); }

Labels ToLabels(const LabelMap& m) {
  std::vector<Label> v;
  v.reserve(m.size());
  for (const auto& [k, val] : m) {
    if (!val.empty()) v.push_back({k, val});
  }
  return Labels::FromSorted(std::move(v));
}

Result<json> ParseList(const std::string& body, std::string_view what) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    return InvalidArgument("Docker engine: malformed " + std::string(what) + " list");
  }
  return j;
}

std::map<std::string, LabelMap> NetworkLabels(const json& networks) {
  std::map<std::string, LabelMap> out;
  for (const json& n : networks) {
    const std::string id = Str(n, "Id");
    LabelMap& m = out[id];
    m[M("network_id")] = id;
    m[M("network_name")] = Str(n, "Name");
    m[M("network_scope")] = Str(n, "Scope");
    m[M("network_internal")] = Str(n, "Internal") == "true" ? "true" : "false";
    m[M("network_ingress")] = Str(n, "Ingress") == "true" ? "true" : "false";
    AddPrefixedLabels(Obj(n, "Labels"), "network_label_", &m);
  }
  return out;
}

std::string ServiceMode(const json& s) {
  const json& mode = Obj(Obj(s, "Spec"), "Mode");
  if (mode.contains("Global")) return "global";
  if (mode.contains("Replicated")) return "replicated";
  return "";
}

// Labels of a node; `full` adds what only the nodes role shows.
LabelMap NodeLabels(const json& n, bool full) {
  LabelMap m;
  const json& spec = Obj(n, "Spec");
  const json& desc = Obj(n, "Description");
  const json& status = Obj(n, "Status");
  m[M("node_id")] = Str(n, "ID");
  m[M("node_role")] = Str(spec, "Role");
  m[M("node_availability")] = Str(spec, "Availability");
  m[M("node_hostname")] = Str(desc, "Hostname");
  m[M("node_platform_architecture")] = Str(Obj(desc, "Platform"), "Architecture");
  m[M("node_platform_os")] = Str(Obj(desc, "Platform"), "OS");
  m[M("node_status")] = Str(status, "State");
  m[M("node_address")] = Str(status, "Addr");
  if (full) {
    m[M("node_engine_version")] = Str(Obj(desc, "Engine"), "EngineVersion");
    const json& ms = Obj(n, "ManagerStatus");
    if (ms.is_object()) {
      m[M("node_manager_leader")] = Str(ms, "Leader") == "true" ? "true" : "false";
      m[M("node_manager_reachability")] = Str(ms, "Reachability");
      m[M("node_manager_address")] = Str(ms, "Addr");
    }
  }
  AddPrefixedLabels(Obj(spec, "Labels"), "node_label_", &m);
  return m;
}

LabelMap ServiceLabels(const json& s) {
  LabelMap m;
  m[M("service_id")] = Str(s, "ID");
  m[M("service_name")] = Str(Obj(s, "Spec"), "Name");
  m[M("service_mode")] = ServiceMode(s);
  AddPrefixedLabels(Obj(Obj(s, "Spec"), "Labels"), "service_label_", &m);
  return m;
}

struct Port {
  std::string name, protocol, publish_mode;
  uint64_t published = 0;
};

std::vector<Port> Ports(const json& ports) {
  std::vector<Port> out;
  if (!ports.is_array()) return out;
  for (const json& p : ports) {
    Port port{Str(p, "Name"), Str(p, "Protocol"), Str(p, "PublishMode"), 0};
    auto it = p.find("PublishedPort");
    if (it != p.end() && it->is_number_unsigned()) port.published = it->get<uint64_t>();
    if (it != p.end() && it->is_number_integer() && it->get<int64_t>() > 0) {
      port.published = static_cast<uint64_t>(it->get<int64_t>());
    }
    out.push_back(std::move(port));
  }
  return out;
}

void AddTarget(LabelMap m, std::string address, TargetGroup* g) {
  m[std::string(kAddressLabel)] = std::move(address);
  g->targets.push_back(ToLabels(m));
}

// docker::Transport over TCP (http://host:port), for engines that listen on a port.
class HttpTransport final : public docker::Transport {
 public:
  HttpTransport(std::string base, DurationMs timeout)
      : base_(std::move(base)), client_(MakeOptions(timeout)) {}
  Result<docker::HttpResponse> Request(std::string_view method, std::string_view target) override {
    net::ClientRequest req;
    req.method = std::string(method);
    req.url = base_ + std::string(target);
    VIGIE_ASSIGN_OR_RETURN(net::ClientResponse r, client_.Do(req));
    return docker::HttpResponse{r.status, std::move(r.body)};
  }
  Status Stream(std::string_view, const std::function<bool(std::string_view)>&) override {
    return Unimplemented("streaming over http is not used by service discovery");
  }
  void Cancel() override {}

 private:
  static net::ClientOptions MakeOptions(DurationMs timeout) {
    net::ClientOptions o;
    o.timeout = std::chrono::milliseconds(timeout);
    return o;
  }
  std::string base_;
  net::HttpClient client_;
};

}  // namespace

std::string SanitizeLabelName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return out;
}

DockerSwarmDiscoverer::DockerSwarmDiscoverer(DockerSwarmSdConfig cfg,
                                             std::unique_ptr<docker::Transport> transport)
    : cfg_(std::move(cfg)), transport_(std::move(transport)) {}

Result<std::string> DockerSwarmDiscoverer::Get(std::string_view path, bool filtered) {
  std::string target = std::string(kApiPrefix) + std::string(path);
  if (filtered && !cfg_.filters.empty()) {
    docker::Filters f;
    for (const auto& flt : cfg_.filters) {
      auto& v = f[flt.name];
      v.insert(v.end(), flt.values.begin(), flt.values.end());
    }
    target += "?filters=" + docker::EncodeFilters(f);
  }
  VIGIE_ASSIGN_OR_RETURN(docker::HttpResponse r, transport_->Request("GET", target));
  if (r.status < 200 || r.status >= 300) {
    json j = json::parse(r.body, nullptr, false);
    std::string msg = j.is_object() ? Str(j, "message") : r.body;
    return Unavailable("Docker engine at " + cfg_.host + ": GET " + target + ": HTTP " +
                       std::to_string(r.status) + ": " + msg);
  }
  return std::move(r.body);
}

Result<TargetGroup> DockerSwarmDiscoverer::Refresh() {
  TargetGroup g;
  g.source = "DockerSwarm";
  if (cfg_.role == DockerSwarmRole::kNodes) {
    VIGIE_ASSIGN_OR_RETURN(std::string body, Get("/nodes", true));
    VIGIE_ASSIGN_OR_RETURN(json nodes, ParseList(body, "node"));
    for (const json& n : nodes) {
      LabelMap m = NodeLabels(n, true);
      const std::string addr = m[M("node_address")];
      AddTarget(std::move(m), HostPort(addr, static_cast<uint64_t>(cfg_.port)), &g);
    }
    return g;
  }
  VIGIE_ASSIGN_OR_RETURN(std::string net_body, Get("/networks", false));
  VIGIE_ASSIGN_OR_RETURN(json networks, ParseList(net_body, "network"));
  const auto network_labels = NetworkLabels(networks);
  const auto labels_of_network = [&](const std::string& id) -> const LabelMap* {
    auto it = network_labels.find(id);
    return it == network_labels.end() ? nullptr : &it->second;
  };

  if (cfg_.role == DockerSwarmRole::kServices) {
    VIGIE_ASSIGN_OR_RETURN(std::string body, Get("/services", true));
    VIGIE_ASSIGN_OR_RETURN(json services, ParseList(body, "service"));
    for (const json& s : services) {
      LabelMap common = ServiceLabels(s);
      const json& cs = Obj(Obj(Obj(s, "Spec"), "TaskTemplate"), "ContainerSpec");
      if (cs.is_object()) {
        common[M("service_task_container_hostname")] = Str(cs, "Hostname");
        common[M("service_task_container_image")] = Str(cs, "Image");
      }
      const json& us = Obj(s, "UpdateStatus");
      if (us.is_object()) common[M("service_updating_status")] = Str(us, "State");
      const json& endpoint = Obj(s, "Endpoint");
      const std::vector<Port> ports = Ports(Obj(endpoint, "Ports"));
      const json& vips = Obj(endpoint, "VirtualIPs");
      if (!vips.is_array()) continue;
      for (const json& vip : vips) {
        const std::string ip = IpOfCidr(Str(vip, "Addr"));
        LabelMap base = common;
        if (const LabelMap* nl = labels_of_network(Str(vip, "NetworkID"))) {
          base.insert(nl->begin(), nl->end());
        }
        bool added = false;
        for (const Port& p : ports) {
          if (p.protocol != "tcp") continue;
          LabelMap m = base;
          m[M("service_endpoint_port_name")] = p.name;
          m[M("service_endpoint_port_publish_mode")] = p.publish_mode;
          AddTarget(std::move(m), HostPort(ip, p.published), &g);
          added = true;
        }
        if (!added) AddTarget(base, HostPort(ip, static_cast<uint64_t>(cfg_.port)), &g);
      }
    }
    return g;
  }

  // Tasks: joined with (unfiltered) services and nodes.
  VIGIE_ASSIGN_OR_RETURN(std::string svc_body, Get("/services", false));
  VIGIE_ASSIGN_OR_RETURN(json services, ParseList(svc_body, "service"));
  std::map<std::string, LabelMap> service_labels;
  std::map<std::string, std::vector<Port>> service_ports;
  for (const json& s : services) {
    const std::string id = Str(s, "ID");
    service_labels[id] = ServiceLabels(s);
    service_ports[id] = Ports(Obj(Obj(s, "Endpoint"), "Ports"));
  }
  VIGIE_ASSIGN_OR_RETURN(std::string node_body, Get("/nodes", false));
  VIGIE_ASSIGN_OR_RETURN(json nodes, ParseList(node_body, "node"));
  std::map<std::string, LabelMap> node_labels;
  for (const json& n : nodes) node_labels[Str(n, "ID")] = NodeLabels(n, false);

  VIGIE_ASSIGN_OR_RETURN(std::string body, Get("/tasks", true));
  VIGIE_ASSIGN_OR_RETURN(json tasks, ParseList(body, "task"));
  for (const json& t : tasks) {
    const json& status = Obj(t, "Status");
    LabelMap common;
    common[M("task_id")] = Str(t, "ID");
    common[M("task_desired_state")] = Str(t, "DesiredState");
    common[M("task_state")] = Str(status, "State");
    common[M("task_slot")] = Str(t, "Slot").empty() ? "0" : Str(t, "Slot");
    const json& cst = Obj(status, "ContainerStatus");
    if (cst.is_object()) common[M("task_container_id")] = Str(cst, "ContainerID");
    AddPrefixedLabels(Obj(Obj(Obj(t, "Spec"), "ContainerSpec"), "Labels"), "container_label_",
                      &common);
    const std::string service_id = Str(t, "ServiceID");
    if (auto it = service_labels.find(service_id); it != service_labels.end()) {
      for (const auto& [k, v] : it->second) common[k] = v;
    }
    if (auto it = node_labels.find(Str(t, "NodeID")); it != node_labels.end()) {
      for (const auto& [k, v] : it->second) common[k] = v;
    }
    // Ports published in host mode: reachable at the node's address.
    for (const Port& p : Ports(Obj(Obj(status, "PortStatus"), "Ports"))) {
      if (p.protocol != "tcp") continue;
      LabelMap m = common;
      m[M("task_port_publish_mode")] = p.publish_mode;
      const std::string node_addr = m[M("node_address")];
      AddTarget(std::move(m), HostPort(node_addr, p.published), &g);
    }
    const json& attachments = Obj(t, "NetworksAttachments");
    if (!attachments.is_array()) continue;
    const auto sp = service_ports.find(service_id);
    for (const json& a : attachments) {
      const std::string network_id = Str(Obj(a, "Network"), "ID");
      const json& addrs = Obj(a, "Addresses");
      if (!addrs.is_array()) continue;
      for (const json& addr : addrs) {
        if (!addr.is_string()) continue;
        const std::string ip = IpOfCidr(addr.get<std::string>());
        LabelMap base = common;
        if (const LabelMap* nl = labels_of_network(network_id)) {
          for (const auto& [k, v] : *nl) base[k] = v;
        }
        bool added = false;
        if (sp != service_ports.end()) {
          for (const Port& p : sp->second) {
            if (p.protocol != "tcp") continue;
            LabelMap m = base;
            m[M("task_port_publish_mode")] = p.publish_mode;
            AddTarget(std::move(m), HostPort(ip, p.published), &g);
            added = true;
          }
        }
        if (!added) AddTarget(base, HostPort(ip, static_cast<uint64_t>(cfg_.port)), &g);
      }
    }
  }
  return g;
}

void DockerSwarmDiscoverer::Run(std::stop_token stop, const TargetGroupsSink& send) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::optional<TargetGroup> last;
  while (!stop.stop_requested()) {
    auto g = Refresh();
    if (g.ok()) {
      if (!last || !(*last == *g)) {  // only changes reach the scrape manager
        last = *g;
        send({std::move(*g)});
      }
    } else {
      log::Error("dockerswarm_sd: refresh failed, keeping previous targets",
                 {{"host", cfg_.host},
                  {"role", std::string(DockerSwarmRoleName(cfg_.role))},
                  {"err", g.error().message()}});
    }
    std::unique_lock lock(mu);
    cv.wait_for(lock, stop, std::chrono::milliseconds(cfg_.refresh_interval), [] { return false; });
  }
}

Result<std::unique_ptr<Discoverer>> NewDockerSwarmDiscoverer(const DockerSwarmSdConfig& cfg) {
  constexpr DurationMs kTimeout = 30000;
  std::unique_ptr<docker::Transport> transport;
  if (cfg.host.rfind("unix://", 0) == 0) {
    transport = docker::NewUnixSocketTransport(cfg.host.substr(7), kTimeout);
  } else if (cfg.host.rfind("http://", 0) == 0) {
    std::string base = cfg.host;
    while (!base.empty() && base.back() == '/') base.pop_back();
    transport = std::make_unique<HttpTransport>(base, kTimeout);
  } else if (cfg.host.rfind("tcp://", 0) == 0) {
    transport = std::make_unique<HttpTransport>("http://" + cfg.host.substr(6), kTimeout);
  } else {
    return InvalidArgument("dockerswarm_sd: unsupported host \"" + cfg.host + "\"");
  }
  return std::unique_ptr<Discoverer>(
      std::make_unique<DockerSwarmDiscoverer>(cfg, std::move(transport)));
}

}  // namespace vigie::scrape
