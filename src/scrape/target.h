// A scrape target: the labels that identify it (after target relabelling), the labels
// discovery gave it (before relabelling), and its scrape state for the API.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/result.h"
#include "core/time.h"
#include "scrape/config.h"

namespace vigie::scrape {

enum class TargetHealth { kUnknown, kUp, kDown };
// "unknown", "up", "down", as the Prometheus API spells them.
std::string_view TargetHealthName(TargetHealth h);

// A snapshot of one target for the API (/api/v1/targets).
struct TargetState {
  std::string scrape_pool;  // job name
  Labels labels;            // public labels (no "__" ones): job, instance, ...
  // Before relabelling: as discovery gave them plus the defaults (__scheme__, job, ...).
  Labels discovered_labels;
  std::string scrape_url;
  TargetHealth health = TargetHealth::kUnknown;
  std::string last_error;
  TimestampMs last_scrape_ms = 0;  // wall clock of the last scrape's start (0: never)
  double last_scrape_duration_seconds = 0;
  uint64_t last_samples = 0;  // samples appended by the last scrape
  DurationMs scrape_interval = 0;
  DurationMs scrape_timeout = 0;
};

class Target {
 public:
  // `labels` are the relabelled labels (with __address__, __scheme__, __metrics_path__,
  // __param_*, __scrape_interval__, __scrape_timeout__).
  Target(Labels labels, Labels discovered, std::map<std::string, std::vector<std::string>> params);

  const Labels& labels() const { return labels_; }
  Labels discovered_labels() const;
  // Discovery may report the same target with other __meta_* labels; keep the latest.
  void SetDiscoveredLabels(Labels discovered);
  // The labels attached to every sample: all but the "__"-prefixed ones.
  const Labels& public_labels() const { return public_; }
  // scheme://address/path?params (params from the config; a __param_ label replaces the first
  // value of its parameter), escaped as Go's url.Values.Encode.
  const std::string& url() const { return url_; }
  DurationMs interval() const { return interval_; }
  DurationMs timeout() const { return timeout_; }
  // Identity within a pool: labels (all, "__" ones included) and URL.
  uint64_t hash() const { return hash_; }
  // Public labels and URL only: the same series, even if e.g. the interval changed.
  uint64_t series_identity() const { return identity_; }

  // Nanoseconds to wait from `now_ns` until this target's slot in the interval: pinned to
  // absolute time, so every server with the same seed scrapes a target at the same phase.
  int64_t OffsetNs(int64_t now_ns, uint64_t seed) const;

  // Scrape state; thread-safe.
  void Report(TimestampMs start_ms, double duration_s, uint64_t samples, const Status& err);
  TargetState State(std::string_view pool) const;
  TargetHealth health() const;

 private:
  Labels labels_;
  Labels discovered_;  // GUARDED_BY(mu_)
  Labels public_;
  std::string url_;
  DurationMs interval_ = 0;
  DurationMs timeout_ = 0;
  uint64_t hash_ = 0;
  uint64_t identity_ = 0;

  mutable std::mutex mu_;
  TargetHealth health_ = TargetHealth::kUnknown;  // GUARDED_BY(mu_)
  std::string last_error_;                        // GUARDED_BY(mu_)
  TimestampMs last_scrape_ms_ = 0;                // GUARDED_BY(mu_)
  double last_duration_s_ = 0;                    // GUARDED_BY(mu_)
  uint64_t last_samples_ = 0;                     // GUARDED_BY(mu_)
};

// Builds a target's labels from one discovered target and its group, as Prometheus does:
// group labels under target labels, defaults (job, __scheme__, __metrics_path__,
// __scrape_interval__, __scrape_timeout__) where unset, __param_<name> from the config's params
// (always: they win over discovered ones, as in Prometheus 2.42), target relabelling,
// then checks (__address__ set, no '/' in it, interval/timeout parse and timeout <= interval),
// a default port (80) when the address has none, __meta_* removed, instance defaulted to the
// address. Returns nullopt when relabelling drops the target.
// `pre_relabel` (nullable) receives the labels just before relabelling: the discovered labels
// with the defaults, what Prometheus's API shows as a target's discoveredLabels.
Result<std::optional<Labels>> PopulateLabels(const Labels& discovered, const ScrapeConfig& cfg,
                                             Labels* pre_relabel = nullptr);

// The merged discovered labels of target `i` of group `g` (target labels win).
Labels DiscoveredLabels(const TargetGroup& g, size_t i);

// Go's time.Duration.String() for whole milliseconds ("15s", "1m0s", "100ms", "1h0m0s"):
// Prometheus's `interval` label of prometheus_target_interval_length_seconds.
std::string GoDurationString(DurationMs d);

}  // namespace vigie::scrape
