// The head block: the most recent data, in memory, appendable and queryable.
//
// Locking (no lock is held while calling out; locks are only ever taken in this order):
//   hash stripe (lookup by label hash) -> series lock (striped by ref, guards a series' chunks
//   and append state) -> ref table growth lock -> postings (shared_mutex in MemPostings) ->
//   WAL mutex.
// Lookups by ref take no lookup lock: refs index a table of atomic pointers. A series is
// unlinked from it under its series lock and freed only afterwards, so a reader that finds the
// series still linked once it holds the series lock has a live series (WithSeries).
// An appender "pins" each series it buffers a sample for (pending_commits > 0, set under the
// series lock while the lookup lock is still held), and truncation never frees a pinned series,
// so Commit can use the pointers without lookup locks.
// Appends buffer in the Appender and take each series' lock at Commit; queries copy the chunk
// bytes they need under that lock, so iteration runs without locks.
// Not isolated per appender: a query running during a Commit may see part of it.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
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

  // WAL replay, before the head is shared (head_wal.cpp).
  // The series with these labels: created under `ref`, or the one that already has them (a
  // duplicate series record; its ref differs). Null only if creating it failed.
  MemSeries* ReplaySeries(storage::SeriesRef ref, const Labels& labels);
  // The series under `ref`, without taking a lock (nothing is truncated during replay).
  MemSeries* ReplayLookup(storage::SeriesRef ref) const { return refs_.Get(ref); }
  // What a run of replayed samples did, folded into the head's range and metrics at once.
  struct ReplayTally {
    int64_t mint = std::numeric_limits<int64_t>::max();
    int64_t maxt = std::numeric_limits<int64_t>::min();
    uint64_t appended = 0;
    uint64_t unknown = 0;  // samples whose series ref was never seen
  };
  // Appends (without logging) when newer than the series' last sample. Takes no lock: the
  // caller must be the only thread touching `s` (replay gives each series to one thread).
  // Samples older than MinValidTime are the caller's to skip.
  void ReplayAppend(MemSeries* s, int64_t t, double v, ReplayTally* tally) {
    if (t <= s->max_time) return;
    AppendLocked(s, t, v);
    ++tally->appended;
    tally->mint = std::min(tally->mint, t);
    tally->maxt = std::max(tally->maxt, t);
  }
  void AddReplayTally(const ReplayTally& tally);

  // Visits every series (unordered) under its lock; for analysis and tests.
  void ForEachSeries(const std::function<void(const MemSeries&)>& fn) const;

 private:
  friend class HeadAppender;
  friend class HeadQuerier;
  friend class HeadSeries;

  static constexpr size_t kStripes = 1 << 12;
  // Series by label hash: chained through MemSeries::hash_next (no node allocation per
  // series). The low bits of the hash chose the stripe, the next ones the bucket.
  struct HashStripe {
    std::mutex mu;
    std::vector<MemSeries*> buckets;  // GUARDED_BY(mu); size a power of two (or 0)
    size_t count = 0;                 // GUARDED_BY(mu)

    MemSeries** Bucket(uint64_t hash) { return &buckets[(hash >> 12) & (buckets.size() - 1)]; }
    void Insert(MemSeries* s);
    // Calls fn(series) for each.
    template <typename Fn>
    void ForEach(Fn&& fn) {
      for (MemSeries*& head : buckets) {
        for (MemSeries* s = head; s != nullptr; s = s->hash_next) fn(s);
      }
    }
    // Calls pred(series) for each and unlinks those it returns true for (pred may free them).
    template <typename Pred>
    void EraseIf(Pred&& pred) {
      for (MemSeries*& head : buckets) {
        for (MemSeries** link = &head; *link != nullptr;) {
          MemSeries* s = *link;
          MemSeries* next = s->hash_next;
          if (pred(s)) {
            *link = next;
            --count;
          } else {
            link = &s->hash_next;
          }
        }
      }
    }
  };
  // ref -> series: refs are small consecutive integers, so a two-level table of atomic
  // pointers (pages of 2^16 refs allocated on first use), read without locks. Refs past the
  // table (2^32 series created, in practice never) go to an overflow map under `mu`.
  class RefTable {
   public:
    RefTable();
    ~RefTable();
    MemSeries* Get(storage::SeriesRef ref) const {
      if (ref >= kMaxDenseRef) return GetOverflow(ref);
      const auto* page = pages_[ref >> kPageBits].load(std::memory_order_acquire);
      return page == nullptr ? nullptr : page[ref & kPageMask].load(std::memory_order_acquire);
    }
    // Links (or, with null, unlinks) a series.
    void Set(storage::SeriesRef ref, MemSeries* s);

   private:
    static constexpr int kPageBits = 16;
    static constexpr uint64_t kPageMask = (uint64_t{1} << kPageBits) - 1;
    static constexpr uint64_t kMaxDenseRef = uint64_t{1} << 32;
    MemSeries* GetOverflow(storage::SeriesRef ref) const;

    std::unique_ptr<std::atomic<std::atomic<MemSeries*>*>[]> pages_;
    mutable std::mutex mu_;  // page allocation, overflow_
    std::unordered_map<storage::SeriesRef, MemSeries*> overflow_;
  };

  std::mutex& SeriesLock(storage::SeriesRef ref) const {
    return series_locks_[ref & (kStripes - 1)];
  }
  // Looks a series up by ref and, if found, runs fn(series) under its series lock.
  template <typename Fn>
  bool WithSeries(storage::SeriesRef ref, Fn&& fn) const {
    MemSeries* s = refs_.Get(ref);
    if (s == nullptr) return false;
    std::lock_guard sl(SeriesLock(ref));
    // Unlinked meanwhile (and maybe freed): gone. Still linked under its lock: alive.
    if (refs_.Get(ref) != s) return false;
    fn(*s);
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
  // Owns the series (each is in exactly one stripe's chains).
  std::unique_ptr<HashStripe[]> hash_stripes_;
  RefTable refs_;
  mutable std::unique_ptr<std::mutex[]> series_locks_;
  MemPostings postings_;
  std::atomic<uint64_t> last_ref_{0};
  std::atomic<uint64_t> num_series_{0};
  std::atomic<int64_t> min_time_{std::numeric_limits<int64_t>::max()};
  std::atomic<int64_t> max_time_{std::numeric_limits<int64_t>::min()};
  std::atomic<int64_t> min_valid_time_{std::numeric_limits<int64_t>::min()};
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  uint64_t next_reader_ = 0;
  bool abort_waits_ = false;
  std::unordered_map<uint64_t, std::pair<int64_t, int64_t>> readers_;  // id -> [mint, maxt]
};

}  // namespace vigie::tsdb
