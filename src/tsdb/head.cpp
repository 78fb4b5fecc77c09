#include "tsdb/head.h"

#include <algorithm>
#include <utility>

#include "core/log.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/wal.h"

namespace vigie::tsdb {

Head::Head(HeadOptions opts, wal::Wal* wal, HeadMetrics* metrics)
    : opts_(opts),
      wal_(wal),
      metrics_(metrics),
      hash_stripes_(new HashStripe[kStripes]),
      series_locks_(new std::mutex[kStripes]) {}

Head::~Head() {
  metrics_->series.Add(-static_cast<int64_t>(num_series_.load()));
  int64_t chunks = 0;
  ForEachSeries([&](const MemSeries& s) { chunks += s.NumChunks(); });
  metrics_->chunks.Add(-chunks);
  for (size_t i = 0; i < kStripes; ++i) {
    hash_stripes_[i].EraseIf([](MemSeries* s) {
      delete s;
      return true;
    });
  }
}

void Head::HashStripe::Insert(MemSeries* s) {
  if (count + 1 > buckets.size()) {
    std::vector<MemSeries*> old = std::exchange(buckets, {});
    buckets.assign(std::max<size_t>(4, old.size() * 2), nullptr);
    for (MemSeries* head : old) {
      while (head != nullptr) {
        MemSeries* next = head->hash_next;
        MemSeries** b = Bucket(head->hash);
        head->hash_next = *b;
        *b = head;
        head = next;
      }
    }
  }
  MemSeries** b = Bucket(s->hash);
  s->hash_next = *b;
  *b = s;
  ++count;
}

Head::RefTable::RefTable()
    : pages_(new std::atomic<std::atomic<MemSeries*>*>[kMaxDenseRef >> kPageBits]) {
  for (uint64_t i = 0; i < (kMaxDenseRef >> kPageBits); ++i) {
    pages_[i].store(nullptr, std::memory_order_relaxed);
  }
}

Head::RefTable::~RefTable() {
  for (uint64_t i = 0; i < (kMaxDenseRef >> kPageBits); ++i) delete[] pages_[i].load();
}

MemSeries* Head::RefTable::GetOverflow(storage::SeriesRef ref) const {
  std::lock_guard lock(mu_);
  auto it = overflow_.find(ref);
  return it == overflow_.end() ? nullptr : it->second;
}

void Head::RefTable::Set(storage::SeriesRef ref, MemSeries* s) {
  if (ref >= kMaxDenseRef) {
    std::lock_guard lock(mu_);
    if (s == nullptr) {
      overflow_.erase(ref);
    } else {
      overflow_[ref] = s;
    }
    return;
  }
  auto& slot = pages_[ref >> kPageBits];
  auto* page = slot.load(std::memory_order_acquire);
  if (page == nullptr) {
    if (s == nullptr) return;
    std::lock_guard lock(mu_);
    page = slot.load(std::memory_order_acquire);
    if (page == nullptr) {
      page = new std::atomic<MemSeries*>[kPageMask + 1];
      for (uint64_t i = 0; i <= kPageMask; ++i) page[i].store(nullptr, std::memory_order_relaxed);
      slot.store(page, std::memory_order_release);
    }
  }
  page[ref & kPageMask].store(s, std::memory_order_release);
}

Result<MemSeries*> Head::GetOrCreate(const Labels& labels, uint64_t hash, bool pin,
                                     storage::SeriesRef want_ref) {
  auto& hs = hash_stripes_[hash & (kStripes - 1)];
  std::lock_guard hl(hs.mu);
  for (MemSeries* s = hs.buckets.empty() ? nullptr : *hs.Bucket(hash); s != nullptr;
       s = s->hash_next) {
    if (s->hash == hash && s->labels.Equals(labels)) {
      if (pin) {
        std::lock_guard sl(SeriesLock(s->ref));
        ++s->pending_commits;
      }
      return s;
    }
  }
  storage::SeriesRef ref = want_ref;
  if (ref == 0) {
    ref = last_ref_.fetch_add(1) + 1;
  } else {
    uint64_t cur = last_ref_.load();
    while (cur < ref && !last_ref_.compare_exchange_weak(cur, ref)) {
    }
  }
  auto* s = new MemSeries(ref, hash, labels);
  {
    // Linked under its series lock, as unlinking is (see WithSeries).
    std::lock_guard sl(SeriesLock(ref));
    refs_.Set(ref, s);
  }
  hs.Insert(s);
  postings_.Add(ref, s->labels);
  num_series_.fetch_add(1, std::memory_order_relaxed);
  metrics_->series.Add(1);
  metrics_->series_created.Add();
  if (wal_ != nullptr && want_ref == 0) {
    std::string rec;
    wal::EncodeOneSeries(ref, labels, &rec);
    if (auto st = wal_->Log(rec, /*flush=*/false); !st.ok()) {
      return st.error().Wrap("logging new series " + labels.ToString());
    }
  }
  if (pin) {
    std::lock_guard sl(SeriesLock(ref));
    ++s->pending_commits;
  }
  return s;
}

void Head::UpdateMinMax(int64_t mint, int64_t maxt) {
  int64_t cur = min_time_.load();
  while (mint < cur && !min_time_.compare_exchange_weak(cur, mint)) {
  }
  cur = max_time_.load();
  while (maxt > cur && !max_time_.compare_exchange_weak(cur, maxt)) {
  }
}

void Head::AppendLocked(MemSeries* s, int64_t t, double v) {
  if (s->Append(t, v, opts_.chunk_range_ms, opts_.samples_per_chunk)) {
    metrics_->chunks_created.Add();
    metrics_->chunks.Add(1);
  }
}

bool Head::HasSeries(storage::SeriesRef ref) const { return refs_.Get(ref) != nullptr; }

uint64_t Head::RegisterReader(int64_t mint, int64_t maxt) {
  std::lock_guard lock(readers_mu_);
  uint64_t id = ++next_reader_;
  readers_.emplace(id, std::make_pair(mint, maxt));
  return id;
}

void Head::UnregisterReader(uint64_t id) {
  {
    std::lock_guard lock(readers_mu_);
    readers_.erase(id);
  }
  readers_cv_.notify_all();
}

bool Head::WaitForReaders(int64_t mint, int64_t maxt) {
  std::unique_lock lock(readers_mu_);
  readers_cv_.wait(lock, [&] {
    if (abort_waits_) return true;
    for (const auto& [id, r] : readers_) {
      if (r.first <= maxt && r.second >= mint) return false;
    }
    return true;
  });
  return !abort_waits_;
}

void Head::AbortWaits() {
  {
    std::lock_guard lock(readers_mu_);
    abort_waits_ = true;
  }
  readers_cv_.notify_all();
}

bool Head::Truncate(int64_t mint) {
  if (!WaitForReaders(std::numeric_limits<int64_t>::min(), mint - 1)) return false;
  std::vector<std::unique_ptr<MemSeries>> dead;
  int64_t chunks_removed = 0;
  int64_t oldest = std::numeric_limits<int64_t>::max();  // oldest sample left
  for (size_t i = 0; i < kStripes; ++i) {
    auto& hs = hash_stripes_[i];
    std::lock_guard hl(hs.mu);
    hs.EraseIf([&](MemSeries* s) {
      std::lock_guard sl(SeriesLock(s->ref));
      chunks_removed += s->TruncateBefore(mint);
      oldest = std::min(oldest, s->MinTime());
      if (!s->Empty() || s->pending_commits != 0) return false;
      refs_.Set(s->ref, nullptr);  // under its series lock: see WithSeries
      dead.emplace_back(s);
      return true;
    });
  }
  std::vector<std::pair<uint64_t, const PackedLabels*>> gone;
  gone.reserve(dead.size());
  for (const auto& s : dead) gone.emplace_back(s->ref, &s->labels);
  std::sort(gone.begin(), gone.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  postings_.Delete(gone);
  num_series_.fetch_sub(dead.size(), std::memory_order_relaxed);
  metrics_->series.Add(-static_cast<int64_t>(dead.size()));
  metrics_->series_removed.Add(dead.size());
  metrics_->chunks.Add(-chunks_removed);
  metrics_->chunks_removed.Add(static_cast<uint64_t>(chunks_removed));
  metrics_->truncations.Add();
  metrics_->gc_runs.Add();
  // The head now starts at its oldest remaining sample (at least mint), so a long gap in the
  // data is skipped at once by the next compaction instead of range by range.
  int64_t new_min = std::max(mint, oldest == std::numeric_limits<int64_t>::max() ? mint : oldest);
  int64_t cur = min_time_.load();
  while (cur < new_min && !min_time_.compare_exchange_weak(cur, new_min)) {
  }
  if (MinValidTime() < mint) SetMinValidTime(mint);
  return true;
}

MemSeries* Head::ReplaySeries(storage::SeriesRef ref, const Labels& labels) {
  auto s = GetOrCreate(labels, labels.Hash(), /*pin=*/false, ref);
  return s.ok() ? *s : nullptr;
}

void Head::AddReplayTally(const ReplayTally& tally) {
  if (tally.appended > 0) {
    UpdateMinMax(tally.mint, tally.maxt);
    metrics_->samples_appended.Add(tally.appended);
  }
  if (tally.unknown > 0) metrics_->wal_unknown_refs.Add(tally.unknown);
}

void Head::ForEachSeries(const std::function<void(const MemSeries&)>& fn) const {
  for (size_t i = 0; i < kStripes; ++i) {
    auto& hs = hash_stripes_[i];
    std::lock_guard hl(hs.mu);
    hs.ForEach([&](const MemSeries* s) {
      std::lock_guard sl(SeriesLock(s->ref));
      fn(*s);
    });
  }
}

}  // namespace vigie::tsdb
