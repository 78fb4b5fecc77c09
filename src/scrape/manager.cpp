#include "scrape/manager.h"

#include <set>

#include "core/log.h"

namespace vigie::scrape {

uint64_t OffsetSeed(std::string_view hostname, const Labels& external_labels) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : hostname) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h ^ external_labels.Hash();
}

Manager::Manager(ManagerOptions options) : options_(std::move(options)) {
  if (!options_.scraper_factory) {
    options_.scraper_factory = [](const ScrapeConfig& cfg) -> std::shared_ptr<Scraper> {
      return std::make_shared<HttpScraper>(cfg);
    };
  }
  metrics_ = std::make_unique<ScrapeMetrics>(options_.registry);
  DiscoveryManagerOptions d;
  d.name = "scrape";
  d.update_interval = options_.discovery_update_interval;
  d.registry = options_.registry;
  d.factory = options_.discoverer_factory;
  discovery_ =
      std::make_unique<DiscoveryManager>(std::move(d), [this](const TargetSets& s) { Sync(s); });
}

Result<std::unique_ptr<Manager>> Manager::Open(ManagerOptions options) {
  if (options.appendable == nullptr) {
    return InvalidArgument("scrape manager: an appendable (storage) is required");
  }
  return std::unique_ptr<Manager>(new Manager(std::move(options)));
}

Manager::~Manager() { Stop(); }

Status Manager::ApplyConfig(const std::vector<ScrapeConfig>& jobs) {
  std::map<std::string, const ScrapeConfig*> want;
  for (const ScrapeConfig& j : jobs) {
    if (!want.emplace(j.job_name, &j).second) {
      return InvalidArgument("found multiple scrape configs with job name \"" + j.job_name + "\"");
    }
  }
  std::map<std::string, DiscoveryConfigs> discovery;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Internal("scrape manager is stopped");
    for (auto it = pools_.begin(); it != pools_.end();) {
      if (want.count(it->first) == 0) {
        it->second->Stop(true);  // job removed: its series go stale
        it = pools_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [job, cfg] : want) {
      auto it = pools_.find(job);
      if (it == pools_.end()) {
        if (metrics_->pools_total != nullptr) metrics_->pools_total->Get().Inc();
        auto pool = std::make_unique<ScrapePool>(std::make_shared<const ScrapeConfig>(*cfg),
                                                 options_.appendable, metrics_.get(),
                                                 options_.offset_seed, options_.scraper_factory);
        // Known groups (discovery unchanged for this job) apply at once.
        if (auto s = last_sets_.find(job); s != last_sets_.end()) pool->Sync(s->second);
        pools_.emplace(job, std::move(pool));
      } else if (!(*it->second->config() == *cfg)) {
        it->second->Reload(std::make_shared<const ScrapeConfig>(*cfg));
      }
      discovery[job] = cfg->discovery;
    }
  }
  return discovery_->ApplyConfig(discovery);
}

void Manager::Run() { discovery_->Run(); }

void Manager::Stop() {
  discovery_->Stop();  // not under mu_: the sender may be waiting for it in Sync
  std::map<std::string, std::unique_ptr<ScrapePool>> pools;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    pools.swap(pools_);
  }
  for (auto& [job, pool] : pools) pool->Stop(false);
}

void Manager::Sync(const TargetSets& sets) {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  last_sets_ = sets;
  for (auto& [job, pool] : pools_) {
    auto it = sets.find(job);
    pool->Sync(it == sets.end() ? std::vector<TargetGroup>{} : it->second);
  }
}

std::map<std::string, std::vector<TargetState>> Manager::ActiveTargets() const {
  std::lock_guard lock(mu_);
  std::map<std::string, std::vector<TargetState>> out;
  for (const auto& [job, pool] : pools_) out[job] = pool->ActiveTargets();
  return out;
}

std::map<std::string, std::vector<DroppedTarget>> Manager::DroppedTargets() const {
  std::lock_guard lock(mu_);
  std::map<std::string, std::vector<DroppedTarget>> out;
  for (const auto& [job, pool] : pools_) out[job] = pool->DroppedTargets();
  return out;
}

TargetSets Manager::DiscoveredGroups() const { return discovery_->Snapshot(); }

std::map<std::string,
         std::vector<std::pair<Labels, std::map<std::string, MetricMetadata, std::less<>>>>>
Manager::TargetMetadata() const {
  std::lock_guard lock(mu_);
  std::map<std::string,
           std::vector<std::pair<Labels, std::map<std::string, MetricMetadata, std::less<>>>>>
      out;
  for (const auto& [job, pool] : pools_) out[job] = pool->Metadata();
  return out;
}

std::vector<std::string> Manager::JobNames() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [job, pool] : pools_) out.push_back(job);
  return out;
}

}  // namespace vigie::scrape
