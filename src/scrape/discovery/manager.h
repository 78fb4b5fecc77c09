// The discovery manager: runs the discoverers of every job and pushes the complete set of
// target groups per job to a consumer (the scrape manager), at most once per update_interval.
//
// Threading: one thread per discoverer (blocking I/O, a few per config), plus one sender thread
// that calls the sync callback; ApplyConfig/Stop may be called from any thread. A job whose
// discovery config is unchanged by ApplyConfig keeps its discoverers and targets.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/time.h"
#include "scrape/discovery/discoverer.h"

namespace vigie::instrument {
class Registry;
class GaugeFamily;
class CounterFamily;
}  // namespace vigie::instrument

namespace vigie::scrape {

// Job name -> every target group currently known for it.
using TargetSets = std::map<std::string, std::vector<TargetGroup>>;

struct DiscoveryManagerOptions {
  // "scrape" or "notify": the `name` label of the prometheus_sd_* metrics.
  std::string name = "scrape";
  // Updates are batched: the consumer hears at most once per interval (Prometheus: 5s).
  DurationMs update_interval = 5000;
  // Nullable: where prometheus_sd_* metrics go (must outlive the manager).
  instrument::Registry* registry = nullptr;
  // Empty: the real discoverers (NewDiscoverers).
  DiscovererFactory factory;
};

class DiscoveryManager {
 public:
  using SyncFn = std::function<void(const TargetSets&)>;

  // `sync` is called from the sender thread with the full state of every job.
  DiscoveryManager(DiscoveryManagerOptions options, SyncFn sync);
  ~DiscoveryManager();  // Stop()
  DiscoveryManager(const DiscoveryManager&) = delete;
  DiscoveryManager& operator=(const DiscoveryManager&) = delete;

  // Starts, keeps or stops discoverers so that exactly these jobs run. Errors (a discoverer
  // that cannot be created) name the job; the other jobs are applied anyway.
  Status ApplyConfig(const std::map<std::string, DiscoveryConfigs>& cfgs);
  // Starts the sender thread.
  void Run();
  void Stop();

  // The current groups of every job (for the service discovery page).
  TargetSets Snapshot() const;

 private:
  struct Provider;
  void OnUpdate(Provider* p, size_t discoverer, std::vector<TargetGroup> groups);
  void SenderLoop(std::stop_token stop);
  TargetSets SnapshotLocked() const;

  DiscoveryManagerOptions options_;
  SyncFn sync_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::map<std::string, std::unique_ptr<Provider>> providers_;  // GUARDED_BY(mu_)
  bool dirty_ = false;                                          // GUARDED_BY(mu_)
  int64_t last_send_ns_ = 0;                                    // GUARDED_BY(mu_)
  std::jthread sender_;
  instrument::GaugeFamily* discovered_targets_ = nullptr;
  instrument::CounterFamily* received_updates_ = nullptr;
  instrument::CounterFamily* updates_ = nullptr;
};

}  // namespace vigie::scrape
