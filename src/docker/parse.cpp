#include "docker/parse.h"

#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

namespace vigie::docker {

namespace {

using json = nlohmann::json;

Result<json> Parse(std::string_view text, std::string_view what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("Docker API: " + std::string(what) + " is not JSON");
  return j;
}

// Field accessors that tolerate absent and null members and wrong types (they keep defaults).
const json* Member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string Str(const json& j, const char* key) {
  const json* m = Member(j, key);
  return m != nullptr && m->is_string() ? m->get<std::string>() : std::string();
}

int64_t Int(const json& j, const char* key) {
  const json* m = Member(j, key);
  if (m == nullptr || !m->is_number()) return 0;
  return m->is_number_float() ? static_cast<int64_t>(m->get<double>()) : m->get<int64_t>();
}

bool Bool(const json& j, const char* key) {
  const json* m = Member(j, key);
  return m != nullptr && m->is_boolean() && m->get<bool>();
}

const json& Obj(const json& j, const char* key) {
  static const json kEmpty = json::object();
  const json* m = Member(j, key);
  return m != nullptr && m->is_object() ? *m : kEmpty;
}

LabelMap Labels(const json& j) {
  LabelMap out;
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_string()) out.emplace(it.key(), it.value().get<std::string>());
  }
  return out;
}

std::string StripSlash(std::string s) {
  if (!s.empty() && s.front() == '/') s.erase(0, 1);
  return s;
}

TimestampMs Time(const json& j, const char* key) {
  auto t = ParseDockerTime(Str(j, key));
  return t.ok() ? *t : 0;
}

template <typename T, typename Fn>
Result<std::vector<T>> ParseArray(std::string_view text, std::string_view what, Fn&& one) {
  VIGIE_ASSIGN_OR_RETURN(json j, Parse(text, what));
  if (!j.is_array())
    return InvalidArgument("Docker API: " + std::string(what) + " is not a JSON array");
  std::vector<T> out;
  out.reserve(j.size());
  for (const auto& item : j) {
    if (item.is_object()) out.push_back(one(item));
  }
  return out;
}

bool ParseInt(std::string_view s, int64_t* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<TimestampMs> ParseDockerTime(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  auto bad = [&] { return InvalidArgument("bad Docker time \"" + std::string(s) + "\""); };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':') {
    return bad();
  }
  int64_t y, mo, d, h, mi, sec;
  if (!ParseInt(s.substr(0, 4), &y) || !ParseInt(s.substr(5, 2), &mo) ||
      !ParseInt(s.substr(8, 2), &d) || !ParseInt(s.substr(11, 2), &h) ||
      !ParseInt(s.substr(14, 2), &mi) || !ParseInt(s.substr(17, 2), &sec)) {
    return bad();
  }
  if (y <= 1) return TimestampMs{0};  // Go's zero time: never
  std::string_view rest = s.substr(19);
  int64_t ms = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits < 3) ms = ms * 10 + (rest.front() - '0');
      ++digits;
      rest.remove_prefix(1);
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 3; ++i) ms *= 10;
  }
  int64_t offset_s = 0;
  if (rest == "Z") {
    offset_s = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int64_t oh, om;
    if (!ParseInt(rest.substr(1, 2), &oh) || !ParseInt(rest.substr(4, 2), &om)) return bad();
    offset_s = (oh * 3600 + om * 60) * (rest[0] == '+' ? 1 : -1);
  } else {
    return bad();
  }
  std::tm tm{};
  tm.tm_year = static_cast<int>(y - 1900);
  tm.tm_mon = static_cast<int>(mo - 1);
  tm.tm_mday = static_cast<int>(d);
  tm.tm_hour = static_cast<int>(h);
  tm.tm_min = static_cast<int>(mi);
  tm.tm_sec = static_cast<int>(sec);
  int64_t epoch = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return epoch * 1000 + ms;
}

Result<std::vector<ContainerSummary>> ParseContainerList(std::string_view text) {
  return ParseArray<ContainerSummary>(text, "container list", [](const json& c) {
    ContainerSummary s;
    s.id = Str(c, "Id");
    if (const json* names = Member(c, "Names");
        names && names->is_array() && !names->empty() && (*names)[0].is_string()) {
      s.name = StripSlash((*names)[0].get<std::string>());
    }
    s.image = Str(c, "Image");
    s.state = Str(c, "State");
    s.labels = Labels(Obj(c, "Labels"));
    return s;
  });
}

Result<ContainerInfo> ParseContainerInspect(std::string_view text) {
  VIGIE_ASSIGN_OR_RETURN(json c, Parse(text, "container inspect"));
  if (!c.is_object()) return InvalidArgument("Docker API: container inspect is not a JSON object");
  ContainerInfo info;
  info.id = Str(c, "Id");
  info.name = StripSlash(Str(c, "Name"));
  info.created_ms = Time(c, "Created");
  info.restart_count = static_cast<int>(Int(c, "RestartCount"));
  const json& state = Obj(c, "State");
  info.status = Str(state, "Status");
  info.running = Bool(state, "Running");
  info.pid = static_cast<int>(Int(state, "Pid"));
  info.started_ms = Time(state, "StartedAt");
  const json& config = Obj(c, "Config");
  info.image = Str(config, "Image");
  info.labels = Labels(Obj(config, "Labels"));
  const json& host = Obj(c, "HostConfig");
  info.network_mode = Str(host, "NetworkMode");
  info.cgroup_parent = Str(host, "CgroupParent");
  return info;
}

Result<Info> ParseInfo(std::string_view text) {
  VIGIE_ASSIGN_OR_RETURN(json j, Parse(text, "info"));
  if (!j.is_object()) return InvalidArgument("Docker API: info is not a JSON object");
  Info i;
  i.id = Str(j, "ID");
  i.name = Str(j, "Name");
  i.server_version = Str(j, "ServerVersion");
  i.kernel_version = Str(j, "KernelVersion");
  i.operating_system = Str(j, "OperatingSystem");
  i.os_type = Str(j, "OSType");
  i.architecture = Str(j, "Architecture");
  i.driver = Str(j, "Driver");
  i.logging_driver = Str(j, "LoggingDriver");
  i.cgroup_driver = Str(j, "CgroupDriver");
  i.cgroup_version = Str(j, "CgroupVersion");
  i.ncpu = Int(j, "NCPU");
  i.mem_total = Int(j, "MemTotal");
  i.containers = Int(j, "Containers");
  i.containers_running = Int(j, "ContainersRunning");
  i.containers_paused = Int(j, "ContainersPaused");
  i.containers_stopped = Int(j, "ContainersStopped");
  i.images = Int(j, "Images");
  if (const json* labels = Member(j, "Labels"); labels && labels->is_array()) {
    for (const auto& l : *labels) {
      if (!l.is_string()) continue;
      std::string s = l.get<std::string>();
      size_t eq = s.find('=');
      if (eq == std::string::npos) {
        i.labels.emplace(s, "");
      } else {
        i.labels.emplace(s.substr(0, eq), s.substr(eq + 1));
      }
    }
  }
  const json& swarm = Obj(j, "Swarm");
  i.swarm_node_id = Str(swarm, "NodeID");
  i.swarm_node_addr = Str(swarm, "NodeAddr");
  i.swarm_local_node_state = Str(swarm, "LocalNodeState");
  i.swarm_control_available = Bool(swarm, "ControlAvailable");
  i.swarm_cluster_id = Str(Obj(swarm, "Cluster"), "ID");
  i.swarm_nodes = Int(swarm, "Nodes");
  i.swarm_managers = Int(swarm, "Managers");
  return i;
}

Result<Version> ParseVersion(std::string_view text) {
  VIGIE_ASSIGN_OR_RETURN(json j, Parse(text, "version"));
  if (!j.is_object()) return InvalidArgument("Docker API: version is not a JSON object");
  Version v;
  v.version = Str(j, "Version");
  v.api_version = Str(j, "ApiVersion");
  v.min_api_version = Str(j, "MinAPIVersion");
  v.git_commit = Str(j, "GitCommit");
  v.go_version = Str(j, "GoVersion");
  v.os = Str(j, "Os");
  v.arch = Str(j, "Arch");
  v.kernel_version = Str(j, "KernelVersion");
  return v;
}

Result<std::vector<Node>> ParseNodes(std::string_view text) {
  return ParseArray<Node>(text, "node list", [](const json& n) {
    Node node;
    node.id = Str(n, "ID");
    const json& spec = Obj(n, "Spec");
    node.role = Str(spec, "Role");
    node.availability = Str(spec, "Availability");
    node.labels = Labels(Obj(spec, "Labels"));
    const json& desc = Obj(n, "Description");
    node.hostname = Str(desc, "Hostname");
    node.engine_version = Str(Obj(desc, "Engine"), "EngineVersion");
    const json& status = Obj(n, "Status");
    node.state = Str(status, "State");
    node.addr = Str(status, "Addr");
    const json& manager = Obj(n, "ManagerStatus");
    node.leader = Bool(manager, "Leader");
    node.manager_reachability = Str(manager, "Reachability");
    return node;
  });
}

Result<std::vector<Service>> ParseServices(std::string_view text) {
  return ParseArray<Service>(text, "service list", [](const json& s) {
    Service svc;
    svc.id = Str(s, "ID");
    const json& spec = Obj(s, "Spec");
    svc.name = Str(spec, "Name");
    svc.labels = Labels(Obj(spec, "Labels"));
    const json& mode = Obj(spec, "Mode");
    if (Member(mode, "Replicated")) {
      svc.mode = "replicated";
      svc.desired_replicas = static_cast<uint64_t>(Int(Obj(mode, "Replicated"), "Replicas"));
    } else if (Member(mode, "Global")) {
      svc.mode = "global";
    } else if (Member(mode, "ReplicatedJob")) {
      svc.mode = "replicated-job";
    } else if (Member(mode, "GlobalJob")) {
      svc.mode = "global-job";
    }
    return svc;
  });
}

Result<std::vector<Task>> ParseTasks(std::string_view text) {
  return ParseArray<Task>(text, "task list", [](const json& t) {
    Task task;
    task.id = Str(t, "ID");
    task.service_id = Str(t, "ServiceID");
    task.node_id = Str(t, "NodeID");
    task.slot = Int(t, "Slot");
    task.desired_state = Str(t, "DesiredState");
    const json& status = Obj(t, "Status");
    task.state = Str(status, "State");
    task.container_id = Str(Obj(status, "ContainerStatus"), "ContainerID");
    return task;
  });
}

Result<Event> ParseEvent(std::string_view text) {
  VIGIE_ASSIGN_OR_RETURN(json j, Parse(text, "event"));
  if (!j.is_object()) return InvalidArgument("Docker API: event is not a JSON object");
  Event e;
  e.type = Str(j, "Type");
  e.action = Str(j, "Action");
  const json& actor = Obj(j, "Actor");
  e.actor_id = Str(actor, "ID");
  e.attributes = Labels(Obj(actor, "Attributes"));
  e.time_nano = Int(j, "timeNano");
  // Engines before API 1.22 sent only "status" and "id".
  if (e.action.empty()) e.action = Str(j, "status");
  if (e.actor_id.empty()) e.actor_id = Str(j, "id");
  return e;
}

std::string ParseErrorMessage(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_discarded()) {
    std::string m = Str(j, "message");
    if (!m.empty()) return m;
  }
  std::string s(body.substr(0, 200));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace vigie::docker
