// A Docker Engine API client (API 1.41 paths, understood by Docker 20.10 and later) over the
// engine's unix socket. Every call returns a value or an error a user can act on ("cannot
// reach the Docker engine at /var/run/docker.sock: ..."). Thread-safe: calls may run from
// several threads (each uses its own connection).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "docker/transport.h"
#include "docker/types.h"

namespace vigie::docker {

struct ClientOptions {
  std::string socket_path = "/var/run/docker.sock";
  DurationMs timeout_ms = 10'000;  // connect and each request (not the events stream)
};

// Filters for list calls and the events stream: {"type": {"container"}, "label": {"a=b"}}.
using Filters = std::map<std::string, std::vector<std::string>>;

class Client {
 public:
  explicit Client(std::unique_ptr<Transport> transport);
  static std::unique_ptr<Client> Open(const ClientOptions& options);

  Result<std::vector<ContainerSummary>> ListContainers(bool all = false,
                                                       const Filters& filters = {});
  Result<ContainerInfo> InspectContainer(std::string_view id);
  Result<Info> GetInfo();
  Result<Version> GetVersion();
  // Swarm objects; these need a manager node (a worker gets an error saying so).
  Result<std::vector<Node>> ListNodes();
  Result<std::vector<Service>> ListServices();
  Result<std::vector<Task>> ListTasks(const Filters& filters = {});

  // Streams GET /events?filters=...&since=... and calls on_event for each event, until the
  // engine closes the stream (Ok), on_event returns false (Ok) or CancelStreams() is called
  // (kCanceled). Lines that do not parse are skipped. Blocks the calling thread.
  Status StreamEvents(const Filters& filters, int64_t since_unix_seconds,
                      const std::function<bool(const Event&)>& on_event);
  // Makes a running StreamEvents return, and any later one return kCanceled at once.
  void CancelStreams();

  Transport& transport() { return *transport_; }

 private:
  // GET `target`; non-2xx answers become errors with the engine's message.
  Result<std::string> Get(std::string_view target);

  std::unique_ptr<Transport> transport_;
};

// filters={"type":["container"]} as the API wants it, URL-encoded.
std::string EncodeFilters(const Filters& filters);

}  // namespace vigie::docker
