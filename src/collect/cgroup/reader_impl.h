// Private to the cgroup readers: constructors of the two layouts and small shared helpers.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "collect/cgroup/file_cache.h"
#include "collect/cgroup/reader.h"

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

// Subdirectory names of `dir`; empty when `dir` does not exist.
Result<std::vector<std::string>> ListSubdirs(fs::FileSystem& fs, const std::string& dir);

// Prefixes the path of the file to a parse error.
Error InFile(const Error& e, const std::string& dir, std::string_view file);

// Reads cgroup files (kept open between scrapes) into one reused buffer and parses them; a
// missing file is Ok(false).
class FileReader {
 public:
  FileReader(fs::FileSystem& fs, size_t max_open) : cache_(fs, max_open) {}
  fs::FileSystem& fs() { return cache_.fs(); }
  void EndScrape() { cache_.EndScrape(); }

  Result<bool> ReadUint(const std::string& dir, std::string_view file, uint64_t* v);

  template <typename Parse>
  Result<bool> ReadParsed(const std::string& dir, std::string_view file, Parse&& parse) {
    VIGIE_ASSIGN_OR_RETURN(bool found, cache_.Read(fs::Join(dir, file), &buf_));
    if (!found) return false;
    Status st = parse(std::string_view(buf_));
    if (!st.ok()) return InFile(st.error(), dir, file);
    return true;
  }

 private:
  FileCache cache_;
  std::string buf_;
};

}  // namespace vigie::collect::cgroup::internal
