// Compaction: head ranges -> level-1 blocks, adjacent blocks -> larger ones, and retention.
#include <algorithm>
#include <set>

#include "core/log.h"
#include "storage/merge.h"
#include "tsdb/db.h"
#include "tsdb/wal/checkpoint.h"

namespace vigie::tsdb {

namespace {
int64_t FloorTo(int64_t t, int64_t r) {
  int64_t q = t / r;
  if (t % r != 0 && t < 0) --q;
  return q * r;
}
}  // namespace

std::vector<int64_t> DB::Ranges() const {
  int64_t max = opts_.max_block_duration_ms;
  if (max <= 0) {
    max = 31 * kDayMs;
    if (opts_.retention_ms > 0) max = std::min(max, opts_.retention_ms / 10);
  }
  std::vector<int64_t> out{opts_.min_block_duration_ms};
  while (out.back() * 3 <= max && out.size() < 10) out.push_back(out.back() * 3);
  return out;
}

Status DB::CompactHeadRange(int64_t mint, int64_t maxt) {
  int64_t start = MonotonicNs();
  metrics_.compactions_triggered.Add();
  VIGIE_ASSIGN_OR_RETURN(auto q, head_->NewQuerier(mint, maxt - 1));
  auto set = q->Select(true, nullptr, {});
  BlockWriteOptions bo;
  bo.samples_per_chunk = opts_.block_samples_per_chunk;
  bo.allow_scaled_int = opts_.block_scaled_int_chunks;
  auto meta = WriteBlock(*fs_, opts_.dir, mint, maxt, *set, bo);
  set.reset();
  q.reset();  // Truncate waits for open head queriers
  if (!meta.ok()) {
    metrics_.compactions_failed.Add();
    return meta.error();
  }
  if (meta->num_samples > 0) {
    auto b = Block::Open(*fs_, fs::Join(opts_.dir, meta->ulid));
    if (!b.ok()) {
      metrics_.compactions_failed.Add();
      return b.error().Wrap("opening the block just written");
    }
    AddBlock(std::move(b).value());
    metrics_.compactions.Add();
    metrics_.compaction_duration.Observe(static_cast<double>(MonotonicNs() - start) / 1e9);
    log::Info("head compacted into a block", {{"block", meta->ulid},
                                              {"mint", mint},
                                              {"maxt", maxt},
                                              {"series", meta->num_series},
                                              {"samples", meta->num_samples},
                                              {"duration_ms", (MonotonicNs() - start) / 1000000}});
  }
  head_->SetMinValidTime(maxt);
  if (!head_->Truncate(maxt)) {
    // Closing: the block is on disk; on restart, replay skips what it holds.
    return Unavailable("TSDB is closing; head truncation skipped");
  }
  return TruncateWal(maxt);
}

Status DB::TruncateWal(int64_t mint) {
  if (!wal_) return OkStatus();
  auto segs = wal::ListSegments(*fs_, wal_->dir());
  if (!segs.ok() || segs->empty()) return OkStatus();
  int first = segs->front();
  int cur = wal_->CurrentSegment();
  VIGIE_RETURN_IF_ERROR(wal_->NextSegment().ok() ? OkStatus() : Status(IoError("WAL cut failed")));
  // Like Prometheus: checkpoint the older two thirds of the closed segments.
  int last = first + (cur - first) * 2 / 3;
  if (last < first) return OkStatus();
  Head* h = head_.get();
  auto st = wal::Checkpoint(
      *fs_, wal_->dir(), first, last, [h](uint64_t ref) { return h->HasSeries(ref); }, mint,
      &metrics_.wal);
  if (!st.ok()) return st;
  return wal_->TruncateBefore(last + 1);
}

Status DB::CompactBlocks() {
  auto ranges = Ranges();
  while (true) {
    std::vector<std::shared_ptr<Block>> blocks;
    {
      std::shared_lock lock(blocks_mu_);
      blocks = blocks_;
    }
    if (blocks.size() < 2) return OkStatus();
    int64_t high = blocks.back()->meta().min_time;
    std::vector<std::shared_ptr<Block>> pick;
    for (size_t ri = 1; ri < ranges.size() && pick.empty(); ++ri) {
      int64_t r = ranges[ri];
      // Group blocks by aligned window; only blocks entirely inside their window count.
      size_t i = 0;
      while (i < blocks.size() && pick.empty()) {
        int64_t w0 = FloorTo(blocks[i]->meta().min_time, r);
        std::vector<std::shared_ptr<Block>> group;
        size_t j = i;
        for (; j < blocks.size() && blocks[j]->meta().min_time < w0 + r; ++j) {
          if (blocks[j]->meta().max_time <= w0 + r) group.push_back(blocks[j]);
        }
        i = j;
        if (group.size() < 2) continue;
        int64_t gmin = group.front()->meta().min_time, gmax = group.back()->meta().max_time;
        if (gmax - gmin == r || gmax <= high) pick = std::move(group);
      }
    }
    if (pick.empty()) return OkStatus();

    int64_t start = MonotonicNs();
    metrics_.compactions_triggered.Add();
    int64_t mint = pick.front()->meta().min_time, maxt = 0;
    BlockWriteOptions bo;
    bo.samples_per_chunk = opts_.block_samples_per_chunk;
    bo.allow_scaled_int = opts_.block_scaled_int_chunks;
    std::set<std::string> sources;
    std::vector<std::unique_ptr<storage::Querier>> qs;
    for (const auto& b : pick) {
      mint = std::min(mint, b->meta().min_time);
      maxt = std::max(maxt, b->meta().max_time);
      bo.level = std::max(bo.level, b->meta().level + 1);
      sources.insert(b->meta().sources.begin(), b->meta().sources.end());
      bo.parents.push_back(b->meta().ulid);
      VIGIE_ASSIGN_OR_RETURN(auto q, b->NewQuerier(b->meta().min_time, b->meta().max_time - 1));
      qs.push_back(std::move(q));
    }
    bo.sources.assign(sources.begin(), sources.end());
    auto merged = storage::NewMergeQuerier(std::move(qs));
    auto set = merged->Select(true, nullptr, {});
    auto meta = WriteBlock(*fs_, opts_.dir, mint, maxt, *set, bo);
    set.reset();
    merged.reset();
    if (!meta.ok()) {
      metrics_.compactions_failed.Add();
      return meta.error().Wrap("compacting blocks");
    }
    if (meta->num_samples > 0) {
      auto nb = Block::Open(*fs_, fs::Join(opts_.dir, meta->ulid));
      if (!nb.ok()) {
        metrics_.compactions_failed.Add();
        return nb.error();
      }
      AddBlock(std::move(nb).value());
    }
    metrics_.compactions.Add();
    metrics_.compaction_duration.Observe(static_cast<double>(MonotonicNs() - start) / 1e9);
    log::Info("compacted blocks", {{"block", meta->ulid},
                                   {"parents", static_cast<uint64_t>(bo.parents.size())},
                                   {"level", meta->level},
                                   {"mint", mint},
                                   {"maxt", maxt}});
    DeleteBlocks(bo.parents, "compacted into a larger block");
  }
}

Status DB::ApplyRetention() {
  std::vector<std::shared_ptr<Block>> blocks;
  {
    std::shared_lock lock(blocks_mu_);
    blocks = blocks_;
  }
  if (blocks.empty()) return OkStatus();
  std::sort(blocks.begin(), blocks.end(),
            [](const auto& a, const auto& b) { return a->meta().max_time > b->meta().max_time; });
  std::vector<std::string> by_time, by_size;
  if (opts_.retention_ms > 0) {
    int64_t newest = blocks.front()->meta().max_time;
    for (size_t i = 1; i < blocks.size(); ++i) {
      if (newest - blocks[i]->meta().max_time > opts_.retention_ms) {
        by_time.push_back(blocks[i]->meta().ulid);
      }
    }
  }
  if (opts_.retention_bytes > 0) {
    uint64_t total = 0;
    if (wal_) {
      if (auto segs = wal::ListSegments(*fs_, wal_->dir()); segs.ok()) {
        for (int s : *segs) {
          if (auto n = fs_->FileSize(fs::Join(wal_->dir(), wal::SegmentName(s))); n.ok())
            total += *n;
        }
      }
    }
    for (const auto& b : blocks) {
      total += b->size_bytes();
      if (total > opts_.retention_bytes &&
          std::find(by_time.begin(), by_time.end(), b->meta().ulid) == by_time.end()) {
        by_size.push_back(b->meta().ulid);
      }
    }
  }
  if (!by_time.empty()) {
    metrics_.time_retentions.Add();
    DeleteBlocks(by_time, "beyond retention time");
  }
  if (!by_size.empty()) {
    metrics_.size_retentions.Add();
    DeleteBlocks(by_size, "beyond retention size");
  }
  return OkStatus();
}

Status DB::Compact() {
  std::lock_guard lock(compact_mu_);
  const int64_t range = opts_.min_block_duration_ms;
  // Persist the head's oldest range once the head spans 1.5 ranges (as Prometheus), so the
  // newest data stays appendable in memory.
  while (true) {
    int64_t mint = head_->MinTime(), maxt = head_->MaxTime();
    if (maxt < mint || maxt - mint <= range / 2 * 3) break;
    int64_t start = FloorTo(mint, range);
    VIGIE_RETURN_IF_ERROR(CompactHeadRange(start, start + range));
  }
  VIGIE_RETURN_IF_ERROR(CompactBlocks());
  return ApplyRetention();
}

Status DB::FlushHead() {
  std::lock_guard lock(compact_mu_);
  const int64_t range = opts_.min_block_duration_ms;
  while (true) {
    int64_t mint = head_->MinTime(), maxt = head_->MaxTime();
    if (maxt < mint) break;
    int64_t start = FloorTo(mint, range);
    VIGIE_RETURN_IF_ERROR(CompactHeadRange(start, start + range));
    if (start + range > maxt) break;
  }
  return OkStatus();
}

}  // namespace vigie::tsdb
