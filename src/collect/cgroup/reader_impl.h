// Private to the cgroup readers: constructors of the two layouts and small shared helpers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collect/cgroup/file_cache.h"
#include "collect/cgroup/reader.h"
#include "core/string_map.h"

namespace vigie::collect::cgroup::internal {

// v1: one directory per controller; an empty string for a controller that is not mounted.
struct V1Dirs {
  std::string cpu, cpuacct, memory, blkio, pids;
};

std::unique_ptr<CgroupReader> NewV1Reader(fs::FileSystem& fs, size_t max_open, V1Dirs dirs);
std::unique_ptr<CgroupReader> NewV2Reader(fs::FileSystem& fs, size_t max_open,
                                          std::string unified_dir);

// <dir><path>, where path "/" is the hierarchy's root.
std::string CgroupDir(std::string_view hierarchy_dir, std::string_view path);

// Prefixes the path of the file to a parse error.
Error InFile(const Error& e, const std::string& dir, std::string_view file);

// Reads cgroup files (kept open between scrapes, see file_cache.h) and parses them; a missing
// file is Ok(false).
class FileReader {
 public:
  FileReader(fs::FileSystem& fs, size_t max_open) : cache_(fs, max_open) {}
  fs::FileSystem& fs() { return cache_.fs(); }
  // A scrape starts with Prefetch, then keeps the deferred files that cannot have changed
  // (KeepPrevious), then PrefetchDeferred (file_cache.h).
  void Prefetch() { cache_.Prefetch(); }
  void PrefetchDeferred() { cache_.PrefetchDeferred(); }
  const std::string* Prefetched(const CachedFile& f) const { return cache_.Prefetched(f); }
  void KeepPrevious(CachedFile& f) { cache_.KeepPrevious(f); }
  void EndScrape() { cache_.EndScrape(); }

  Result<bool> ReadUint(CachedFile& f, const std::string& dir, std::string_view file, uint64_t* v);

  template <typename Parse>
  Result<bool> ReadParsed(CachedFile& f, const std::string& dir, std::string_view file,
                          Parse&& parse) {
    VIGIE_ASSIGN_OR_RETURN(const std::string* text, cache_.Read(f, dir, file));
    if (text == nullptr) return false;
    Status st = parse(std::string_view(*text));
    if (!st.ok()) return InFile(st.error(), dir, file);
    return true;
  }

  // Names of the subdirectories of `dir` into *out (its strings reused); empty when `dir` does
  // not exist. On the real file system one getdents64 into a kept buffer, no allocation.
  Status ListSubdirs(const std::string& dir, std::vector<std::string>* out);

 private:
  FileCache cache_;
  std::vector<char> dents_;
};

// The per-cgroup state of a reader (its directories and open files), kept while the cgroup is
// read every scrape and dropped at the end of a scrape that did not read it.
template <typename Files>
class CgroupTable {
 public:
  // The state of `path`; `init` fills a new one.
  template <typename Init>
  Files& Get(std::string_view path, Init&& init) {
    auto it = table_.find(path);
    if (it == table_.end()) {
      it = table_.try_emplace(std::string(path)).first;
      init(&it->second.files);
    }
    it->second.used = scrape_;
    return it->second.files;
  }

  // fn(path, files) for every cgroup.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    for (auto& [path, slot] : table_) fn(std::string_view(path), slot.files);
  }

  void EndScrape() {
    std::erase_if(table_, [&](const auto& kv) { return kv.second.used != scrape_; });
    ++scrape_;
  }

 private:
  struct Slot {
    Files files;
    uint64_t used = 0;
  };
  uint64_t scrape_ = 1;
  StringMap<Slot> table_;
};

}  // namespace vigie::collect::cgroup::internal
