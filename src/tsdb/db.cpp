#include "tsdb/db.h"

#include <algorithm>
#include <set>

#include "core/log.h"
#include "instrument/collector.h"
#include "instrument/registry.h"
#include "storage/merge.h"
#include "tsdb/head_wal.h"
#include "tsdb/ulid.h"

namespace vigie::tsdb {

DB::DB(Options opts) : opts_(std::move(opts)), fs_(opts_.fs ? opts_.fs : &fs::Real()) {}

Result<std::unique_ptr<DB>> DB::Open(Options opts, instrument::Registry* registry) {
  if (opts.min_block_duration_ms <= 0) return InvalidArgument("min block duration must be > 0");
  if (opts.retention_ms < 0) return InvalidArgument("retention time must not be negative");
  std::unique_ptr<DB> db(new DB(std::move(opts)));
  auto& fs = *db->fs_;
  const auto& dir = db->opts_.dir;
  if (auto st = fs.MkdirAll(dir); !st.ok()) return st.error().Wrap("creating TSDB directory");
  VIGIE_RETURN_IF_ERROR(db->LoadBlocks());

  HeadOptions ho;
  ho.chunk_range_ms = db->opts_.min_block_duration_ms;
  ho.samples_per_chunk = db->opts_.head_samples_per_chunk;
  db->head_ = std::make_unique<Head>(ho, nullptr, &db->metrics_.head);
  {
    std::shared_lock lock(db->blocks_mu_);
    if (!db->blocks_.empty()) {
      int64_t maxt = 0;
      for (const auto& b : db->blocks_) maxt = std::max(maxt, b->meta().max_time);
      db->head_->SetMinValidTime(maxt);
    }
  }
  if (db->opts_.wal_enabled) {
    auto wal_dir = fs::Join(dir, "wal");
    int64_t start = MonotonicNs();
    auto replay =
        ReplayWal(fs, wal_dir, db->head_.get(), &db->metrics_.wal, db->opts_.wal_replay_shards);
    if (!replay.ok()) return replay.error().Wrap("replaying WAL");
    log::Info("WAL replay completed", {{"dir", wal_dir},
                                       {"records", replay->records},
                                       {"series", db->head_->NumSeries()},
                                       {"samples", replay->samples},
                                       {"corruptions_repaired", replay->corruptions},
                                       {"duplicate_series", replay->duplicate_series},
                                       {"duration_ms", (MonotonicNs() - start) / 1000000}});
    wal::WalOptions wo;
    wo.segment_size = db->opts_.wal_segment_size;
    wo.sync_interval_ms = db->opts_.wal_sync_interval_ms;
    VIGIE_ASSIGN_OR_RETURN(db->wal_, wal::Wal::Open(fs, wal_dir, wo, &db->metrics_.wal));
    // Re-create the head with the WAL attached; replayed state moves over by swapping the
    // WAL pointer in (the head never logs during replay).
    db->head_->AttachWal(db->wal_.get());
  }
  db->registry_ = registry;
  if (registry != nullptr) VIGIE_RETURN_IF_ERROR(db->RegisterMetrics());
  if (db->opts_.compaction_interval_ms > 0) {
    db->bg_ = std::thread([p = db.get()] { p->BackgroundLoop(); });
  }
  return db;
}

DB::~DB() { (void)Close(); }

Status DB::LoadBlocks() {
  auto& fs = *fs_;
  VIGIE_ASSIGN_OR_RETURN(auto entries, fs.ListDir(opts_.dir));
  std::vector<std::shared_ptr<Block>> loaded;
  for (const auto& e : entries) {
    if (!e.is_dir) continue;
    auto path = fs::Join(opts_.dir, e.name);
    if (e.name.size() == 30 && e.name.ends_with(".tmp") && IsUlid(e.name.substr(0, 26))) {
      (void)fs.RemoveAll(path);  // an interrupted block write
      continue;
    }
    if (!IsUlid(e.name)) continue;
    auto b = Block::Open(fs, path);
    if (!b.ok()) {
      auto aside = path + ".damaged";
      (void)fs.RemoveAll(aside);
      auto mv = fs.Rename(path, aside);
      metrics_.blocks_corrupted.Add();
      log::Error("block is damaged; moved it aside and starting without it",
                 {{"block", path},
                  {"moved_to", mv.ok() ? aside : std::string("(move failed)")},
                  {"err", b.error().message()}});
      continue;
    }
    loaded.push_back(std::move(b).value());
  }
  // Blocks that are parents of another loaded block were compacted already (a crash before
  // their deletion): drop them.
  std::set<std::string> parents;
  for (const auto& b : loaded) {
    for (const auto& p : b->meta().parents) parents.insert(p);
  }
  std::vector<std::shared_ptr<Block>> keep;
  for (auto& b : loaded) {
    if (parents.count(b->meta().ulid)) {
      log::Info("removing block already compacted into another", {{"block", b->dir()}});
      (void)fs.RemoveAll(b->dir());
    } else {
      keep.push_back(std::move(b));
    }
  }
  std::sort(keep.begin(), keep.end(),
            [](const auto& a, const auto& b) { return a->meta().min_time < b->meta().min_time; });
  {
    std::unique_lock lock(blocks_mu_);
    blocks_ = std::move(keep);
  }
  metrics_.reloads.Add();
  UpdateBlockMetrics();
  return OkStatus();
}

void DB::UpdateBlockMetrics() {
  std::shared_lock lock(blocks_mu_);
  uint64_t bytes = 0;
  int64_t lowest = head_ ? head_->MinTime() : std::numeric_limits<int64_t>::max();
  for (const auto& b : blocks_) {
    bytes += b->size_bytes();
    lowest = std::min(lowest, b->meta().min_time);
  }
  metrics_.blocks_loaded.Set(static_cast<int64_t>(blocks_.size()));
  metrics_.blocks_bytes.Set(static_cast<int64_t>(bytes));
  if (lowest != std::numeric_limits<int64_t>::max()) metrics_.lowest_timestamp.Set(lowest);
  metrics_.retention_limit_bytes.Set(static_cast<int64_t>(opts_.retention_bytes));
}

void DB::AddBlock(std::shared_ptr<Block> b) {
  {
    std::unique_lock lock(blocks_mu_);
    blocks_.push_back(std::move(b));
    std::sort(blocks_.begin(), blocks_.end(),
              [](const auto& x, const auto& y) { return x->meta().min_time < y->meta().min_time; });
  }
  UpdateBlockMetrics();
}

void DB::DeleteBlocks(const std::vector<std::string>& ulids, const char* reason) {
  std::vector<std::shared_ptr<Block>> gone;
  {
    std::unique_lock lock(blocks_mu_);
    for (auto it = blocks_.begin(); it != blocks_.end();) {
      if (std::find(ulids.begin(), ulids.end(), (*it)->meta().ulid) != ulids.end()) {
        gone.push_back(*it);
        it = blocks_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& b : gone) {
    // Running queriers keep the mapped files alive; the directory can go now.
    if (auto st = fs_->RemoveAll(b->dir()); !st.ok()) {
      log::Warn("could not delete block", {{"block", b->dir()}, {"err", st.error().message()}});
    } else {
      log::Info("deleted block", {{"block", b->dir()}, {"reason", reason}});
    }
  }
  UpdateBlockMetrics();
}

std::vector<BlockMeta> DB::Blocks() const {
  std::shared_lock lock(blocks_mu_);
  std::vector<BlockMeta> out;
  for (const auto& b : blocks_) out.push_back(b->meta());
  return out;
}

std::unique_ptr<storage::Appender> DB::NewAppender() { return head_->NewAppender(); }

Result<std::unique_ptr<storage::Querier>> DB::NewQuerier(TimestampMs mint, TimestampMs maxt) {
  // The head querier first: it holds off head truncation, so data that a concurrent compaction
  // moves into a new block is still in the head if that block is not in our list.
  VIGIE_ASSIGN_OR_RETURN(auto hq, head_->NewQuerier(mint, maxt));
  std::vector<std::shared_ptr<Block>> blocks;
  {
    std::shared_lock lock(blocks_mu_);
    blocks = blocks_;
  }
  std::vector<std::shared_ptr<const Block>> in_range;
  for (const auto& b : blocks) {
    if (b->meta().min_time > maxt || b->meta().max_time <= mint) continue;
    in_range.push_back(b);
  }
  std::vector<std::unique_ptr<storage::Querier>> qs;
  // The blocks as one source: a series keeps its labels once, not once per block.
  if (!in_range.empty()) qs.push_back(NewBlocksQuerier(std::move(in_range), mint, maxt));
  qs.push_back(std::move(hq));
  return storage::NewMergeQuerier(std::move(qs));
}

void DB::BackgroundLoop() {
  std::unique_lock lock(bg_mu_);
  while (!stopping_) {
    bg_cv_.wait_for(lock, std::chrono::milliseconds(opts_.compaction_interval_ms));
    if (stopping_) break;
    lock.unlock();
    if (auto st = Compact(); !st.ok()) {
      log::Error("compaction failed", {{"err", st.error().message()}});
    }
    lock.lock();
  }
}

Status DB::Close() {
  {
    std::lock_guard lock(bg_mu_);
    if (closed_) return OkStatus();
    closed_ = true;
    stopping_ = true;
  }
  bg_cv_.notify_all();
  head_->AbortWaits();
  if (bg_.joinable()) bg_.join();
  UnregisterMetrics();
  std::lock_guard lock(compact_mu_);
  if (wal_) {
    head_->AttachWal(nullptr);
    return wal_->Close();
  }
  return OkStatus();
}

}  // namespace vigie::tsdb
