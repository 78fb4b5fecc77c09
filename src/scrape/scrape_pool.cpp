#include "scrape/scrape_pool.h"

#include <fmt/format.h>

#include "core/log.h"

namespace vigie::scrape {

ScrapePool::ScrapePool(std::shared_ptr<const ScrapeConfig> cfg, storage::Appendable* appendable,
                       ScrapeMetrics* metrics, uint64_t offset_seed, ScraperFactory scraper_factory)
    : appendable_(appendable),
      metrics_(metrics),
      offset_seed_(offset_seed),
      scraper_factory_(std::move(scraper_factory)),
      cfg_(std::move(cfg)) {
  scraper_ = scraper_factory_(*cfg_);
  if (metrics_->pool_target_limit != nullptr) {
    metrics_->pool_target_limit->WithLabelValues({cfg_->job_name})
        .Set(static_cast<double>(cfg_->target_limit));
  }
}

ScrapePool::~ScrapePool() { Stop(false); }

std::shared_ptr<const ScrapeConfig> ScrapePool::config() const {
  std::lock_guard lock(mu_);
  return cfg_;
}

void ScrapePool::Sync(const std::vector<TargetGroup>& groups) {
  const int64_t start = MonotonicNs();
  std::lock_guard lock(mu_);
  groups_ = groups;
  Rebuild(false);
  if (metrics_->pool_sync != nullptr) metrics_->pool_sync->WithLabelValues({cfg_->job_name}).Inc();
  if (metrics_->sync_length != nullptr) {
    metrics_->sync_length->Observe(cfg_->job_name,
                                   static_cast<double>(MonotonicNs() - start) / 1e9);
  }
}

void ScrapePool::Reload(std::shared_ptr<const ScrapeConfig> cfg) {
  std::lock_guard lock(mu_);
  cfg_ = std::move(cfg);
  scraper_ = scraper_factory_(*cfg_);
  if (metrics_->pool_reloads != nullptr) metrics_->pool_reloads->Get().Inc();
  if (metrics_->pool_target_limit != nullptr) {
    metrics_->pool_target_limit->WithLabelValues({cfg_->job_name})
        .Set(static_cast<double>(cfg_->target_limit));
  }
  Rebuild(true);
}

void ScrapePool::Rebuild(bool reload) {
  const ScrapeConfig& cfg = *cfg_;
  // The targets the groups describe now.
  std::map<uint64_t, std::shared_ptr<Target>> want;
  dropped_.clear();
  size_t failures = 0;
  for (const TargetGroup& g : groups_) {
    for (size_t i = 0; i < g.targets.size(); ++i) {
      Labels discovered;  // with the defaults, as the API shows it
      auto labels = PopulateLabels(DiscoveredLabels(g, i), cfg, &discovered);
      if (!labels.ok()) {
        if (++failures <= 10) {
          log::Warn("creating target failed", {{"job", cfg.job_name},
                                               {"target", discovered.ToString()},
                                               {"err", labels.error().message()}});
        }
        continue;
      }
      if (!labels->has_value()) {
        if (dropped_.size() < kMaxDroppedTargets) dropped_.push_back({std::move(discovered)});
        continue;
      }
      auto t = std::make_shared<Target>(std::move(**labels), std::move(discovered), cfg.params);
      want.emplace(t->hash(), std::move(t));
    }
  }

  // A target whose series identity (public labels, URL) survives under a new hash (say, a new
  // scrape_interval) hands its cache to its successor instead of going stale.
  std::map<uint64_t, uint64_t> want_by_identity;
  for (const auto& [hash, t] : want) want_by_identity[t->series_identity()] = hash;

  // Loops of targets that are gone stop first, all at once, writing staleness markers.
  std::vector<std::unique_ptr<ScrapeLoop>> vanished;
  std::map<uint64_t, std::unique_ptr<ScrapeCache>> inherited;              // by new hash
  std::vector<std::pair<uint64_t, std::unique_ptr<ScrapeLoop>>> replaced;  // new hash, loop
  for (auto it = loops_.begin(); it != loops_.end();) {
    auto w = want.find(it->first);
    if (w == want.end()) {
      auto successor = want_by_identity.find(it->second->target().series_identity());
      if (successor != want_by_identity.end()) {
        it->second->RequestStop(false);
        replaced.emplace_back(successor->second, std::move(it->second));
      } else {
        it->second->RequestStop(true);
        vanished.push_back(std::move(it->second));
      }
      it = loops_.erase(it);
    } else if (reload) {
      it->second->RequestStop(false);
      replaced.emplace_back(it->first, std::move(it->second));
      it = loops_.erase(it);
    } else {
      it->second->shared_target()->SetDiscoveredLabels(w->second->discovered_labels());
      ++it;
    }
  }
  for (auto& l : vanished) l->Join();
  for (auto& [hash, l] : replaced) {
    l->Join();
    // The cache maps raw series to refs of series labelled under the old config: it carries
    // over only if samples are labelled the same way (as Prometheus's reusableCache).
    const ScrapeConfig& old = l->config();
    if (old.honor_labels == cfg.honor_labels &&
        old.metric_relabel_configs == cfg.metric_relabel_configs) {
      inherited[hash] = l->TakeCache();
    }
  }

  const auto cfg_ptr = cfg_;
  for (auto& [hash, target] : want) {
    if (loops_.count(hash) != 0) continue;
    std::unique_ptr<ScrapeCache> cache;
    if (auto c = inherited.find(hash); c != inherited.end()) cache = std::move(c->second);
    auto loop = std::make_unique<ScrapeLoop>(target, cfg_ptr, scraper_, appendable_, metrics_,
                                             offset_seed_, std::move(cache));
    loop->Start();
    loops_.emplace(hash, std::move(loop));
  }

  // target_limit: every loop fails with the reason until the number of targets is back
  // under the limit (as Prometheus does).
  std::optional<Error> forced;
  if (cfg.target_limit > 0 && loops_.size() > cfg.target_limit) {
    forced =
        ResourceExhausted(fmt::format("target_limit exceeded (number of targets: {}, limit: {})",
                                      loops_.size(), cfg.target_limit));
    if (metrics_->exceeded_target_limit != nullptr) metrics_->exceeded_target_limit->Get().Inc();
  }
  for (auto& [hash, loop] : loops_) loop->SetForcedError(forced);
  if (metrics_->pool_targets != nullptr) {
    metrics_->pool_targets->WithLabelValues({cfg.job_name}).Set(static_cast<double>(loops_.size()));
  }
}

void ScrapePool::Stop(bool staleness) {
  std::lock_guard lock(mu_);
  for (auto& [hash, loop] : loops_) loop->RequestStop(staleness);
  for (auto& [hash, loop] : loops_) loop->Join();
  loops_.clear();
  if (metrics_->pool_targets != nullptr && cfg_ != nullptr) {
    metrics_->pool_targets->Remove({cfg_->job_name});
  }
}

std::vector<TargetState> ScrapePool::ActiveTargets() const {
  std::lock_guard lock(mu_);
  std::vector<TargetState> out;
  out.reserve(loops_.size());
  for (const auto& [hash, loop] : loops_) out.push_back(loop->target().State(cfg_->job_name));
  return out;
}

std::vector<DroppedTarget> ScrapePool::DroppedTargets() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::vector<std::pair<Labels, std::map<std::string, MetricMetadata, std::less<>>>>
ScrapePool::Metadata() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<Labels, std::map<std::string, MetricMetadata, std::less<>>>> out;
  for (const auto& [hash, loop] : loops_) {
    out.emplace_back(loop->target().public_labels(), loop->Metadata());
  }
  return out;
}

}  // namespace vigie::scrape
