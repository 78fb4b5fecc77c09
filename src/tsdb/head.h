// The head block: the most recent data, in memory, appendable and queryable.
//
// Locking (no lock is held while calling out; locks are only ever taken in this order):
//   hash stripe (lookup by label hash) -> ref stripe (lookup by ref) -> series lock
//   (striped by ref, guards a series' chunks and append state) -> postings (shared_mutex in
//   MemPostings) -> WAL mutex.
// An appender "pins" each series it buffers a sample for (pending_commits > 0, set under the
// series lock while the lookup lock is still held), and truncation never frees a pinned series,
// so Commit can use the pointers without lookup locks.
// Appends buffer in the Appender and take each series' lock at Commit; queries copy the chunk
// bytes they need under that lock, so iteration runs without locks.
// Not isolated per appender: a query running during a Commit may see part of it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "storage/appender.h"
#include "storage/querier.h"
#include "tsdb/mem_postings.h"
#include "tsdb/mem_series.h"
#include "tsdb/metrics.h"

namespace vigie::tsdb {

namespace wal {
class Wal;
struct RefSample;
}  // namespace wal

struct HeadOptions {
  int64_t chunk_range_ms = 2 * 3600 * 1000;  // chunks never cross multiples of this (block size)
  int samples_per_chunk = 120;
};

class Head final : public storage::Appendable, public storage::Queryable {
 public:
  // `wal` may be null (no durability: tests, import). `metrics` must outlive the head.
  Head(HeadOptions opts, wal::Wal* wal, HeadMetrics* metrics);
  ~Head() override;
  Head(const Head&) = delete;

  std::unique_ptr<storage::Appender> NewAppender() override;
  Result<std::unique_ptr<storage::Querier>> NewQuerier(TimestampMs mint, TimestampMs maxt) override;

  // Timestamps of the oldest and newest sample (max < min when empty).
  int64_t MinTime() const { return min_time_.load(std::memory_order_acquire); }
  int64_t MaxTime() const { return max_time_.load(std::memory_order_acquire); }
  uint64_t NumSeries() const { return num_series_.load(std::memory_order_relaxed); }
  // Samples older than this are rejected as out of bounds (the newest block's end).
  void SetMinValidTime(int64_t t) { min_valid_time_.store(t, std::memory_order_release); }
  int64_t MinValidTime() const { return min_valid_time_.load(std::memory_order_acquire); }
  const HeadOptions& options() const { return opts_; }
  // Attaches (or detaches, with null) the WAL new series and commits are logged to. Only while
  // no appender is active (after replay, before close).
  void AttachWal(wal::Wal* wal) { wal_ = wal; }

  // Drops all chunks ending before `mint`, then series left without chunks. Sets MinTime.
  // Waits first for open queriers that overlap the dropped range (their data would vanish
  // under them otherwise; the DB creates the head querier before looking at blocks).
  // Returns false without truncating if AbortWaits() was called meanwhile.
  bool Truncate(int64_t mint);
  // Makes pending and future Truncate calls give up instead of waiting (on close, when the
  // closing thread may itself hold a querier).
  void AbortWaits();
  // Whether the series still exists (for WAL checkpoints).
  bool HasSeries(storage::SeriesRef ref) const;

  // WAL replay (single-threaded, before the head is shared): series with a given ref, and
  // samples appended without logging. Unknown refs are counted and skipped.
  void ReplaySeries(storage::SeriesRef ref, const Labels& labels);
  void ReplaySample(storage::SeriesRef ref, int64_t t, double v);
  // The same for a whole samples record, with the bookkeeping done once per record.
  void ReplaySamples(std::span<const wal::RefSample> samples);
  // Refs that replay saw for series already created under another ref (same labels).
  size_t ReplayDuplicates() const { return replay_alias_.size(); }
  // Frees the replay lookup tables; call once replay is done.
  void FinishReplay();

  // Visits every series (unordered) under its lock; for analysis and tests.
  void ForEachSeries(const std::function<void(const MemSeries&)>& fn) const;

 private:
  friend class HeadAppender;
  friend class HeadQuerier;
  friend class HeadSeries;

  static constexpr size_t kStripes = 1 << 12;
  struct HashStripe {
    std::mutex mu;
    std::unordered_multimap<uint64_t, MemSeries*> by_hash;
  };
  struct RefStripe {
    std::mutex mu;
    std::unordered_map<storage::SeriesRef, std::unique_ptr<MemSeries>> by_ref;
  };

  std::mutex& SeriesLock(storage::SeriesRef ref) const {
    return series_locks_[ref & (kStripes - 1)];
  }
  // Looks a series up by ref and, if found, runs fn(series) under its series lock.
  template <typename Fn>
  bool WithSeries(storage::SeriesRef ref, Fn&& fn) const {
    auto& rs = ref_stripes_[ref & (kStripes - 1)];
    std::lock_guard rl(rs.mu);
    auto it = rs.by_ref.find(ref);
    if (it == rs.by_ref.end()) return false;
    std::lock_guard sl(SeriesLock(ref));
    fn(*it->second);
    return true;
  }
  // Finds or creates the series (logging new ones to the WAL unless replaying) and pins it
  // (pending_commits + 1) when `pin`. Errors only when the WAL write of a new series fails
  // (the series then exists in memory, unpinned).
  Result<MemSeries*> GetOrCreate(const Labels& labels, uint64_t hash, bool pin,
                                 storage::SeriesRef want_ref = 0);
  void UpdateMinMax(int64_t mint, int64_t maxt);
  uint64_t RegisterReader(int64_t mint, int64_t maxt);
  void UnregisterReader(uint64_t id);
  bool WaitForReaders(int64_t mint, int64_t maxt);
  void AppendLocked(MemSeries* s, int64_t t, double v);

  const HeadOptions opts_;
  wal::Wal* wal_;
  HeadMetrics* metrics_;
  std::unique_ptr<HashStripe[]> hash_stripes_;
  std::unique_ptr<RefStripe[]> ref_stripes_;
  mutable std::unique_ptr<std::mutex[]> series_locks_;
  MemPostings postings_;
  std::atomic<uint64_t> last_ref_{0};
  std::atomic<uint64_t> num_series_{0};
  std::atomic<int64_t> min_time_{std::numeric_limits<int64_t>::max()};
  std::atomic<int64_t> max_time_{std::numeric_limits<int64_t>::min()};
  std::atomic<int64_t> min_valid_time_{std::numeric_limits<int64_t>::min()};
  std::unordered_map<storage::SeriesRef, storage::SeriesRef> replay_alias_;
  // ref -> series during replay (refs are dense), to skip the hash lookups per sample.
  std::vector<MemSeries*> replay_index_;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  uint64_t next_reader_ = 0;
  bool abort_waits_ = false;
  std::unordered_map<uint64_t, std::pair<int64_t, int64_t>> readers_;  // id -> [mint, maxt]
};

}  // namespace vigie::tsdb
