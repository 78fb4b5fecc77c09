#include "collect/cgroup/file_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/log.h"

namespace vigie::collect::cgroup {

namespace {

void JoinInto(std::string_view dir, std::string_view name, std::string* out) {
  out->assign(dir);
  if (name.empty()) return;
  if (out->empty() || out->back() != '/') *out += '/';
  *out += name;
}

}  // namespace

CachedFile::~CachedFile() {
  if (cache_ != nullptr) cache_->Close(*this);
}

FileCache::FileCache(fs::FileSystem& fs, size_t max_open)
    : fs_(fs), real_(&fs == &fs::Real()), max_open_(max_open) {}

FileCache::~FileCache() {
  by_path_.clear();
  // Files owned elsewhere that are still open: close them and detach them from this cache.
  for (CachedFile* f : open_) {
    if (f->fd_ >= 0) ::close(f->fd_);
    f->fd_ = -1;
    f->file_.reset();
    f->cache_ = nullptr;
  }
}

bool FileCache::Open(CachedFile& f, const std::string& path, bool* missing) {
  if (real_) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *missing = errno == ENOENT || errno == ENOTDIR;
      return false;  // out of descriptors or similar: the caller reads the ordinary way
    }
    f.fd_ = fd;
  } else {
    auto r = fs_.OpenReadable(path);
    if (!r.ok()) {
      *missing = r.error().code() == ErrorCode::kNotFound;
      return false;
    }
    f.file_ = std::move(r).value();
  }
  f.cache_ = this;
  f.slot_ = open_.size();
  f.fetched_ = 0;
  open_.push_back(&f);
  return true;
}

void FileCache::Close(CachedFile& f) {
  if (f.fd_ >= 0) ::close(f.fd_);
  f.fd_ = -1;
  f.file_.reset();
  f.cache_ = nullptr;
  f.fetched_ = 0;
  CachedFile* last = open_.back();
  open_[f.slot_] = last;
  last->slot_ = f.slot_;
  open_.pop_back();
}

Result<const std::string*> FileCache::ReadOpen(CachedFile& f, const std::string& path) {
  f.used_ = scrape_;
  int err = 0;
  if (f.fetched_ == scrape_) {
    err = f.error_;
    if (err == 0) return &f.content_;
  } else if (f.fd_ >= 0) {
    f.read_ms_ = scrape_ms_;
    err = ReadWholeFile(f.fd_, &scratch_, &f.content_);
    if (err == 0) return &f.content_;
  } else {
    f.read_ms_ = scrape_ms_;
    Status st = f.file_->ReadAll(&f.content_);
    if (st.ok()) return &f.content_;
    Close(f);
    if (st.error().code() == ErrorCode::kNotFound) return nullptr;
    return st.error();
  }
  Close(f);
  // A removed cgroup answers ENODEV, an exited process ESRCH.
  if (err == ENODEV || err == ESRCH || err == ENOENT) return nullptr;
  return IoError("read " + path + ": " + std::strerror(err));
}

Result<const std::string*> FileCache::Read(CachedFile& f, std::string_view dir,
                                           std::string_view name) {
  if (f.cache_ == this) {
    f.used_ = scrape_;
    // The path is only needed for an error message.
    if (f.fetched_ == scrape_ && f.error_ == 0) return &f.content_;
    if (f.fetched_ == scrape_ || !WouldRepeat(f)) {
      JoinInto(dir, name, &path_);
      return ReadOpen(f, path_);
    }
    Close(f);  // opened afresh below
  }
  JoinInto(dir, name, &path_);
  if (open_.size() < max_open_) {
    bool missing = false;
    if (Open(f, path_, &missing)) return ReadOpen(f, path_);
    if (missing) return nullptr;
  }
  auto r = fs_.ReadFile(path_);
  if (!r.ok()) {
    if (r.error().code() == ErrorCode::kNotFound) return nullptr;
    return r.error();
  }
  plain_ = std::move(r).value();
  return &plain_;
}

Result<bool> FileCache::Read(const std::string& path, std::string* out) {
  auto& slot = by_path_[path];
  if (slot == nullptr) slot = std::make_unique<CachedFile>();
  auto r = Read(*slot, path, {});
  bool open = slot->cache_ == this;
  if (!open) by_path_.erase(path);
  if (!r.ok()) return r.error();
  if (*r == nullptr) return false;
  out->assign(**r);
  return true;
}

void FileCache::Prefetch() {
  prefetched_ = 0;
  scrape_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count();
  PrefetchSome([](const CachedFile& f) { return !f.deferred_; });
}

void FileCache::PrefetchDeferred() {
  PrefetchSome([&](const CachedFile& f) { return f.deferred_ && !WouldRepeat(f); });
}

const std::string* FileCache::Prefetched(const CachedFile& f) const {
  return f.cache_ == this && f.fetched_ == scrape_ && f.error_ == 0 ? &f.content_ : nullptr;
}

void FileCache::KeepPrevious(CachedFile& f) {
  if (f.cache_ != this || f.fetched_ == scrape_) return;
  f.fetched_ = scrape_;
  f.error_ = 0;
}

template <typename Pick>
void FileCache::PrefetchSome(Pick&& pick) {
  if (!real_ || open_.empty() || batch_failed_) return;
  if (!batch_tried_) {
    batch_tried_ = true;
    batch_ = ReadBatch::Create();
    if (batch_ == nullptr) log::Debug("io_uring not available; reading cgroup files one by one");
  }
  if (batch_ == nullptr) return;
  items_.clear();
  item_files_.clear();
  for (CachedFile* f : open_) {
    if (f->fd_ < 0 || f->fetched_ == scrape_ || !pick(*f)) continue;
    items_.push_back(ReadBatch::Item{f->fd_, &f->content_, 0, f->fixed_lines_});
    item_files_.push_back(f);
  }
  if (!batch_->Run(&items_)) {
    // Keep the ring (reads may still be in flight into its buffers); read one by one from now.
    batch_failed_ = true;
    log::Warn("io_uring reads failed; reading cgroup files one by one from now on");
    return;
  }
  for (size_t i = 0; i < items_.size(); ++i) {
    item_files_[i]->fetched_ = scrape_;
    item_files_[i]->error_ = items_[i].error;
    item_files_[i]->read_ms_ = scrape_ms_;
  }
  prefetched_ += items_.size();
}

void FileCache::EndScrape() {
  for (size_t i = 0; i < open_.size();) {
    CachedFile* f = open_[i];
    if (f->used_ != scrape_) {
      Close(*f);  // moves the last one into slot i
    } else {
      ++i;
    }
  }
  for (auto it = by_path_.begin(); it != by_path_.end();) {
    it = it->second->cache_ == this ? std::next(it) : by_path_.erase(it);
  }
  ++scrape_;
}

size_t DefaultMaxOpenFiles() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 4096;
  constexpr rlim_t kReserve = 256;  // sockets, logs, the TSDB in `vigie demo`
  if (rl.rlim_cur <= kReserve) return 0;
  return static_cast<size_t>(std::min<rlim_t>((rl.rlim_cur - kReserve) / 2, 1 << 20));
}

}  // namespace vigie::collect::cgroup
