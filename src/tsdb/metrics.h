// The TSDB's self-metrics, as plain atomics so the hot path never touches a registry.
// db_metrics.cpp exposes them under Prometheus's names (prometheus_tsdb_*) through an
// instrument::Collector.
#pragma once

#include <atomic>
#include <cstdint>

namespace vigie::tsdb {

struct AtomicCounter {
  std::atomic<uint64_t> v{0};
  void Add(uint64_t n = 1) { v.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Get() const { return v.load(std::memory_order_relaxed); }
};

struct AtomicGauge {
  std::atomic<int64_t> v{0};
  void Add(int64_t n) { v.fetch_add(n, std::memory_order_relaxed); }
  void Set(int64_t n) { v.store(n, std::memory_order_relaxed); }
  int64_t Get() const { return v.load(std::memory_order_relaxed); }
};

// A cumulative histogram of durations in seconds with fixed buckets.
struct DurationHistogram {
  static constexpr double kBounds[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60};
  static constexpr int kN = sizeof(kBounds) / sizeof(kBounds[0]);
  std::atomic<uint64_t> buckets[kN + 1] = {};  // last: +Inf
  std::atomic<uint64_t> count{0};
  std::atomic<double> sum{0};
  void Observe(double seconds) {
    int i = 0;
    while (i < kN && seconds > kBounds[i]) ++i;
    buckets[i].fetch_add(1, std::memory_order_relaxed);
    count.fetch_add(1, std::memory_order_relaxed);
    double s = sum.load(std::memory_order_relaxed);
    while (!sum.compare_exchange_weak(s, s + seconds, std::memory_order_relaxed)) {
    }
  }
};

struct HeadMetrics {
  AtomicGauge series;                // prometheus_tsdb_head_series
  AtomicCounter series_created;      // prometheus_tsdb_head_series_created_total
  AtomicCounter series_removed;      // prometheus_tsdb_head_series_removed_total
  AtomicGauge chunks;                // prometheus_tsdb_head_chunks
  AtomicCounter chunks_created;      // prometheus_tsdb_head_chunks_created_total
  AtomicCounter chunks_removed;      // prometheus_tsdb_head_chunks_removed_total
  AtomicCounter samples_appended;    // prometheus_tsdb_head_samples_appended_total
  AtomicCounter out_of_order;        // prometheus_tsdb_out_of_order_samples_total
  AtomicCounter out_of_bounds;       // prometheus_tsdb_out_of_bound_samples_total
  AtomicCounter duplicates;          // vigie_tsdb_duplicate_samples_total (different value)
  AtomicCounter truncations;         // prometheus_tsdb_head_truncations_total
  AtomicCounter truncations_failed;  // prometheus_tsdb_head_truncations_failed_total
  AtomicCounter gc_runs;             // prometheus_tsdb_head_gc_duration_seconds_count
  AtomicGauge active_appenders;      // prometheus_tsdb_head_active_appenders
  AtomicCounter wal_unknown_refs;    // vigie_tsdb_wal_replay_unknown_refs_total
};

struct WalMetrics {
  DurationHistogram fsync_duration;    // prometheus_tsdb_wal_fsync_duration_seconds
  AtomicCounter page_flushes;          // prometheus_tsdb_wal_page_flushes_total
  AtomicCounter completed_pages;       // prometheus_tsdb_wal_completed_pages_total
  AtomicCounter truncations;           // prometheus_tsdb_wal_truncations_total
  AtomicCounter truncations_failed;    // prometheus_tsdb_wal_truncations_failed_total
  AtomicCounter writes_failed;         // prometheus_tsdb_wal_writes_failed_total
  AtomicCounter corruptions;           // prometheus_tsdb_wal_corruptions_total
  AtomicCounter record_bytes;          // prometheus_tsdb_wal_record_bytes_total (uncompressed)
  AtomicGauge segment_current;         // prometheus_tsdb_wal_segment_current
  AtomicCounter checkpoint_creations;  // prometheus_tsdb_checkpoint_creations_total
  AtomicCounter checkpoint_creations_failed;  // prometheus_tsdb_checkpoint_creations_failed_total
  AtomicCounter checkpoint_deletions;         // prometheus_tsdb_checkpoint_deletions_total
};

struct DbMetrics {
  HeadMetrics head;
  WalMetrics wal;
  AtomicCounter compactions;              // prometheus_tsdb_compactions_total
  AtomicCounter compactions_failed;       // prometheus_tsdb_compactions_failed_total
  AtomicCounter compactions_triggered;    // prometheus_tsdb_compactions_triggered_total
  DurationHistogram compaction_duration;  // prometheus_tsdb_compaction_duration_seconds
  AtomicGauge blocks_loaded;              // prometheus_tsdb_blocks_loaded
  AtomicGauge blocks_bytes;               // prometheus_tsdb_storage_blocks_bytes
  AtomicCounter reloads;                  // prometheus_tsdb_reloads_total
  AtomicCounter reloads_failed;           // prometheus_tsdb_reloads_failures_total
  AtomicCounter time_retentions;          // prometheus_tsdb_time_retentions_total
  AtomicCounter size_retentions;          // prometheus_tsdb_size_retentions_total
  AtomicCounter blocks_corrupted;         // vigie_tsdb_blocks_corrupted_total (moved aside)
  AtomicGauge lowest_timestamp;           // prometheus_tsdb_lowest_timestamp (ms)
  AtomicGauge retention_limit_bytes;      // prometheus_tsdb_retention_limit_bytes
};

}  // namespace vigie::tsdb
