#include "tsdb/wal_replay_shards.h"

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

namespace vigie::tsdb {

namespace {
// A batch is handed over when it holds this many samples; a shard holds at most kMaxQueued
// batches, so a fast reader never buffers more than a few MiB of the WAL.
constexpr size_t kBatchSamples = 4096;
constexpr size_t kMaxQueued = 8;
constexpr uint64_t kMaxDenseRef = uint64_t{1} << 26;

struct ResolvedSample {
  MemSeries* series;
  int64_t t;
  double v;
};
using Batch = std::vector<ResolvedSample>;
}  // namespace

// One shard: a thread appending the samples of the series it owns, in the order handed over.
class ReplayShards::Worker {
 public:
  Worker(Head* head, bool threaded) : head_(head) {
    pending_.reserve(kBatchSamples);
    if (threaded) thread_ = std::thread([this] { Run(); });
  }
  ~Worker() { Stop(); }

  void Add(MemSeries* s, int64_t t, double v) {
    pending_.push_back({s, t, v});
    if (pending_.size() >= kBatchSamples) Submit();
  }

  // Hands the pending batch to the shard's thread (or applies it here when not threaded).
  void Submit() {
    if (pending_.empty()) return;
    if (!thread_.joinable()) {
      Apply(pending_);
      pending_.clear();
      return;
    }
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < kMaxQueued; });
    queue_.push_back(std::move(pending_));
    if (spare_.empty()) {
      pending_ = Batch{};
      pending_.reserve(kBatchSamples);
    } else {
      pending_ = std::move(spare_.back());
      spare_.pop_back();
    }
    lock.unlock();
    cv_.notify_all();
  }

  // Applies what is queued and joins the thread.
  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything applied
      Batch b = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      cv_.notify_all();  // room in the queue
      Apply(b);
      b.clear();
      lock.lock();
      if (spare_.size() < kMaxQueued) spare_.push_back(std::move(b));
    }
  }

  void Apply(const Batch& b) {
    Head::ReplayTally tally;
    // Appending is bound by memory latency (each sample touches a different series and its
    // open chunk), so the series a few samples ahead, and then their chunks' ends, are
    // fetched early.
    constexpr size_t kAhead = 16;
    const size_t n = b.size();
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) {
        const MemSeries* s = b[i + kAhead].series;
        __builtin_prefetch(reinterpret_cast<const char*>(s) + offsetof(MemSeries, head));
        __builtin_prefetch(&s->max_time);
      }
      if (i + kAhead / 2 < n) {
        const MemSeries* s = b[i + kAhead / 2].series;
        __builtin_prefetch(s->head.data() + s->head.size(), 1);
      }
      head_->ReplayAppend(b[i].series, b[i].t, b[i].v, &tally);
    }
    head_->AddReplayTally(tally);
  }

  Head* const head_;
  Batch pending_;  // filled by the caller only

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;   // GUARDED_BY(mu_)
  std::vector<Batch> spare_;  // GUARDED_BY(mu_); emptied batches, reused for their capacity
  bool stopping_ = false;     // GUARDED_BY(mu_)
  std::thread thread_;
};

size_t ReplayShards::DefaultShards() {
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
}

ReplayShards::ReplayShards(Head* head, size_t shards) : head_(head) {
  shards = std::clamp<size_t>(shards, 1, 64);
  for (size_t i = 0; i < shards; ++i) {
    workers_.push_back(std::make_unique<Worker>(head, /*threaded=*/shards > 1));
  }
}

ReplayShards::~ReplayShards() { Finish(); }

MemSeries* ReplayShards::Find(uint64_t ref) const {
  if (ref < kMaxDenseRef) {
    if (ref < dense_.size() && dense_[ref] != nullptr) return dense_[ref];
  } else if (auto it = sparse_.find(ref); it != sparse_.end()) {
    return it->second;
  }
  return head_->ReplayLookup(ref);  // created before replay began
}

void ReplayShards::AddSeries(std::vector<wal::RefSeries>* series) {
  // Created here rather than on the shards: a series record may name labels an earlier one
  // created under another ref, and samples under both refs must then reach the same thread.
  for (const auto& rs : *series) {
    MemSeries* s = head_->ReplaySeries(rs.ref, rs.labels);
    if (s == nullptr) continue;
    if (s->ref != rs.ref) ++duplicates_;
    if (rs.ref < kMaxDenseRef) {
      if (dense_.size() <= rs.ref) {
        dense_.resize(std::max<size_t>(rs.ref + 1, dense_.size() * 2), nullptr);
      }
      dense_[rs.ref] = s;
    } else {
      sparse_[rs.ref] = s;
    }
  }
  series->clear();
}

void ReplayShards::AddSamples(std::vector<wal::RefSample>* samples) {
  const int64_t min_valid = head_->MinValidTime();
  const size_t n = workers_.size();
  for (const auto& smp : *samples) {
    if (smp.t < min_valid) continue;  // already persisted in a block
    MemSeries* s = Find(smp.ref);
    if (s == nullptr) {
      ++unknown_.unknown;
      continue;
    }
    // The shard comes from the series' address, not its fields (reading them here would
    // cost a cache miss per sample), and a page of series goes to one shard, so two threads
    // never write neighbouring series on one cache line.
    size_t shard = n == 1 ? 0 : (reinterpret_cast<uintptr_t>(s) >> 12) % n;
    workers_[shard]->Add(s, smp.t, smp.v);
  }
  samples->clear();
}

void ReplayShards::Finish() {
  if (finished_) return;
  finished_ = true;
  for (auto& w : workers_) w->Submit();
  for (auto& w : workers_) w->Stop();
  head_->AddReplayTally(unknown_);
}

}  // namespace vigie::tsdb
