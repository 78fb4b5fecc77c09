// Reads the small /proc and /sys files of a collector once per scrape without reopening them:
// on the real file system each path keeps its descriptor open and is re-read from offset 0
// (procfs and sysfs regenerate the content on every read from 0) into a buffer reused across
// scrapes, so a scrape costs one pread per file instead of open, read, read, close and a fresh
// allocation. Other file systems (tests' in-memory trees) go through FileSystem::ReadFile.
//
// Not thread-safe: one reader per collector (the CollectorSet runs one collection at a time).
// Only for files the kernel generates: a regular file replaced by rename would keep being read
// from the old descriptor, so read such files (os-release, udev data) with FileSystem::ReadFile.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "core/fs.h"
#include "core/result.h"

namespace vigie::collect::node {

class FileReader {
 public:
  explicit FileReader(fs::FileSystem* fs);
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  // The whole content; the view stays valid until the next Read of the same path or Sweep().
  // A missing file is kNotFound (and is not kept open, so it is found once it appears).
  Result<std::string_view> Read(const std::string& path);

  // Closes the files not read since the previous Sweep (devices that went away), so the number
  // of descriptors follows the machine instead of growing. Call at the end of each collection.
  void Sweep();

  size_t open_files() const { return files_.size(); }

 private:
  struct Entry {
    int fd = -1;
    bool used = false;
    std::string buf;
  };
  Result<std::string_view> ReadReal(const std::string& path);

  fs::FileSystem* fs_;
  bool real_;
  std::unordered_map<std::string, Entry> files_;
};

// Sweeps a reader when a collection ends, whichever way it returns.
class SweepOnExit {
 public:
  explicit SweepOnExit(FileReader& r) : r_(r) {}
  ~SweepOnExit() { r_.Sweep(); }
  SweepOnExit(const SweepOnExit&) = delete;
  SweepOnExit& operator=(const SweepOnExit&) = delete;

 private:
  FileReader& r_;
};

}  // namespace vigie::collect::node
