// `vigie agent`: one per node. Host metrics (node-exporter's names), container metrics
// (cAdvisor's names), Docker engine and Swarm facts, and node_meta on one /metrics endpoint,
// plus the agent's own process and request metrics (docs/agent-node.md,
// docs/agent-containers.md). Flags mirror node-exporter's (--path.*, --collector.<name>,
// --no-collector.<name>, --collector.disable-defaults, the filter regexes).
//
// The default listen address is :9101, next to node-exporter's :9100, so both can run on one
// host while comparing them.
#include <malloc.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cmd/command.h"
#include "collect/cgroup/container_collector.h"
#include "collect/collector_set.h"
#include "collect/engine/dockerd_relay.h"
#include "collect/engine/engine_collector.h"
#include "collect/node.h"
#include "collect/node_meta.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/time.h"
#include "docker/client.h"
#include "docker/container_cache.h"
#include "docker/event_watcher.h"
#include "instrument/collector.h"
#include "instrument/http_metrics.h"
#include "instrument/process_collector.h"
#include "instrument/registry.h"
#include "net/http_server.h"
#include "net/signals.h"

namespace vigie::cmd {

namespace {

struct AgentFlags {
  std::string listen_address = ":9101";
  std::string telemetry_path = "/metrics";
  collect::NodeOptions node;
  std::string docker_socket = "/var/run/docker.sock";
  std::string dockerd_metrics_socket = "/var/run/docker/metrics.sock";
  bool no_docker = false;
  // Containers known without Docker (vigie demo): extra cgroup parents and a JSON file of
  // [{"id", "name", "image", "labels": {...}}] naming them.
  std::vector<std::string> container_parents;
  std::string metadata_file;
  bool disable_defaults = false;
  bool cpu_guest = true;
  bool no_cpu_guest = false;
  bool netdev_netlink = true;
  bool no_netdev_netlink = false;
  // Per collector: explicitly enabled, explicitly disabled.
  std::map<std::string, std::pair<bool, bool>> toggles;
  bool diskstats_exclude_set = false;
  bool netdev_exclude_set = false;
  std::string mount_timeout = "5s";
};

// Reads [{"id": "<64 hex>", "name": ..., "image": ..., "labels": {...}}] (written by vigie demo).
Result<std::vector<docker::ContainerInfo>> LoadContainerMetadata(const std::string& path) {
  auto text = fs::Real().ReadFile(path);
  if (!text.ok()) return text.error().Wrap("--collector.container.metadata-file");
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    return InvalidArgument("--collector.container.metadata-file " + path + ": not a JSON list");
  }
  std::vector<docker::ContainerInfo> out;
  for (const auto& e : j) {
    docker::ContainerInfo info;
    info.id = e.value("id", "");
    info.name = e.value("name", "");
    info.image = e.value("image", "");
    info.running = true;
    if (e.contains("labels") && e["labels"].is_object()) {
      for (const auto& [k, v] : e["labels"].items()) {
        if (v.is_string()) info.labels[k] = v.get<std::string>();
      }
    }
    if (info.id.empty())
      return InvalidArgument("--collector.container.metadata-file " + path +
                             ": an entry has no id");
    out.push_back(std::move(info));
  }
  return out;
}

struct CollectorFlagInfo {
  std::string name;
  bool default_enabled;
  std::string help;
};

std::vector<CollectorFlagInfo> AllCollectors() {
  std::vector<CollectorFlagInfo> out;
  for (const auto& i : collect::NodeCollectorInfos()) {
    out.push_back({std::string(i.name), i.default_enabled, std::string(i.help)});
  }
  out.push_back({"node_meta", true, "node_meta{node_id,node_name} for Swarm dashboard joins"});
  out.push_back({"container", true, "container_* from cgroups, named from the Docker API"});
  out.push_back({"engine", true, "Docker engine and Swarm facts from the Docker API"});
  // Off by default: unlike the others it asks dockerd at every scrape (docs/agent-containers.md).
  out.push_back({"dockerd", false,
                 "dockerd's own metrics (engine_daemon_*, swarm_*, ...) relayed from its metrics "
                 "plugin socket, with no --metrics-addr"});
  return out;
}

bool Enabled(const AgentFlags& f, const CollectorFlagInfo& c) {
  auto it = f.toggles.find(c.name);
  bool on = it != f.toggles.end() && it->second.first;
  bool off = it != f.toggles.end() && it->second.second;
  if (off) return false;
  if (on) return true;
  return c.default_enabled && !f.disable_defaults;
}

// The CollectorSet seen by the registry as one instrument collector.
class CollectorSetAdapter final : public instrument::Collector {
 public:
  explicit CollectorSetAdapter(collect::CollectorSet& set) : set_(set) {}
  void Collect(std::vector<expfmt::MetricFamily>* out) override { set_.Gather(out); }

 private:
  collect::CollectorSet& set_;
};

bool SocketExists(const std::string& path) { return !path.empty() && fs::Real().Exists(path); }

// Each scrape allocates and frees the same few hundred kB (families, the response, the gzip
// state). glibc would hand that back to the kernel after every scrape (madvise, then page faults
// on the next one: most of a scrape's CPU on a VM) and spread it over one arena per thread.
// Keep it: one arena, no trimming below 16 MiB, no mmap for blocks under 4 MiB.
void TuneMallocForScrapes() {
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

// The container collector keeps about eight files open per container between scrapes (and
// batches their reads); with the common soft limit of 1024 most would be read the slow way.
// Raise the soft limit to the hard one, as Go programs like node-exporter do at start.
void RaiseOpenFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int RunAgent(AgentFlags& f) {
  TuneMallocForScrapes();
  RaiseOpenFileLimit();
  // node-exporter 1.5 refuses an include regex next to the default exclude; we drop the default
  // exclude when only an include was given.
  if (!f.node.diskstats_device_include.empty() && !f.diskstats_exclude_set) {
    f.node.diskstats_device_exclude.clear();
  }
  if (!f.node.netdev_device_include.empty() && !f.netdev_exclude_set) {
    f.node.netdev_device_exclude.clear();
  }
  f.node.cpu_guest = f.cpu_guest && !f.no_cpu_guest;
  f.node.netdev_netlink = f.netdev_netlink && !f.no_netdev_netlink;
  auto mount_timeout = ParseDuration(f.mount_timeout);
  if (!mount_timeout.ok() || *mount_timeout <= 0) {
    std::cerr << "vigie agent: --collector.filesystem.mount-timeout: "
              << (mount_timeout.ok() ? "must be positive" : mount_timeout.error().message())
              << "\n";
    return kExitUsage;
  }
  f.node.filesystem_mount_timeout = std::chrono::milliseconds(*mount_timeout);

  auto registry = std::make_unique<instrument::Registry>();
  if (auto st = registry->RegisterCollector(std::make_unique<instrument::ProcessCollector>());
      !st.ok()) {
    std::cerr << "vigie agent: " << st.error().message() << "\n";
    return kExitError;
  }
  (void)registry->RegisterCallbackGauge(
      instrument::MetricOpts{.name = "vigie_build_info",
                             .help = "A metric with a constant '1' value labeled by version.",
                             .const_labels = Labels{{"version", VIGIE_VERSION}}},
      [] { return 1.0; });
  auto http_metrics = instrument::HttpMetrics::Register(*registry, {.prefix = "vigie_agent_"});
  if (!http_metrics.ok()) {
    std::cerr << "vigie agent: " << http_metrics.error().message() << "\n";
    return kExitError;
  }

  // Docker: optional. Without a socket, node_meta has an empty node_id and containers are
  // reported by cgroup id only.
  std::unique_ptr<docker::Client> docker_client, watcher_client;
  std::unique_ptr<docker::ContainerCache> container_cache;
  std::unique_ptr<docker::EventWatcher> watcher;
  if (f.no_docker) f.docker_socket.clear();
  bool have_docker = SocketExists(f.docker_socket);
  // Engine facts (GET /info, ...) are shared by the engine collector and node_meta, fetched on
  // demand and cached, so scrapes do not turn into API calls.
  std::shared_ptr<collect::EngineFacts> engine_facts;
  auto facts = [&]() {
    if (!engine_facts) {
      docker_client = docker::Client::Open({.socket_path = f.docker_socket});
      engine_facts = std::make_shared<collect::EngineFacts>(*docker_client);
    }
    return engine_facts;
  };
  if (!f.docker_socket.empty() && !have_docker) {
    log::Info("no Docker socket; containers are reported by cgroup id only",
              {{"socket", f.docker_socket}});
  }

  collect::CollectorSet set;
  std::vector<std::string> enabled;
  for (const auto& c : AllCollectors()) {
    if (!Enabled(f, c)) continue;
    enabled.push_back(c.name);
    if (c.name == "node_meta") {
      collect::NodeMetaOptions o;
      o.rootfs = f.node.paths.rootfs;
      if (have_docker) o.node_id = collect::SwarmNodeIdProvider(facts());
      set.Add(collect::NewNodeMetaCollector(std::move(o)));
      continue;
    }
    if (c.name == "engine") {
      if (!have_docker) {
        log::Info("engine collector off: no Docker socket", {{"socket", f.docker_socket}});
        enabled.pop_back();
        continue;
      }
      set.Add(collect::NewEngineCollector(facts()));
      continue;
    }
    if (c.name == "dockerd") {
      if (!have_docker) {
        log::Info("dockerd collector off: no Docker socket", {{"socket", f.docker_socket}});
        enabled.pop_back();
        continue;
      }
      collect::DockerdRelayOptions o;
      o.socket_path = f.dockerd_metrics_socket;
      // The engine collector's families come from the API; dockerd's copies are left out.
      if (std::find(enabled.begin(), enabled.end(), "engine") != enabled.end()) {
        for (auto name : collect::EngineFamilyNames()) o.skip.emplace(name);
      }
      set.Add(collect::NewDockerdRelayCollector(std::move(o)));
      continue;
    }
    if (c.name == "container") {
      collect::ContainerCollectorOptions o;
      o.sysfs = f.node.paths.sysfs;
      o.procfs = f.node.paths.procfs;
      if (have_docker) {
        watcher_client = docker::Client::Open({.socket_path = f.docker_socket});
        container_cache = std::make_unique<docker::ContainerCache>();
        watcher = std::make_unique<docker::EventWatcher>(*watcher_client, *container_cache);
        o.containers = container_cache.get();
      }
      o.extra_docker_parents = f.container_parents;
      if (!f.metadata_file.empty()) {
        auto infos = LoadContainerMetadata(f.metadata_file);
        if (!infos.ok()) {
          std::cerr << "vigie agent: " << infos.error().message() << "\n";
          return kExitUsage;
        }
        if (!container_cache) container_cache = std::make_unique<docker::ContainerCache>();
        for (auto& info : *infos) container_cache->Pin(std::move(info));
        o.containers = container_cache.get();
      }
      set.Add(collect::NewContainerCollector(o));
      continue;
    }
    auto collector = collect::NewNodeCollector(c.name, f.node);
    if (!collector.ok()) {
      std::cerr << "vigie agent: collector " << c.name << ": " << collector.error().message()
                << "\n";
      return kExitUsage;
    }
    set.Add(std::move(*collector));
  }
  if (auto st = registry->RegisterCollector(std::make_unique<CollectorSetAdapter>(set)); !st.ok()) {
    std::cerr << "vigie agent: " << st.error().message() << "\n";
    return kExitError;
  }

  net::ServerOptions server_options;
  server_options.listen_addresses = {f.listen_address};
  server_options.name = "vigie agent";
  // gzip level 1: a third of level 5's CPU for a 20% larger body, on a scrape every few seconds.
  server_options.gzip_level = 1;
  // One thread: scrapes are serialised by the registry anyway, the handlers never block on the
  // network, and with several threads Asio hands each socket event to another thread (a futex
  // wake and a context switch per event: a third of the agent's CPU per scrape).
  server_options.threads = 1;
  instrument::HttpMetrics* metrics = http_metrics->get();
  server_options.observer = [metrics](std::string_view route, std::string_view method, int status,
                                      double seconds, size_t bytes) {
    metrics->Observe(route.empty() ? "other" : route, method, status, seconds, bytes);
  };
  auto server = net::HttpServer::Open(server_options);
  if (!server.ok()) {
    std::cerr << "vigie agent: " << server.error().message() << "\n";
    return kExitError;
  }
  instrument::Registry* reg = registry.get();
  (*server)->router().Get(f.telemetry_path, [reg](const net::Request& req, net::Response& res) {
    auto rendered = reg->RenderForAccept(req.Accept());
    res.status = 200;
    res.SetHeader("Content-Type", rendered.content_type);
    res.body = std::move(rendered.body);
  });
  const std::string telemetry_path = f.telemetry_path;
  (*server)->router().Get("/", [telemetry_path](const net::Request&, net::Response& res) {
    res.Set(200,
            "<html><head><title>vigie agent</title></head><body><h1>vigie agent</h1>"
            "<p><a href=\"" +
                telemetry_path + "\">Metrics</a></p></body></html>\n",
            "text/html; charset=utf-8");
  });

  if (watcher && engine_facts) {
    watcher->AddListener([facts = engine_facts](const docker::Event&) { facts->Invalidate(); });
  }
  if (watcher) watcher->Run();
  if (auto st = (*server)->Start(); !st.ok()) {
    std::cerr << "vigie agent: " << st.error().message() << "\n";
    return kExitError;
  }
  std::string names;
  for (const auto& n : enabled) names += (names.empty() ? "" : ",") + n;
  auto addresses = (*server)->addresses();
  log::Info("vigie agent listening",
            {{"address", addresses.empty() ? f.listen_address : addresses.front()},
             {"path.procfs", f.node.paths.procfs},
             {"path.sysfs", f.node.paths.sysfs},
             {"path.rootfs", f.node.paths.rootfs},
             {"collectors", names}});

  net::WaitForShutdownSignal();
  log::Info("vigie agent shutting down");
  (*server)->Shutdown(std::chrono::seconds(5));
  if (watcher) watcher->Stop();
  return kExitOk;
}

}  // namespace

RunFn AddAgentCommand(CLI::App& root) {
  auto* sub = root.add_subcommand(
      "agent", "host, container and Docker engine metrics on /metrics (node-exporter compatible)");
  auto f = std::make_shared<AgentFlags>();
  sub->add_option("--web.listen-address", f->listen_address,
                  "Address to serve /metrics on (host:port, :port or unix:/path)")
      ->capture_default_str();
  sub->add_option("--web.telemetry-path", f->telemetry_path, "Path of the metrics endpoint")
      ->capture_default_str();
  sub->add_option("--path.procfs", f->node.paths.procfs, "procfs mount point")
      ->capture_default_str();
  sub->add_option("--path.sysfs", f->node.paths.sysfs, "sysfs mount point")->capture_default_str();
  sub->add_option("--path.rootfs", f->node.paths.rootfs,
                  "Host root file system mount point (mount points are reported relative to it)")
      ->capture_default_str();
  sub->add_option("--path.udev.data", f->node.paths.udev_data, "udev data path")
      ->capture_default_str();
  sub->add_option("--docker.socket", f->docker_socket,
                  "Docker engine socket for container names and the Swarm node id")
      ->capture_default_str();
  sub->add_option("--docker.metrics-socket", f->dockerd_metrics_socket,
                  "dockerd's metrics plugin socket (in its exec root), relayed by the dockerd "
                  "collector")
      ->capture_default_str();
  sub->add_option("--collector.container.docker-parent", f->container_parents,
                  "Another cgroup parent whose children named like container ids are containers");
  sub->add_option("--collector.container.metadata-file", f->metadata_file,
                  "JSON list of containers (id, name, image, labels) known without Docker");
  sub->add_flag("--no-docker", f->no_docker,
                "Do not use the Docker API (containers by cgroup id only, empty node_id)");
  sub->add_flag("--collector.disable-defaults", f->disable_defaults,
                "Disable every collector not enabled explicitly with --collector.<name>");
  for (const auto& c : AllCollectors()) {
    auto& toggle = f->toggles[c.name];
    sub->add_flag("--collector." + c.name, toggle.first,
                  "Enable the " + c.name + " collector: " + c.help +
                      (c.default_enabled ? " (default: enabled)" : " (default: disabled)"));
    sub->add_flag("--no-collector." + c.name, toggle.second,
                  "Disable the " + c.name + " collector");
  }
  sub->add_flag("--collector.cpu.guest", f->cpu_guest,
                "Report node_cpu_guest_seconds_total (default: true)");
  sub->add_flag("--no-collector.cpu.guest", f->no_cpu_guest,
                "Do not report node_cpu_guest_seconds_total");
  sub->add_option("--collector.filesystem.mount-points-exclude",
                  f->node.filesystem_mount_points_exclude,
                  "Regexp of mount points to exclude for the filesystem collector")
      ->capture_default_str();
  sub->add_option("--collector.filesystem.fs-types-exclude", f->node.filesystem_fs_types_exclude,
                  "Regexp of file system types to exclude for the filesystem collector")
      ->capture_default_str();
  sub->add_option("--collector.filesystem.mount-timeout", f->mount_timeout,
                  "How long statfs of a network or FUSE file system may take before the mount "
                  "is reported stuck")
      ->capture_default_str();
  sub->add_option("--collector.diskstats.device-exclude", f->node.diskstats_device_exclude,
                  "Regexp of diskstats devices to exclude (mutually exclusive with "
                  "device-include)")
      ->capture_default_str()
      ->each([f](const std::string&) { f->diskstats_exclude_set = true; });
  sub->add_option("--collector.diskstats.device-include", f->node.diskstats_device_include,
                  "Regexp of diskstats devices to include");
  sub->add_option("--collector.netdev.device-exclude", f->node.netdev_device_exclude,
                  "Regexp of network devices to exclude (mutually exclusive with "
                  "device-include)")
      ->capture_default_str()
      ->each([f](const std::string&) { f->netdev_exclude_set = true; });
  sub->add_option("--collector.netdev.device-include", f->node.netdev_device_include,
                  "Regexp of network devices to include");
  sub->add_flag("--collector.netdev.netlink", f->netdev_netlink,
                "netdev: read link statistics over netlink (default: true)");
  sub->add_flag("--no-collector.netdev.netlink", f->no_netdev_netlink,
                "netdev: read <procfs>/net/dev and sysfs instead of netlink");
  sub->add_option("--collector.vmstat.fields", f->node.vmstat_fields,
                  "Regexp of /proc/vmstat fields to report")
      ->capture_default_str();
  return [f] { return RunAgent(*f); };
}

}  // namespace vigie::cmd
