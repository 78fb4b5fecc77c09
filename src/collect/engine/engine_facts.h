// Docker engine facts (GET /info, /version, and on managers /nodes, /services, /tasks) fetched
// on demand and kept: refreshed at most every `max_age`, and sooner after an engine event
// (Invalidate, called by the events watcher), but never more often than `min_interval`, so
// scrapes do not turn into API calls. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "docker/client.h"
#include "docker/types.h"

namespace vigie::collect {

struct EngineSnapshot {
  docker::Info info;
  docker::Version version;
  bool manager = false;  // the Swarm lists below are only filled on managers
  std::vector<docker::Node> nodes;
  std::vector<docker::Service> services;
  std::vector<docker::Task> tasks;  // tasks whose desired state is running
  TimestampMs fetched_ms = 0;
};

struct EngineFactsOptions {
  DurationMs max_age_ms = 30'000;
  DurationMs min_interval_ms = 2'000;
  std::function<TimestampMs()> now;  // null: the real clock
};

class EngineFacts {
 public:
  // `client` must outlive this object.
  explicit EngineFacts(docker::Client& client, EngineFactsOptions options = {});

  // The current facts, fetched now if stale. Errors say why the engine could not be asked.
  Result<std::shared_ptr<const EngineSnapshot>> Get();
  // Marks the facts stale (an event changed them).
  void Invalidate();

  // The Swarm node id of this engine ("" outside a Swarm), for node_meta.
  Result<std::string> SwarmNodeId();

 private:
  Result<std::shared_ptr<const EngineSnapshot>> Fetch();

  docker::Client& client_;
  EngineFactsOptions options_;
  std::mutex mu_;
  std::shared_ptr<const EngineSnapshot> snapshot_;  // GUARDED_BY(mu_)
  bool dirty_ = true;                               // GUARDED_BY(mu_)
};

}  // namespace vigie::collect
