// The write-ahead log: segmented files of 32 KiB pages holding CRC-checked record fragments,
// the same framing as Prometheus's WAL (see docs/format/wal.md).
//
// Durability policy (what callers can rely on):
// - Log(..., flush=true) returns after the records were handed to the operating system with
//   write(2). They then survive a crash of this process (kill -9), not yet a machine crash.
// - Segments are fsynced when they are cut (full, or on NextSegment()) and on Close().
// - A background thread fsyncs the current segment every `sync_interval_ms` when something was
//   written since the last sync (group commit). So after a machine crash at most about
//   `sync_interval_ms` of acknowledged writes can be lost. 0 disables it (sync only on cut/close).
// Thread-safe: all methods take one mutex.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/fs.h"
#include "core/result.h"
#include "tsdb/mapped_file.h"
#include "tsdb/metrics.h"

namespace vigie::tsdb::wal {

inline constexpr size_t kPageSize = 32 * 1024;
inline constexpr size_t kRecordHeaderSize = 7;  // type(1) length(2) crc32c(4)
inline constexpr size_t kDefaultSegmentSize = 128 * 1024 * 1024;

struct WalOptions {
  size_t segment_size = kDefaultSegmentSize;  // rounded to whole pages, at least 2 pages
  int64_t sync_interval_ms = 1000;
};

// Segment file name for index i: 8 decimal digits.
std::string SegmentName(int i);
// Segment indexes present in `dir`, sorted. Non-segment files are ignored.
Result<std::vector<int>> ListSegments(fs::FileSystem& fs, const std::string& dir);

class Wal {
 public:
  // Opens `dir` (created if missing) and starts a new segment after the last existing one.
  static Result<std::unique_ptr<Wal>> Open(fs::FileSystem& fs, std::string dir, WalOptions opts,
                                           WalMetrics* metrics);
  ~Wal();

  // Appends complete records. A record never spans segments: one that does not fit in the
  // rest of the segment starts a new segment. With `flush`, buffered bytes are written out.
  Status Log(std::span<const std::string_view> records, bool flush);
  Status Log(std::string_view record, bool flush) { return Log({&record, 1}, flush); }
  Status Flush();
  Status Sync();
  // Closes the current segment (fsynced) and starts the next. Returns the new index.
  Result<int> NextSegment();
  // Removes segments with index < `before` (never the current one).
  Status TruncateBefore(int before);
  // Flushes, fsyncs and closes; further calls fail.
  Status Close();

  const std::string& dir() const { return dir_; }
  int CurrentSegment() const;

 private:
  Wal(fs::FileSystem& fs, std::string dir, WalOptions opts, WalMetrics* metrics);
  Status OpenSegmentLocked(int index);
  Status FlushLocked();
  Status SyncLocked();
  Status WriteRecordLocked(std::string_view rec);
  Result<int> CutLocked();
  void SyncLoop();

  fs::FileSystem& fs_;
  const std::string dir_;
  const WalOptions opts_;
  WalMetrics* metrics_;
  mutable std::mutex mu_;
  std::unique_ptr<fs::WritableFile> file_;
  int segment_ = -1;
  size_t seg_written_ = 0;   // bytes of the current segment that are full pages or flushed
  std::string page_;         // current page, kPageSize bytes
  size_t page_alloc_ = 0;    // bytes of page_ in use
  size_t page_flushed_ = 0;  // bytes of page_ already written to the file
  bool dirty_ = false;       // written since last fsync
  bool closed_ = false;
  std::condition_variable cv_;
  std::thread syncer_;
};

// Reads records from a sequence of segments. On damage, Next() returns false and Err() is a
// kCorruption error; CorruptSegment()/CorruptOffset() say where the last good record ended.
class Reader {
 public:
  Reader(fs::FileSystem& fs, std::string dir, std::vector<int> segments);
  bool Next();
  std::string_view Record() const { return rec_; }
  Status Err() const { return err_; }
  int Segment() const { return cur_seg_ < segments_.size() ? segments_[cur_seg_] : -1; }
  // Offset within Segment() just after the last complete good record.
  uint64_t GoodOffset() const { return good_offset_; }

 private:
  bool LoadSegment();
  bool Fail(std::string msg);

  fs::FileSystem& fs_;
  std::string dir_;
  std::vector<int> segments_;
  size_t cur_seg_ = 0;
  bool loaded_ = false;
  std::shared_ptr<MappedFile> file_;  // mmap'ed on the real file system: no copy
  std::string_view data_;
  size_t pos_ = 0;
  uint64_t good_offset_ = 0;
  std::string rec_;
  Status err_;
  bool done_ = false;
};

// Repairs damage found by a Reader: truncates `segment` at `good_offset` and removes every
// later segment. Logs what it dropped.
Status Repair(fs::FileSystem& fs, const std::string& dir, int segment, uint64_t good_offset);

}  // namespace vigie::tsdb::wal
