// The TSDB: a head (in memory, WAL-backed) plus immutable blocks on disk, with background
// compaction and retention. Implements the storage seam (Appendable + Queryable); the rest of
// vigie sees only those interfaces, and only cmd/ constructs a DB.
//
// Layout of `dir`: wal/ (segments, checkpoint.N/), <ULID>/ blocks, <ULID>.tmp while a block is
// being written (removed on start), <ULID>.damaged for blocks that failed to load.
//
// Durability: Commit() returns after the samples were written to the WAL file (write(2)), so
// they survive a kill -9 of the process; the WAL is fsynced every wal_sync_interval_ms, when a
// segment is cut and on Close (see tsdb/wal/wal.h).
//
// Threading: NewAppender/NewQuerier/Compact/Close are safe from any thread. Compact runs one
// at a time. Queriers keep the blocks they read alive even if retention deletes them meanwhile.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/fs.h"
#include "storage/appender.h"
#include "storage/querier.h"
#include "tsdb/block.h"
#include "tsdb/head.h"
#include "tsdb/metrics.h"
#include "tsdb/wal/wal.h"

namespace vigie::instrument {
class Registry;
class Collector;
}  // namespace vigie::instrument

namespace vigie::tsdb {

inline constexpr int64_t kHourMs = 3600 * 1000;
inline constexpr int64_t kDayMs = 24 * kHourMs;

struct Options {
  std::string dir = "data/";
  fs::FileSystem* fs = nullptr;  // null: the real file system

  // --storage.tsdb.retention.time: blocks whose end is older than this behind the newest block
  // are deleted. 0 disables time retention. Default 15d, as Prometheus.
  int64_t retention_ms = 15 * kDayMs;
  // --storage.tsdb.retention.size: when blocks + WAL exceed this, the oldest blocks go.
  // 0 disables it (the default).
  uint64_t retention_bytes = 0;

  // Size of head blocks; compaction ranges are this times 3^n up to max_block_duration_ms.
  int64_t min_block_duration_ms = 2 * kHourMs;
  // 0: min(31d, 10% of the time retention), as Prometheus.
  int64_t max_block_duration_ms = 0;

  int head_samples_per_chunk = 120;   // head chunks (as Prometheus)
  int block_samples_per_chunk = 120;  // chunks written into blocks
  // Blocks may use vigie's scaled-integer chunk encoding where it is smaller than XOR
  // (docs/format/chunks.md); false keeps every chunk in Prometheus's XOR encoding.
  bool block_scaled_int_chunks = true;

  bool wal_enabled = true;
  size_t wal_segment_size = wal::kDefaultSegmentSize;
  int64_t wal_sync_interval_ms = 1000;
  // Threads applying the WAL on start (0: one per CPU, at most 8; 1: the opening thread only).
  size_t wal_replay_shards = 0;

  // How often the background loop checks for head compaction, block compaction and retention.
  // 0: no background loop (call Compact() yourself). Default 1m, as Prometheus.
  int64_t compaction_interval_ms = 60 * 1000;
};

class DB final : public storage::Appendable, public storage::Queryable {
 public:
  // Opens or creates the database: loads blocks (moving damaged ones aside), replays the WAL
  // (repairing a damaged tail), starts the background loop. `registry` may be null; when given,
  // the prometheus_tsdb_* metrics are registered on it (and removed on Close).
  static Result<std::unique_ptr<DB>> Open(Options opts, instrument::Registry* registry = nullptr);
  ~DB() override;

  std::unique_ptr<storage::Appender> NewAppender() override;
  Result<std::unique_ptr<storage::Querier>> NewQuerier(TimestampMs mint, TimestampMs maxt) override;

  // Persists full head ranges as blocks, compacts blocks, applies retention. What the
  // background loop runs; callable directly (e.g. tests, or with compaction_interval_ms = 0).
  Status Compact();
  // Writes the whole head (even a partial range) into blocks: for import and tests.
  Status FlushHead();
  // Stops the background loop, syncs and closes the WAL. Idempotent.
  Status Close();

  std::vector<BlockMeta> Blocks() const;
  Head& head() { return *head_; }
  const DbMetrics& metrics() const { return metrics_; }
  const Options& options() const { return opts_; }

 private:
  explicit DB(Options opts);
  Status LoadBlocks();
  Status CompactHeadRange(int64_t mint, int64_t maxt);
  Status TruncateWal(int64_t mint);
  Status CompactBlocks();
  Status ApplyRetention();
  void AddBlock(std::shared_ptr<Block> b);
  void DeleteBlocks(const std::vector<std::string>& ulids, const char* reason);
  std::vector<int64_t> Ranges() const;
  void UpdateBlockMetrics();
  void BackgroundLoop();
  Status RegisterMetrics();
  void UnregisterMetrics();

  Options opts_;
  fs::FileSystem* fs_;
  DbMetrics metrics_;
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<Head> head_;
  mutable std::shared_mutex blocks_mu_;
  std::vector<std::shared_ptr<Block>> blocks_;  // sorted by min_time
  std::mutex compact_mu_;
  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stopping_ = false;
  bool closed_ = false;
  std::thread bg_;
  instrument::Registry* registry_ = nullptr;
  std::unique_ptr<instrument::Collector> collector_;
};

}  // namespace vigie::tsdb
