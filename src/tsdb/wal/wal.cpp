#include "tsdb/wal/wal.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "core/log.h"
#include "core/time.h"
#include "tsdb/crc32c.h"

namespace vigie::tsdb::wal {

namespace {
enum FragmentType : uint8_t { kPad = 0, kFull = 1, kFirst = 2, kMiddle = 3, kLast = 4 };
}

std::string SegmentName(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08d", i);
  return buf;
}

Result<std::vector<int>> ListSegments(fs::FileSystem& fs, const std::string& dir) {
  VIGIE_ASSIGN_OR_RETURN(auto entries, fs.ListDir(dir));
  std::vector<int> out;
  for (const auto& e : entries) {
    if (e.is_dir || e.name.size() != 8) continue;
    int v = 0;
    auto [p, ec] = std::from_chars(e.name.data(), e.name.data() + e.name.size(), v);
    if (ec == std::errc() && p == e.name.data() + e.name.size()) out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Wal::Wal(fs::FileSystem& fs, std::string dir, WalOptions opts, WalMetrics* metrics)
    : fs_(fs), dir_(std::move(dir)), opts_(opts), metrics_(metrics), page_(kPageSize, '\0') {}

Result<std::unique_ptr<Wal>> Wal::Open(fs::FileSystem& fs, std::string dir, WalOptions opts,
                                       WalMetrics* metrics) {
  opts.segment_size = std::max<size_t>(opts.segment_size / kPageSize, 2) * kPageSize;
  VIGIE_RETURN_IF_ERROR(fs.MkdirAll(dir));
  VIGIE_ASSIGN_OR_RETURN(auto segs, ListSegments(fs, dir));
  std::unique_ptr<Wal> w(new Wal(fs, std::move(dir), opts, metrics));
  {
    std::lock_guard lock(w->mu_);
    VIGIE_RETURN_IF_ERROR(w->OpenSegmentLocked(segs.empty() ? 0 : segs.back() + 1));
  }
  if (opts.sync_interval_ms > 0) w->syncer_ = std::thread([p = w.get()] { p->SyncLoop(); });
  return w;
}

Wal::~Wal() {
  if (!closed_) (void)Close();
}

Status Wal::OpenSegmentLocked(int index) {
  auto path = fs::Join(dir_, SegmentName(index));
  VIGIE_ASSIGN_OR_RETURN(file_, fs_.OpenWritable(path, /*truncate=*/true));
  VIGIE_RETURN_IF_ERROR(fs_.SyncDir(dir_));
  segment_ = index;
  seg_written_ = 0;
  std::fill(page_.begin(), page_.end(), '\0');
  page_alloc_ = page_flushed_ = 0;
  metrics_->segment_current.Set(index);
  return OkStatus();
}

Status Wal::FlushLocked() {
  if (page_flushed_ == page_alloc_) return OkStatus();
  auto st =
      file_->Append(std::string_view(page_).substr(page_flushed_, page_alloc_ - page_flushed_));
  if (!st.ok()) {
    metrics_->writes_failed.Add();
    return st;
  }
  metrics_->page_flushes.Add();
  page_flushed_ = page_alloc_;
  dirty_ = true;
  if (page_alloc_ == kPageSize) {  // page complete: start the next one
    seg_written_ += kPageSize;
    std::fill(page_.begin(), page_.end(), '\0');
    page_alloc_ = page_flushed_ = 0;
    metrics_->completed_pages.Add();
  }
  return OkStatus();
}

Status Wal::SyncLocked() {
  if (!dirty_) return OkStatus();
  int64_t start = MonotonicNs();
  VIGIE_RETURN_IF_ERROR(file_->Sync());
  metrics_->fsync_duration.Observe(static_cast<double>(MonotonicNs() - start) / 1e9);
  dirty_ = false;
  return OkStatus();
}

Status Wal::WriteRecordLocked(std::string_view rec) {
  const size_t pages_per_segment = opts_.segment_size / kPageSize;
  size_t done_pages = seg_written_ / kPageSize;
  // Room left in this segment for fragment payloads; a record never spans segments.
  size_t page_left = kPageSize - page_alloc_;
  size_t left = (page_left > kRecordHeaderSize ? page_left - kRecordHeaderSize : 0) +
                (kPageSize - kRecordHeaderSize) * (pages_per_segment - done_pages - 1);
  if (rec.size() > left) {
    size_t max_rec = (kPageSize - kRecordHeaderSize) * pages_per_segment;
    if (rec.size() > max_rec) {
      return InvalidArgument("WAL record of " + std::to_string(rec.size()) +
                             " bytes exceeds the segment size");
    }
    if (auto cut = CutLocked(); !cut.ok()) return std::move(cut).error();
  }
  bool first = true;
  while (first || !rec.empty()) {
    if (kPageSize - page_alloc_ <= kRecordHeaderSize) {
      page_alloc_ = kPageSize;  // zero padding up to the page end
      VIGIE_RETURN_IF_ERROR(FlushLocked());
    }
    size_t room = kPageSize - page_alloc_ - kRecordHeaderSize;
    size_t n = std::min(room, rec.size());
    bool last = n == rec.size();
    uint8_t type = first && last ? kFull : first ? kFirst : last ? kLast : kMiddle;
    uint32_t crc = Crc32c(0, rec.data(), n);
    char* h = page_.data() + page_alloc_;
    h[0] = static_cast<char>(type);
    h[1] = static_cast<char>(n >> 8);
    h[2] = static_cast<char>(n);
    h[3] = static_cast<char>(crc >> 24);
    h[4] = static_cast<char>(crc >> 16);
    h[5] = static_cast<char>(crc >> 8);
    h[6] = static_cast<char>(crc);
    std::copy(rec.begin(), rec.begin() + static_cast<ptrdiff_t>(n), h + kRecordHeaderSize);
    page_alloc_ += kRecordHeaderSize + n;
    rec.remove_prefix(n);
    first = false;
    if (page_alloc_ == kPageSize) VIGIE_RETURN_IF_ERROR(FlushLocked());
  }
  return OkStatus();
}

Status Wal::Log(std::span<const std::string_view> records, bool flush) {
  std::lock_guard lock(mu_);
  if (closed_) return Unavailable("WAL " + dir_ + " is closed");
  // On a write error, take back what this call put into the page buffer (when it is all still
  // unwritten), so a record whose Log failed does not reach the file with a later flush.
  const int seg = segment_;
  const size_t written = seg_written_, alloc = page_alloc_;
  auto undo = [&](Status st) {
    if (segment_ == seg && seg_written_ == written && page_flushed_ <= alloc) {
      std::fill(page_.begin() + static_cast<ptrdiff_t>(alloc),
                page_.begin() + static_cast<ptrdiff_t>(page_alloc_), '\0');
      page_alloc_ = alloc;
    }
    return st;
  };
  for (auto rec : records) {
    if (auto st = WriteRecordLocked(rec); !st.ok()) return undo(st);
    metrics_->record_bytes.Add(rec.size());
  }
  if (flush) {
    if (auto st = FlushLocked(); !st.ok()) return undo(st);
  }
  return OkStatus();
}

Status Wal::Flush() {
  std::lock_guard lock(mu_);
  if (closed_) return OkStatus();
  return FlushLocked();
}

Status Wal::Sync() {
  std::lock_guard lock(mu_);
  if (closed_) return OkStatus();
  VIGIE_RETURN_IF_ERROR(FlushLocked());
  return SyncLocked();
}

Result<int> Wal::NextSegment() {
  std::lock_guard lock(mu_);
  if (closed_) return Unavailable("WAL " + dir_ + " is closed");
  return CutLocked();
}

Result<int> Wal::CutLocked() {
  if (page_alloc_ > 0) {
    page_alloc_ = kPageSize;  // pad the last page so segments are whole pages
    VIGIE_RETURN_IF_ERROR(FlushLocked());
  }
  dirty_ = true;
  VIGIE_RETURN_IF_ERROR(SyncLocked());
  VIGIE_RETURN_IF_ERROR(file_->Close());
  VIGIE_RETURN_IF_ERROR(OpenSegmentLocked(segment_ + 1));
  return segment_;
}

Status Wal::TruncateBefore(int before) {
  std::lock_guard lock(mu_);
  VIGIE_ASSIGN_OR_RETURN(auto segs, ListSegments(fs_, dir_));
  for (int s : segs) {
    if (s >= before || s >= segment_) break;
    if (auto st = fs_.Remove(fs::Join(dir_, SegmentName(s))); !st.ok()) {
      metrics_->truncations_failed.Add();
      return st;
    }
  }
  metrics_->truncations.Add();
  return OkStatus();
}

int Wal::CurrentSegment() const {
  std::lock_guard lock(mu_);
  return segment_;
}

Status Wal::Close() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return OkStatus();
    closed_ = true;
  }
  cv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  std::lock_guard lock(mu_);
  Status st = FlushLocked();
  if (st.ok()) st = SyncLocked();
  auto cst = file_->Close();
  return st.ok() ? cst : st;
}

void Wal::SyncLoop() {
  std::unique_lock lock(mu_);
  while (!closed_) {
    cv_.wait_for(lock, std::chrono::milliseconds(opts_.sync_interval_ms));
    if (closed_) break;
    if (auto st = SyncLocked(); !st.ok()) {
      log::Warn("WAL fsync failed", {{"dir", dir_}, {"err", st.error().message()}});
    }
  }
}

}  // namespace vigie::tsdb::wal
