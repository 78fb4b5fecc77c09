#include "collect/cgroup/file_cache.h"

#include <sys/resource.h>

#include <algorithm>

namespace vigie::collect::cgroup {

Result<bool> FileCache::Read(const std::string& path, std::string* out) {
  auto it = open_.find(path);
  if (it == open_.end() && open_.size() < max_open_) {
    auto f = fs_.OpenReadable(path);
    if (!f.ok()) {
      if (f.error().code() == ErrorCode::kNotFound) return false;
      // Out of descriptors or similar: fall through to a plain read.
    } else {
      it = open_.emplace(path, Handle{std::move(f).value(), 0}).first;
    }
  }
  if (it != open_.end()) {
    it->second.used = scrape_;
    Status st = it->second.file->ReadAll(out);
    if (st.ok()) return true;
    open_.erase(it);
    if (st.error().code() == ErrorCode::kNotFound) return false;
    return st.error();
  }
  auto r = fs_.ReadFile(path);
  if (!r.ok()) {
    if (r.error().code() == ErrorCode::kNotFound) return false;
    return r.error();
  }
  *out = std::move(r).value();
  return true;
}

void FileCache::EndScrape() {
  for (auto it = open_.begin(); it != open_.end();) {
    it = it->second.used == scrape_ ? std::next(it) : open_.erase(it);
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
