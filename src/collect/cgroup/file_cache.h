// Keeps the small /sys and /proc files a collector reads every scrape open between scrapes and
// re-reads them from offset 0 (fs::ReadableFile): one system call per file per scrape instead of
// four, into reused buffers. Handles not used during a scrape are closed at its end, so the
// files of a container that went away do not linger. At most `max_open` handles are kept; past
// that, files are read the ordinary way. Only for files that regenerate their content on read
// (procfs, sysfs, cgroupfs): a regular file replaced by a rename would be read stale.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/fs.h"
#include "core/result.h"

namespace vigie::collect::cgroup {

class FileCache {
 public:
  FileCache(fs::FileSystem& fs, size_t max_open) : fs_(fs), max_open_(max_open) {}

  fs::FileSystem& fs() { return fs_; }

  // Reads `path` into *out. Ok(false) when the file does not exist (or no longer does).
  Result<bool> Read(const std::string& path, std::string* out);

  // Closes the handles not used since the previous call.
  void EndScrape();

  size_t open_files() const { return open_.size(); }

 private:
  struct Handle {
    std::unique_ptr<fs::ReadableFile> file;
    uint64_t used = 0;
  };
  fs::FileSystem& fs_;
  size_t max_open_;
  uint64_t scrape_ = 1;
  std::unordered_map<std::string, Handle> open_;
};

// Half of the process's open-file limit (minus a reserve for everything else), the default
// handle budget of the container collector.
size_t DefaultMaxOpenFiles();

}  // namespace vigie::collect::cgroup
