#include "collect/engine/engine_facts.h"

#include "core/log.h"

namespace vigie::collect {

EngineFacts::EngineFacts(docker::Client& client, EngineFactsOptions options)
    : client_(client), options_(std::move(options)) {}

void EngineFacts::Invalidate() {
  std::lock_guard lock(mu_);
  dirty_ = true;
}

Result<std::shared_ptr<const EngineSnapshot>> EngineFacts::Get() {
  std::lock_guard lock(mu_);
  TimestampMs now = options_.now ? options_.now() : NowMs();
  if (snapshot_ != nullptr) {
    DurationMs age = now - snapshot_->fetched_ms;
    bool stale = age >= options_.max_age_ms || (dirty_ && age >= options_.min_interval_ms);
    if (!stale) return snapshot_;
  }
  dirty_ = false;
  auto fresh = Fetch();
  if (!fresh.ok()) {
    snapshot_ = nullptr;  // never serve facts about an engine we cannot reach
    return fresh.error();
  }
  snapshot_ = *fresh;
  return snapshot_;
}

Result<std::shared_ptr<const EngineSnapshot>> EngineFacts::Fetch() {
  auto s = std::make_shared<EngineSnapshot>();
  VIGIE_ASSIGN_OR_RETURN(s->info, client_.GetInfo());
  auto version = client_.GetVersion();
  if (version.ok()) s->version = std::move(version).value();
  s->manager = s->info.swarm_local_node_state == "active" && s->info.swarm_control_available;
  if (s->manager) {
    // A manager that lost quorum answers these with errors; report what /info said anyway.
    auto nodes = client_.ListNodes();
    auto services = client_.ListServices();
    auto tasks = client_.ListTasks({{"desired-state", {"running"}}});
    if (nodes.ok() && services.ok() && tasks.ok()) {
      s->nodes = std::move(nodes).value();
      s->services = std::move(services).value();
      s->tasks = std::move(tasks).value();
    } else {
      const Error& e = !nodes.ok()      ? nodes.error()
                       : !services.ok() ? services.error()
                                        : tasks.error();
      log::Warn("cannot list Swarm objects on this manager", {{"err", e.message()}});
      s->manager = false;
    }
  }
  s->fetched_ms = options_.now ? options_.now() : NowMs();
  return std::shared_ptr<const EngineSnapshot>(std::move(s));
}

Result<std::string> EngineFacts::SwarmNodeId() {
  VIGIE_ASSIGN_OR_RETURN(auto s, Get());
  return s->info.swarm_node_id;
}

}  // namespace vigie::collect
