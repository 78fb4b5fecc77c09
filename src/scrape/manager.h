// The scrape manager: one scrape pool per job, fed by its own discovery manager.
//
//   auto m = scrape::Manager::Open({.appendable = &tsdb, .registry = &registry});
//   (*m)->ApplyConfig(config.scrape_configs);   // also on every reload
//   (*m)->Run();                                // returns at once; work happens on threads
//   ...
//   (*m)->Stop();                               // on shutdown: no staleness markers
//
// Threads: one per scrape target (its loop), one per file/dockerswarm discoverer, one sender
// for discovery updates. A thread per target keeps the code simple and each target's timing
// independent; at a few thousand targets a shared timer wheel would be cheaper.
//
// Reload semantics (ApplyConfig): jobs that disappear are stopped and their series marked
// stale; jobs whose config is unchanged keep running untouched; changed jobs restart their
// loops with the new config and keep each surviving target's scrape cache (no gap, no
// staleness); service discovery is only restarted for jobs whose discovery config changed.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "scrape/config.h"
#include "scrape/discovery/manager.h"
#include "scrape/metrics.h"
#include "scrape/scrape_pool.h"
#include "storage/appender.h"

namespace vigie::instrument {
class Registry;
}

namespace vigie::scrape {

struct ManagerOptions {
  // Required: where samples go (the TSDB). Must outlive the manager.
  storage::Appendable* appendable = nullptr;
  // Nullable: where self-metrics are registered (prometheus_target_*, prometheus_sd_*).
  instrument::Registry* registry = nullptr;
  // Mixed into every target's offset within its interval, so that several servers scraping
  // the same targets spread out (Prometheus seeds with its hostname and external labels).
  uint64_t offset_seed = 0;
  // Discovery updates reach the pools at most this often (Prometheus: 5s).
  DurationMs discovery_update_interval = 5000;
  // Test seams: empty means the real discoverers and the HTTP scraper.
  DiscovererFactory discoverer_factory;
  ScraperFactory scraper_factory;
};

// A seed as Prometheus derives it: a hash of the host name and the external labels.
uint64_t OffsetSeed(std::string_view hostname, const Labels& external_labels);

class Manager {
 public:
  static Result<std::unique_ptr<Manager>> Open(ManagerOptions options);
  ~Manager();  // Stop()
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Errors: repeated job names, a discoverer that cannot be created (the rest still applies).
  Status ApplyConfig(const std::vector<ScrapeConfig>& jobs);
  void Run();
  // Stops discovery and every loop without staleness markers (a restart continues series).
  void Stop();

  // For the API (/api/v1/targets, /api/v1/targets/metadata, service discovery page).
  std::map<std::string, std::vector<TargetState>> ActiveTargets() const;
  std::map<std::string, std::vector<DroppedTarget>> DroppedTargets() const;
  TargetSets DiscoveredGroups() const;
  std::map<std::string,
           std::vector<std::pair<Labels, std::map<std::string, MetricMetadata, std::less<>>>>>
  TargetMetadata() const;
  std::vector<std::string> JobNames() const;

 private:
  explicit Manager(ManagerOptions options);
  void Sync(const TargetSets& sets);

  ManagerOptions options_;
  std::unique_ptr<ScrapeMetrics> metrics_;
  std::unique_ptr<DiscoveryManager> discovery_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<ScrapePool>> pools_;  // GUARDED_BY(mu_)
  TargetSets last_sets_;                                      // GUARDED_BY(mu_)
  bool stopped_ = false;                                      // GUARDED_BY(mu_)
};

}  // namespace vigie::scrape
