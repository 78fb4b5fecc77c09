// Exposes DbMetrics under the Prometheus server's metric names (prometheus_tsdb_*), so
// dashboards written for Prometheus work; vigie_tsdb_* where Prometheus has no equivalent.
#include "instrument/buckets.h"
#include "instrument/collector.h"
#include "instrument/registry.h"
#include "tsdb/db.h"

namespace vigie::tsdb {

namespace {
using expfmt::MetricFamily;
using expfmt::MetricType;

class DbCollector final : public instrument::Collector {
 public:
  explicit DbCollector(const DB* db) : db_(db) {}

  void Collect(std::vector<MetricFamily>* out) override {
    const DbMetrics& m = db_->metrics();
    const HeadMetrics& h = m.head;
    const WalMetrics& w = m.wal;
    auto gauge = [&](const char* name, const char* help, double v) {
      Add(out, name, help, MetricType::kGauge, name, v);
    };
    auto counter = [&](const char* name, const char* help, double v) {
      std::string full = std::string(name) + "_total";
      Add(out, name, help, MetricType::kCounter, full, v);
    };
    gauge("prometheus_tsdb_head_series", "Total number of series in the head block.",
          static_cast<double>(h.series.Get()));
    counter("prometheus_tsdb_head_series_created", "Total number of series created in the head",
            static_cast<double>(h.series_created.Get()));
    counter("prometheus_tsdb_head_series_removed", "Total number of series removed in the head",
            static_cast<double>(h.series_removed.Get()));
    gauge("prometheus_tsdb_head_chunks", "Total number of chunks in the head block.",
          static_cast<double>(h.chunks.Get()));
    counter("prometheus_tsdb_head_chunks_created", "Total number of chunks created in the head",
            static_cast<double>(h.chunks_created.Get()));
    counter("prometheus_tsdb_head_chunks_removed", "Total number of chunks removed in the head",
            static_cast<double>(h.chunks_removed.Get()));
    counter("prometheus_tsdb_head_samples_appended", "Total number of appended samples.",
            static_cast<double>(h.samples_appended.Get()));
    counter("prometheus_tsdb_out_of_order_samples",
            "Total number of out of order samples ingestion failed attempts.",
            static_cast<double>(h.out_of_order.Get()));
    counter("prometheus_tsdb_out_of_bound_samples",
            "Total number of out of bound samples ingestion failed attempts.",
            static_cast<double>(h.out_of_bounds.Get()));
    counter("vigie_tsdb_duplicate_samples",
            "Samples rejected because another value exists at the same timestamp.",
            static_cast<double>(h.duplicates.Get()));
    counter("prometheus_tsdb_head_truncations", "Total number of head truncations attempted.",
            static_cast<double>(h.truncations.Get()));
    gauge("prometheus_tsdb_head_active_appenders",
          "Number of currently active appender transactions",
          static_cast<double>(h.active_appenders.Get()));
    gauge("prometheus_tsdb_head_min_time", "Minimum time bound of the head block.",
          static_cast<double>(db_head_min()));
    gauge("prometheus_tsdb_head_max_time", "Maximum timestamp of the head block.",
          static_cast<double>(db_head_max()));
    counter("vigie_tsdb_wal_replay_unknown_refs",
            "Samples in the WAL that referenced a series it did not define.",
            static_cast<double>(h.wal_unknown_refs.Get()));

    Histogram(out, "prometheus_tsdb_wal_fsync_duration_seconds", "Duration of WAL fsync.",
              w.fsync_duration);
    counter("prometheus_tsdb_wal_page_flushes", "Total number of page flushes.",
            static_cast<double>(w.page_flushes.Get()));
    counter("prometheus_tsdb_wal_completed_pages", "Total number of completed pages.",
            static_cast<double>(w.completed_pages.Get()));
    counter("prometheus_tsdb_wal_truncations", "Total number of WAL truncations attempted.",
            static_cast<double>(w.truncations.Get()));
    counter("prometheus_tsdb_wal_truncations_failed",
            "Total number of WAL truncations that failed.",
            static_cast<double>(w.truncations_failed.Get()));
    counter("prometheus_tsdb_wal_writes_failed", "Total number of WAL writes that failed.",
            static_cast<double>(w.writes_failed.Get()));
    counter("prometheus_tsdb_wal_corruptions", "Total number of WAL corruptions.",
            static_cast<double>(w.corruptions.Get()));
    counter("prometheus_tsdb_wal_record_bytes", "Total number of bytes of WAL records written.",
            static_cast<double>(w.record_bytes.Get()));
    gauge("prometheus_tsdb_wal_segment_current",
          "Write log segment index that TSDB is currently writing to.",
          static_cast<double>(w.segment_current.Get()));
    counter("prometheus_tsdb_checkpoint_creations",
            "Total number of checkpoint creations attempted.",
            static_cast<double>(w.checkpoint_creations.Get()));
    counter("prometheus_tsdb_checkpoint_creations_failed",
            "Total number of checkpoint creations that failed.",
            static_cast<double>(w.checkpoint_creations_failed.Get()));
    counter("prometheus_tsdb_checkpoint_deletions",
            "Total number of checkpoint deletions attempted.",
            static_cast<double>(w.checkpoint_deletions.Get()));

    counter("prometheus_tsdb_compactions", "Total number of compactions that were executed.",
            static_cast<double>(m.compactions.Get()));
    counter("prometheus_tsdb_compactions_failed", "Total number of compactions that failed.",
            static_cast<double>(m.compactions_failed.Get()));
    counter("prometheus_tsdb_compactions_triggered", "Total number of triggered compactions.",
            static_cast<double>(m.compactions_triggered.Get()));
    Histogram(out, "prometheus_tsdb_compaction_duration_seconds", "Duration of compaction runs",
              m.compaction_duration);
    gauge("prometheus_tsdb_blocks_loaded", "Number of currently loaded data blocks",
          static_cast<double>(m.blocks_loaded.Get()));
    gauge("prometheus_tsdb_storage_blocks_bytes",
          "The number of bytes that are currently used for local storage by all blocks.",
          static_cast<double>(m.blocks_bytes.Get()));
    counter("prometheus_tsdb_reloads",
            "Number of times the database reloaded block data from disk.",
            static_cast<double>(m.reloads.Get()));
    counter(
        "prometheus_tsdb_time_retentions",
        "The number of times that blocks were deleted because the maximum time limit was exceeded.",
        static_cast<double>(m.time_retentions.Get()));
    counter("prometheus_tsdb_size_retentions",
            "The number of times that blocks were deleted because the maximum number of bytes was "
            "exceeded.",
            static_cast<double>(m.size_retentions.Get()));
    counter("vigie_tsdb_blocks_corrupted",
            "Blocks that failed to load and were moved aside as <ulid>.damaged.",
            static_cast<double>(m.blocks_corrupted.Get()));
    gauge("prometheus_tsdb_lowest_timestamp", "Lowest timestamp value stored in the database.",
          static_cast<double>(m.lowest_timestamp.Get()));
    gauge("prometheus_tsdb_retention_limit_bytes",
          "Max number of bytes to be retained in the tsdb blocks, configure 0 means disabled",
          static_cast<double>(m.retention_limit_bytes.Get()));
  }

 private:
  int64_t db_head_min() { return const_cast<DB*>(db_)->head().MinTime(); }
  int64_t db_head_max() { return const_cast<DB*>(db_)->head().MaxTime(); }

  static void Add(std::vector<MetricFamily>* out, const char* family, const char* help,
                  MetricType type, const std::string& sample_name, double v) {
    MetricFamily f;
    f.name = family;
    f.type = type;
    f.help = help;
    expfmt::Sample s;
    s.labels = Labels{{kMetricNameLabel, sample_name}};
    s.value = v;
    f.samples.push_back(std::move(s));
    out->push_back(std::move(f));
  }

  static void Histogram(std::vector<MetricFamily>* out, const char* name, const char* help,
                        const DurationHistogram& h) {
    MetricFamily f;
    f.name = name;
    f.type = MetricType::kHistogram;
    f.help = help;
    std::string n(name);
    uint64_t cum = 0;
    for (int i = 0; i <= DurationHistogram::kN; ++i) {
      cum += h.buckets[i].load(std::memory_order_relaxed);
      std::string le = i < DurationHistogram::kN
                           ? instrument::FormatBucketBound(DurationHistogram::kBounds[i], false)
                           : "+Inf";
      expfmt::Sample s;
      s.labels = Labels{{kMetricNameLabel, n + "_bucket"}, {"le", le}};
      s.value = static_cast<double>(cum);
      f.samples.push_back(std::move(s));
    }
    expfmt::Sample sum;
    sum.labels = Labels{{kMetricNameLabel, n + "_sum"}};
    sum.value = h.sum.load(std::memory_order_relaxed);
    f.samples.push_back(std::move(sum));
    expfmt::Sample count;
    count.labels = Labels{{kMetricNameLabel, n + "_count"}};
    count.value = static_cast<double>(cum);
    f.samples.push_back(std::move(count));
    out->push_back(std::move(f));
  }

  const DB* db_;
};
}  // namespace

Status DB::RegisterMetrics() {
  collector_ = std::make_unique<DbCollector>(this);
  return registry_->RegisterCollector(collector_.get());
}

void DB::UnregisterMetrics() {
  if (registry_ != nullptr && collector_) registry_->UnregisterCollector(collector_.get());
  registry_ = nullptr;
}

}  // namespace vigie::tsdb
