// A small file-system seam so storage and collectors are testable: the real file system,
// an in-memory one, and a fault-injecting wrapper. Paths are plain strings.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::fs {

struct DirEntry {
  std::string name;
  bool is_dir = false;
  bool is_symlink = false;
};

// An open file that is written sequentially. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Durably writes what was appended (fsync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  virtual uint64_t Size() const = 0;
};

// A file kept open for repeated whole reads. cgroup and /proc files regenerate their content on
// each read from offset 0, so a collector can read them every scrape without open/close.
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Replaces *out with the whole current content (reusing its capacity). kNotFound once the
  // file is gone (a removed cgroup, an exited process).
  virtual Status ReadAll(std::string* out) = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Reads up to `len` bytes at `offset`; fewer at end of file.
  virtual Result<std::string> ReadAt(const std::string& path, uint64_t offset, size_t len) = 0;
  virtual Result<std::vector<DirEntry>> ListDir(const std::string& path) = 0;
  // Opens `path` for repeated ReadAll. The default reads through ReadFile each time (so the
  // in-memory and fault-injecting file systems need nothing); the real one keeps a descriptor.
  virtual Result<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path);
  virtual Result<std::string> ReadLink(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Creates or opens for appending; `truncate` empties it first.
  virtual Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                             bool truncate) = 0;
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Remove(const std::string& path) = 0;
  virtual Status RemoveAll(const std::string& path) = 0;
  virtual Status MkdirAll(const std::string& path) = 0;
  // fsync of a directory, so renames and creations in it are durable.
  virtual Status SyncDir(const std::string& path) = 0;

  // Write to path.tmp, fsync, rename over path, fsync the directory.
  Status WriteFileAtomic(const std::string& path, std::string_view data);
};

FileSystem& Real();
std::unique_ptr<FileSystem> NewMemory();

// Wraps another file system; `should_fail(op, path)` decides per call whether to fail with an
// I/O error. Ops: "read", "list", "open", "append", "sync", "rename", "remove", "mkdir", ...
std::unique_ptr<FileSystem> NewFaultInjecting(
    FileSystem& base,
    std::function<bool(std::string_view op, const std::string& path)> should_fail);

// Joins with exactly one '/'.
std::string Join(std::string_view a, std::string_view b);

}  // namespace vigie::fs
