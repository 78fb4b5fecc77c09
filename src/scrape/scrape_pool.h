// A scrape pool: the targets of one job and a scrape loop per target.
//
// Threading: Sync/Reload/Stop are called by the scrape manager (serialised by it); the state
// accessors may be called from any thread. Each loop runs on its own thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "scrape/config.h"
#include "scrape/metrics.h"
#include "scrape/scrape_loop.h"
#include "scrape/scraper.h"
#include "storage/appender.h"

namespace vigie::scrape {

// How a pool makes the scraper its loops share (tests inject fakes).
using ScraperFactory = std::function<std::shared_ptr<Scraper>(const ScrapeConfig&)>;

struct DroppedTarget {
  Labels discovered_labels;
};

class ScrapePool {
 public:
  ScrapePool(std::shared_ptr<const ScrapeConfig> cfg, storage::Appendable* appendable,
             ScrapeMetrics* metrics, uint64_t offset_seed, ScraperFactory scraper_factory);
  ~ScrapePool();  // Stop(false)
  ScrapePool(const ScrapePool&) = delete;
  ScrapePool& operator=(const ScrapePool&) = delete;

  // Makes the pool scrape exactly the targets of `groups`: new targets get a loop, targets that
  // vanished are stopped and their series marked stale, unchanged targets keep running.
  void Sync(const std::vector<TargetGroup>& groups);
  // Applies a changed config: loops restart with it, keeping their caches (no staleness for
  // targets that survive; targets the new relabelling drops are marked stale).
  void Reload(std::shared_ptr<const ScrapeConfig> cfg);
  // Stops every loop; `staleness` marks their series stale (the job was removed).
  void Stop(bool staleness);

  std::shared_ptr<const ScrapeConfig> config() const;
  std::vector<TargetState> ActiveTargets() const;
  std::vector<DroppedTarget> DroppedTargets() const;
  // Metadata per target (instance label -> family -> metadata).
  std::vector<std::pair<Labels, std::map<std::string, MetricMetadata, std::less<>>>> Metadata()
      const;

  // At most this many dropped targets are remembered for the API.
  static constexpr size_t kMaxDroppedTargets = 10000;

 private:
  void Rebuild(bool reload);  // requires mu_

  storage::Appendable* appendable_;
  ScrapeMetrics* metrics_;
  uint64_t offset_seed_;
  ScraperFactory scraper_factory_;

  mutable std::mutex mu_;
  std::shared_ptr<const ScrapeConfig> cfg_;                // GUARDED_BY(mu_)
  std::shared_ptr<Scraper> scraper_;                       // GUARDED_BY(mu_)
  std::vector<TargetGroup> groups_;                        // GUARDED_BY(mu_)
  std::map<uint64_t, std::unique_ptr<ScrapeLoop>> loops_;  // GUARDED_BY(mu_), by target hash
  std::vector<DroppedTarget> dropped_;                     // GUARDED_BY(mu_)
};

}  // namespace vigie::scrape
