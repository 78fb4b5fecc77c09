// One scrape loop per target: every interval (at the target's stable offset within it) fetch
// the exposition, append its samples through a fresh storage::Appender, append the synthetic
// series (up, scrape_duration_seconds, scrape_samples_scraped,
// scrape_samples_post_metric_relabeling, scrape_series_added), commit.
//
// Semantics follow Prometheus:
// - samples carry the scrape's start time, or their own timestamp with honor_timestamps;
// - target labels are attached (honor_labels: the exposed value wins; otherwise the target
//   value wins and the exposed one is kept as exported_<name>, exported_exported_<name>, ...),
//   then metric_relabel_configs run; the result is cached by the raw series text;
// - a series present in the previous scrape and absent now gets a staleness marker (StaleNaN);
//   a failed scrape (HTTP error, parse error, a limit) marks every series of the previous
//   scrape stale and appends nothing else but the synthetic series with up=0;
// - sample_limit, label_limit, label_name_length_limit and label_value_length_limit fail the
//   whole scrape with a reason (kept as the target's last error);
// - out-of-order, duplicate and too-old samples are skipped and counted, not fatal;
// - when the loop is stopped because its target went away, every series of its last scrape
//   gets a staleness marker; when it is stopped for a reload or shutdown, none does.
//
// Threading: Start() runs the loop on its own thread. Stop() may be called from any thread
// and returns once that thread has finished (an in-flight request is abandoned at once).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "core/result.h"
#include "core/time.h"
#include "scrape/config.h"
#include "scrape/metrics.h"
#include "scrape/scrape_cache.h"
#include "scrape/scraper.h"
#include "scrape/target.h"
#include "storage/appender.h"

namespace vigie::scrape {

// Counts of one append, as reported in the synthetic series.
struct AppendResult {
  uint64_t total = 0;         // samples in the exposition (scrape_samples_scraped)
  uint64_t added = 0;         // after metric relabelling (scrape_samples_post_metric_relabeling)
  uint64_t series_added = 0;  // series new to the cache (scrape_series_added)
};

// Labels of an exposed sample once the target's labels are attached, as Prometheus's
// mutateSampleLabels does before metric relabelling.
Labels AttachTargetLabels(const Labels& exposed, const Labels& target_labels, bool honor_labels);

class ScrapeLoop {
 public:
  // `cache` may be null (a fresh cache) or a predecessor's, taken over on reload.
  ScrapeLoop(std::shared_ptr<Target> target, std::shared_ptr<const ScrapeConfig> cfg,
             std::shared_ptr<Scraper> scraper, storage::Appendable* appendable,
             ScrapeMetrics* metrics, uint64_t offset_seed, std::unique_ptr<ScrapeCache> cache);
  ~ScrapeLoop();  // Stop(false)
  ScrapeLoop(const ScrapeLoop&) = delete;
  ScrapeLoop& operator=(const ScrapeLoop&) = delete;

  void Start();
  // Idempotent. With `end_of_run_staleness`, marks the last scrape's series stale.
  // Stop = RequestStop + Join; a pool signals all its loops first, then joins them.
  void Stop(bool end_of_run_staleness);
  void RequestStop(bool end_of_run_staleness);
  void Join();
  // While set, scrapes are not attempted and fail with this error (target_limit exceeded).
  void SetForcedError(std::optional<Error> err);
  // After Stop: the cache, for a successor loop of the same target.
  std::unique_ptr<ScrapeCache> TakeCache();

  // One scrape at time `ts`: fetch, append, report, commit. Run() calls it every interval;
  // tests may call it directly (without Start).
  void ScrapeAndReport(TimestampMs ts);
  // Appends one exposition as a scrape at `ts` would (no fetch, no synthetic series). On an
  // error the caller must roll `app` back. Exposed for tests.
  Status Append(storage::Appender& app, std::string_view body, std::string_view content_type,
                TimestampMs ts, AppendResult* result);

  const Target& target() const { return *target_; }
  const ScrapeConfig& config() const { return *cfg_; }
  std::shared_ptr<Target> shared_target() const { return target_; }
  // Metadata (TYPE/HELP/UNIT) seen in the target's expositions. Thread-safe.
  std::map<std::string, MetricMetadata, std::less<>> Metadata() const;

 private:
  void Run(std::stop_token stop);
  // Marks every series of the previous scrape that is absent from the current one stale.
  void AppendStaleMarkers(storage::Appender& app, TimestampMs ts);
  void Report(storage::Appender& app, TimestampMs ts, double duration_s, const AppendResult& r,
              bool up);
  void AppendReportSample(storage::Appender& app, std::string_view name, TimestampMs ts, double v);
  void EndOfRunStaleness();
  // Labels of a cached series rebuilt from its raw text as its first append built them (target
  // labels attached, metric relabelling applied); empty when relabelling drops it.
  Labels LabelsOfCached(std::string_view raw);
  // Appends a cached series by ref, or by its rebuilt labels when it has no ref or the storage
  // no longer knows it.
  Result<storage::SeriesRef> AppendCached(storage::Appender& app, storage::SeriesRef ref,
                                          std::string_view raw, TimestampMs t, double v);
  Status CheckLabelLimits(const Labels& l) const;

  std::shared_ptr<Target> target_;
  std::shared_ptr<const ScrapeConfig> cfg_;
  std::shared_ptr<Scraper> scraper_;
  storage::Appendable* appendable_;
  ScrapeMetrics* metrics_;
  uint64_t offset_seed_;

  mutable std::mutex cache_mu_;         // the loop thread vs. Metadata()/TakeCache()
  std::unique_ptr<ScrapeCache> cache_;  // GUARDED_BY(cache_mu_) for readers off the loop

  struct ReportSeries {
    storage::SeriesRef ref = 0;
    Labels labels;
  };
  std::map<std::string, ReportSeries, std::less<>> report_series_;
  ScrapeResponse response_;  // its body taken from the shared pool for each scrape
  size_t last_body_size_ = 0;
  LabelsBuilder builder_;  // scratch
  Labels exposed_;         // scratch

  std::jthread thread_;
  net::CancelSignal cancel_;
  std::atomic<bool> stale_on_stop_{false};
  std::mutex wait_mu_;
  std::condition_variable_any wait_cv_;
  std::mutex forced_mu_;
  std::optional<Error> forced_error_;  // GUARDED_BY(forced_mu_)
  TimestampMs last_ts_ = 0;
  int64_t last_start_ns_ = 0;
  bool stopped_ = false;
};

}  // namespace vigie::scrape
