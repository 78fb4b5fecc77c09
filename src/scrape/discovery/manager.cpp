#include "scrape/discovery/manager.h"

#include "core/log.h"
#include "instrument/registry.h"

namespace vigie::scrape {

struct DiscoveryManager::Provider {
  std::string job;
  DiscoveryConfigs cfg;
  // Per discoverer: source -> group. Static groups live in discoverer slot 0 when present.
  std::vector<std::map<std::string, TargetGroup>> groups;
  std::vector<std::unique_ptr<Discoverer>> discoverers;
  std::vector<std::jthread> threads;

  ~Provider() {
    for (auto& t : threads) t.request_stop();
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
  }
};

DiscoveryManager::DiscoveryManager(DiscoveryManagerOptions options, SyncFn sync)
    : options_(std::move(options)), sync_(std::move(sync)) {
  if (!options_.factory) options_.factory = NewDiscoverers;
  if (options_.registry != nullptr) {
    auto g = options_.registry->RegisterGauge({.name = "prometheus_sd_discovered_targets",
                                               .help = "Current number of discovered targets.",
                                               .label_names = {"name", "config"}});
    if (g.ok()) discovered_targets_ = *g;
    auto r = options_.registry->RegisterCounter(
        {.name = "prometheus_sd_received_updates_total",
         .help = "Total number of update events received from the SD providers.",
         .label_names = {"name"}});
    if (r.ok()) received_updates_ = *r;
    auto u = options_.registry->RegisterCounter(
        {.name = "prometheus_sd_updates_total",
         .help = "Total number of update events sent to the SD consumers.",
         .label_names = {"name"}});
    if (u.ok()) updates_ = *u;
  }
}

DiscoveryManager::~DiscoveryManager() {
  Stop();
  std::map<std::string, std::unique_ptr<Provider>> doomed;
  {
    std::lock_guard lock(mu_);
    doomed.swap(providers_);
  }
  doomed.clear();  // joins discoverer threads outside the lock
  if (options_.registry != nullptr) {
    if (discovered_targets_ != nullptr)
      options_.registry->Unregister("prometheus_sd_discovered_targets");
    if (received_updates_ != nullptr) {
      options_.registry->Unregister("prometheus_sd_received_updates_total");
    }
    if (updates_ != nullptr) options_.registry->Unregister("prometheus_sd_updates_total");
  }
}

Status DiscoveryManager::ApplyConfig(const std::map<std::string, DiscoveryConfigs>& cfgs) {
  std::vector<std::unique_ptr<Provider>> doomed;
  std::vector<std::unique_ptr<Provider>> fresh;
  std::optional<Error> first_error;
  {
    std::lock_guard lock(mu_);
    for (auto it = providers_.begin(); it != providers_.end();) {
      auto want = cfgs.find(it->first);
      if (want == cfgs.end() || !(want->second == it->second->cfg)) {
        if (discovered_targets_ != nullptr) {
          discovered_targets_->Remove({options_.name, it->first});
        }
        doomed.push_back(std::move(it->second));
        it = providers_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [job, cfg] : cfgs) {
      if (providers_.count(job) != 0) continue;
      auto p = std::make_unique<Provider>();
      p->job = job;
      p->cfg = cfg;
      auto discoverers = options_.factory(cfg);
      if (!discoverers.ok()) {
        log::Error("cannot create service discovery",
                   {{"job", job}, {"err", discoverers.error().message()}});
        if (!first_error) first_error = discoverers.error().Wrap("job " + job);
      } else {
        p->discoverers = std::move(*discoverers);
      }
      p->groups.resize(p->discoverers.size());
      fresh.push_back(std::move(p));
    }
    for (auto& p : fresh) providers_[p->job] = std::move(p);
    dirty_ = true;
  }
  // Start the new providers' discoverers; they report through OnUpdate.
  {
    std::lock_guard lock(mu_);
    for (auto& [job, p] : providers_) {
      if (!p->threads.empty() || p->discoverers.empty()) continue;
      Provider* raw = p.get();
      for (size_t i = 0; i < raw->discoverers.size(); ++i) {
        Discoverer* d = raw->discoverers[i].get();
        raw->threads.emplace_back([this, raw, i, d](std::stop_token stop) {
          d->Run(stop, [this, raw, i](std::vector<TargetGroup> groups) {
            OnUpdate(raw, i, std::move(groups));
          });
        });
      }
    }
  }
  cv_.notify_all();
  doomed.clear();  // stops and joins the replaced discoverers, outside the lock
  if (first_error) return *first_error;
  return OkStatus();
}

void DiscoveryManager::OnUpdate(Provider* p, size_t discoverer, std::vector<TargetGroup> groups) {
  {
    std::lock_guard lock(mu_);
    auto& slot = p->groups[discoverer];
    for (TargetGroup& g : groups) {
      if (g.targets.empty()) {
        slot.erase(g.source);
      } else {
        std::string source = g.source;
        slot[source] = std::move(g);
      }
    }
    dirty_ = true;
  }
  if (received_updates_ != nullptr) received_updates_->WithLabelValues({options_.name}).Inc();
  cv_.notify_all();
}

TargetSets DiscoveryManager::SnapshotLocked() const {
  TargetSets out;
  for (const auto& [job, p] : providers_) {
    auto& list = out[job];
    for (const auto& slot : p->groups) {
      for (const auto& [source, g] : slot) list.push_back(g);
    }
  }
  return out;
}

TargetSets DiscoveryManager::Snapshot() const {
  std::lock_guard lock(mu_);
  return SnapshotLocked();
}

void DiscoveryManager::Run() {
  if (sender_.joinable()) return;
  sender_ = std::jthread([this](std::stop_token stop) { SenderLoop(stop); });
}

void DiscoveryManager::Stop() {
  if (sender_.joinable()) {
    sender_.request_stop();
    cv_.notify_all();
    sender_.join();
  }
}

void DiscoveryManager::SenderLoop(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    cv_.wait(lock, stop, [this] { return dirty_; });
    if (stop.stop_requested()) break;
    // Rate limit: at most one update per interval.
    const int64_t due = last_send_ns_ + options_.update_interval * 1000000;
    const int64_t now = MonotonicNs();
    if (last_send_ns_ != 0 && now < due) {
      cv_.wait_for(lock, stop, std::chrono::nanoseconds(due - now), [] { return false; });
      if (stop.stop_requested()) break;
    }
    TargetSets sets = SnapshotLocked();
    dirty_ = false;
    last_send_ns_ = MonotonicNs();
    lock.unlock();
    if (discovered_targets_ != nullptr) {
      for (const auto& [job, groups] : sets) {
        size_t n = 0;
        for (const auto& g : groups) n += g.targets.size();
        discovered_targets_->WithLabelValues({options_.name, job}).Set(static_cast<double>(n));
      }
    }
    if (updates_ != nullptr) updates_->WithLabelValues({options_.name}).Inc();
    sync_(sets);
    lock.lock();
  }
}

}  // namespace vigie::scrape
