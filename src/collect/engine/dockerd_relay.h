// dockerd's own metrics with no dockerd reconfiguration. Whatever its configuration (no
// --metrics-addr needed), the engine serves its Prometheus metrics to metrics plugins on a unix
// socket in its exec root, /var/run/docker/metrics.sock by default. The "dockerd" collector reads
// that socket at each scrape and relays the engine's families, as dockerd-exporter relays them
// from --metrics-addr:
//
//   engine_daemon_*   container and network action timings, health checks, events, ...
//   swarm_*           Raft, store and dispatcher figures, tasks and nodes by state (managers)
//   builder_*, logger_*, etcd_*
//
// Left out: the dockerd process's go_*, process_* and promhttp_* (they would clash with the
// agent's own process_*), and the families given by the engine collector from the API (`skip`),
// so that no family appears twice on /metrics.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "collect/collector.h"
#include "core/result.h"
#include "expfmt/metric_family.h"

namespace vigie::collect {

struct DockerdRelayOptions {
  std::string socket_path = "/var/run/docker/metrics.sock";
  std::set<std::string, std::less<>> skip;  // family names given by other collectors
  std::chrono::milliseconds timeout{std::chrono::seconds(5)};
};

// Collector name: "dockerd". A missing socket is kNotFound (engine not local, or the socket not
// mounted into the agent's container); a malformed answer is an error naming the line, and
// nothing of that scrape is relayed.
std::unique_ptr<Collector> NewDockerdRelayCollector(DockerdRelayOptions options);

// The families of dockerd's exposition `text` that the collector relays: the engine's own
// prefixes, minus `skip`, each name once (a repeated family keeps its first block).
Result<std::vector<expfmt::MetricFamily>> RelayedDockerdFamilies(
    std::string_view text, expfmt::Format format, const std::set<std::string, std::less<>>& skip);

}  // namespace vigie::collect
