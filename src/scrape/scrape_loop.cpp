// The scrape loop's schedule, its report (synthetic series) and end-of-run staleness.
#include "scrape/scrape_loop.h"

#include "core/log.h"
#include "storage/value.h"

namespace vigie::scrape {
namespace {

constexpr std::string_view kUp = "up";
constexpr std::string_view kDuration = "scrape_duration_seconds";
constexpr std::string_view kSamplesScraped = "scrape_samples_scraped";
constexpr std::string_view kSamplesPostRelabel = "scrape_samples_post_metric_relabeling";
constexpr std::string_view kSeriesAdded = "scrape_series_added";

}  // namespace

ScrapeLoop::ScrapeLoop(std::shared_ptr<Target> target, std::shared_ptr<const ScrapeConfig> cfg,
                       std::shared_ptr<Scraper> scraper, storage::Appendable* appendable,
                       ScrapeMetrics* metrics, uint64_t offset_seed,
                       std::unique_ptr<ScrapeCache> cache)
    : target_(std::move(target)),
      cfg_(std::move(cfg)),
      scraper_(std::move(scraper)),
      appendable_(appendable),
      metrics_(metrics),
      offset_seed_(offset_seed),
      cache_(cache ? std::move(cache) : std::make_unique<ScrapeCache>()) {}

ScrapeLoop::~ScrapeLoop() { Stop(false); }

void ScrapeLoop::Start() {
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

void ScrapeLoop::Stop(bool end_of_run_staleness) {
  RequestStop(end_of_run_staleness);
  Join();
}

void ScrapeLoop::RequestStop(bool end_of_run_staleness) {
  if (stopped_) return;
  stopped_ = true;
  stale_on_stop_ = end_of_run_staleness;
  cancel_.Set();
  if (thread_.joinable()) {
    thread_.request_stop();
    wait_cv_.notify_all();
  } else if (end_of_run_staleness) {
    EndOfRunStaleness();  // never started (or a test driving it by hand)
  }
}

void ScrapeLoop::Join() {
  if (thread_.joinable()) thread_.join();
}

void ScrapeLoop::SetForcedError(std::optional<Error> err) {
  std::lock_guard lock(forced_mu_);
  forced_error_ = std::move(err);
}

std::unique_ptr<ScrapeCache> ScrapeLoop::TakeCache() {
  std::lock_guard lock(cache_mu_);
  return std::move(cache_);
}

std::map<std::string, MetricMetadata, std::less<>> ScrapeLoop::Metadata() const {
  std::lock_guard lock(cache_mu_);
  if (!cache_) return {};
  return cache_->metadata();
}

void ScrapeLoop::Run(std::stop_token stop) {
  const int64_t interval_ns = target_->interval() * 1000000;
  std::unique_lock lock(wait_mu_);
  const auto sleep_until = [&](int64_t deadline_ns) {
    const int64_t now = MonotonicNs();
    if (deadline_ns <= now) return !stop.stop_requested();
    return !wait_cv_.wait_for(lock, stop, std::chrono::nanoseconds(deadline_ns - now), [] {
      return false;
    }) && !stop.stop_requested();
  };
  int64_t next = MonotonicNs() + target_->OffsetNs(NowMs() * 1000000, offset_seed_);
  while (sleep_until(next)) {
    lock.unlock();
    ScrapeAndReport(NowMs());
    lock.lock();
    next += interval_ns;
    const int64_t now = MonotonicNs();
    if (next <= now) next += ((now - next) / interval_ns + 1) * interval_ns;  // skip missed ticks
  }
  lock.unlock();
  if (stale_on_stop_) EndOfRunStaleness();
}

void ScrapeLoop::ScrapeAndReport(TimestampMs ts) {
  const int64_t start_ns = MonotonicNs();
  if (last_start_ns_ != 0 && metrics_->interval_length != nullptr) {
    metrics_->interval_length->Observe(GoDurationString(target_->interval()),
                                       static_cast<double>(start_ns - last_start_ns_) / 1e9);
  }
  last_start_ns_ = start_ns;
  const std::string& job = cfg_->job_name;
  if (metrics_->scrapes_total != nullptr) metrics_->scrapes_total->WithLabelValues({job}).Inc();

  std::unique_ptr<storage::Appender> app = appendable_->NewAppender();
  AppendResult result;
  Status err;
  std::optional<Error> forced;
  {
    std::lock_guard lock(forced_mu_);
    forced = forced_error_;
  }
  response_.body = TakeScrapeBody(last_body_size_);
  Status fetched = forced ? Status(*forced) : scraper_->Scrape(*target_, &cancel_, &response_);
  last_body_size_ = response_.body.size();
  std::lock_guard cache_lock(cache_mu_);
  if (fetched.ok()) {
    err = Append(*app, response_.body, response_.content_type, ts, &result);
    if (!err.ok()) {
      // Nothing of a failed scrape is kept; every series of the previous one goes stale.
      (void)app->Rollback();
      app = appendable_->NewAppender();
    }
  } else {
    err = fetched;
    if (err.error().code() == ErrorCode::kResourceExhausted &&
        metrics_->exceeded_body_size_limit != nullptr) {
      metrics_->exceeded_body_size_limit->Get().Inc();
    }
  }
  ReturnScrapeBody(std::move(response_.body));
  response_.body = ScrapeBody();
  if (err.ok()) {
    cache_->IterDone(true);
  } else {
    cache_->ResetCurrent();
    AppendStaleMarkers(*app, ts);
    const bool flushed = cache_->IterDone(false);
    if (flushed && metrics_->cache_flush_forced != nullptr)
      metrics_->cache_flush_forced->Get().Inc();
  }
  const double duration_s = static_cast<double>(MonotonicNs() - start_ns) / 1e9;
  Report(*app, ts, duration_s, result, err.ok());
  Status committed = app->Commit();
  if (!committed.ok()) {
    log::Warn("scrape commit failed",
              {{"job", job}, {"target", target_->url()}, {"err", committed.error().message()}});
    if (err.ok()) err = committed;
  }
  last_ts_ = ts;
  if (!err.ok()) {
    if (metrics_->scrape_failures_total != nullptr) {
      metrics_->scrape_failures_total->WithLabelValues({job}).Inc();
    }
    log::Debug("scrape failed",
               {{"job", job}, {"target", target_->url()}, {"err", err.error().message()}});
  } else if (metrics_->samples_appended_total != nullptr) {
    metrics_->samples_appended_total->WithLabelValues({job}).Add(static_cast<double>(result.added));
  }
  target_->Report(ts, duration_s, err.ok() ? result.added : 0, err);
}

void ScrapeLoop::Report(storage::Appender& app, TimestampMs ts, double duration_s,
                        const AppendResult& r, bool up) {
  AppendReportSample(app, kUp, ts, up ? 1 : 0);
  AppendReportSample(app, kDuration, ts, duration_s);
  AppendReportSample(app, kSamplesScraped, ts, static_cast<double>(r.total));
  AppendReportSample(app, kSamplesPostRelabel, ts, static_cast<double>(r.added));
  AppendReportSample(app, kSeriesAdded, ts, static_cast<double>(r.series_added));
}

void ScrapeLoop::AppendReportSample(storage::Appender& app, std::string_view name, TimestampMs ts,
                                    double v) {
  auto it = report_series_.find(name);
  if (it == report_series_.end()) {
    LabelsBuilder b(target_->public_labels());
    b.Set(kMetricNameLabel, name);
    it = report_series_.emplace(std::string(name), ReportSeries{0, b.Build()}).first;
  }
  auto ref = app.Append(it->second.ref, it->second.labels, ts, v);
  if (ref.ok()) it->second.ref = *ref;
}

void ScrapeLoop::EndOfRunStaleness() {
  if (last_ts_ == 0) return;  // never scraped
  const TimestampMs ts = std::max(NowMs(), last_ts_ + 1);
  std::unique_ptr<storage::Appender> app = appendable_->NewAppender();
  {
    std::lock_guard lock(cache_mu_);
    if (cache_) {
      for (const auto& [ref, raw] : cache_->PreviousSeries()) {
        (void)AppendCached(*app, ref, raw, ts, storage::kStaleNaN);
      }
    }
  }
  for (auto& [name, s] : report_series_) (void)app->Append(s.ref, s.labels, ts, storage::kStaleNaN);
  Status st = app->Commit();
  if (!st.ok()) {
    log::Warn("writing staleness markers failed",
              {{"target", target_->url()}, {"err", st.error().message()}});
  }
}

}  // namespace vigie::scrape
