// Keeps the small /sys and /proc files a collector reads every scrape open between scrapes and
// re-reads them from offset 0: one system call per file per scrape instead of four (see
// kernel_read.h), into buffers kept with the file. Files not read during a scrape are closed at
// its end, so the files of a container that went away do not linger. At most `max_open` files
// are kept open; past that, files are read the ordinary way. Only for files that regenerate
// their content on read (procfs, sysfs, cgroupfs): a regular file replaced by a rename would be
// read stale. One cgroupfs file does not always (v1's cgroup.procs): see set_repeating.
//
// Prefetch() reads, at the start of a scrape, every file read during the previous scrape in one
// batch with io_uring, so the reads of the scrape find their content ready: a few system calls
// for hundreds of files. Worth it for cgroup files, which io_uring reads inline because kernfs
// files can be polled; not for procfs files, whose reads it hands to a worker thread.
//
// Files are named two ways: by path (the cache keeps a CachedFile per path), or as a CachedFile
// the caller owns (a cgroup reader keeps one per file of each cgroup), which spares building and
// hashing the path on every read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "collect/cgroup/kernel_read.h"
#include "core/fs.h"
#include "core/result.h"

namespace vigie::collect::cgroup {

class FileCache;

// One file read every scrape through a FileCache, which keeps it open between reads. Must not
// outlive the cache that read it; destroying it closes the file.
class CachedFile {
 public:
  CachedFile() = default;
  ~CachedFile();
  CachedFile(const CachedFile&) = delete;
  CachedFile& operator=(const CachedFile&) = delete;

  // Whether a cache keeps it open (it was read during the current or the previous scrape).
  bool is_open() const { return cache_ != nullptr; }

  // Declares that the file is a single value or "key value" lines in a fixed key order whose
  // last key appears once (a fixed set of keys, or lines ending with a "Total" line), so that
  // batched reads ask for exactly its previous length: see ReadBatch::Item::fixed_lines. Not
  // for lists such as cgroup.procs.
  void set_fixed_lines() { fixed_lines_ = true; }

  // Declares a file read after the others at the start of a scrape (FileCache::
  // PrefetchDeferred), whose previous content a caller may keep instead (KeepPrevious).
  void set_deferred() { deferred_ = true; }

  // Declares a file whose open handle can repeat what an earlier read returned: cgroup v1's
  // cgroup.procs keeps the pid list it built for an open file and serves it again to that
  // file's reads until about a second passes without one. Read again within
  // FileCache::kRepeatWindowMs of its last read, such a file is opened afresh (which costs
  // more than a read), unless its previous content is kept (FileCache::KeepPrevious). Such a
  // file is deferred.
  void set_repeating() { repeating_ = deferred_ = true; }

 private:
  friend class FileCache;
  FileCache* cache_ = nullptr;              // set while open (registered in cache_->open_)
  size_t slot_ = 0;                         // index in cache_->open_
  int fd_ = -1;                             // the real file system: a descriptor of our own
  std::unique_ptr<fs::ReadableFile> file_;  // any other: through the seam
  uint64_t used_ = 0;                       // the last scrape that read it
  uint64_t fetched_ = 0;  // the scrape whose Prefetch read `content_` (or met `error_`)
  int error_ = 0;
  bool fixed_lines_ = false;
  bool deferred_ = false;
  bool repeating_ = false;
  int64_t read_ms_ = 0;  // when the kernel last served a read of it (FileCache's clock)
  std::string content_;
};

class FileCache {
 public:
  FileCache(fs::FileSystem& fs, size_t max_open);
  ~FileCache();
  FileCache(const FileCache&) = delete;
  FileCache& operator=(const FileCache&) = delete;

  fs::FileSystem& fs() { return fs_; }

  // The content of <dir>/<name> read through `f` (opened on first use, or after it was closed);
  // null when the file does not exist (or no longer does). The pointer is valid until the next
  // read of `f`.
  Result<const std::string*> Read(CachedFile& f, std::string_view dir, std::string_view name);

  // Reads `path` into *out. Ok(false) when the file does not exist (or no longer does).
  Result<bool> Read(const std::string& path, std::string* out);

  // Reads at once every file read during the previous scrape but the deferred ones (io_uring;
  // nothing when it is not available or `fs` is not the real file system); their reads until
  // EndScrape return that content.
  void Prefetch();

  // The content the last Prefetch read for `f`, or null (not open, not prefetched, an error).
  const std::string* Prefetched(const CachedFile& f) const;

  // For this scrape, reads of `f` (open, read before) return its previous content without
  // reading it: the caller knows it cannot have changed.
  void KeepPrevious(CachedFile& f);

  // Then the deferred files not kept, in a batch of their own: a caller that judges whether a
  // file can have changed (KeepPrevious) bases that on files read strictly before. Repeating
  // files that would repeat themselves are left to be opened afresh by their read.
  void PrefetchDeferred();

  // Closes the files not read since the previous call.
  void EndScrape();

  // See set_repeating: more than the kernel's one second (after which it drops the kept pid
  // list), with room for its delayed work to run late on a busy machine.
  static constexpr int64_t kRepeatWindowMs = 5000;

  size_t open_files() const { return open_.size(); }
  // Files whose content the last Prefetch read (for tests and benchmarks).
  size_t prefetched() const { return prefetched_; }

 private:
  friend class CachedFile;
  bool Open(CachedFile& f, const std::string& path, bool* missing);
  // Reads the open files not read this scrape for which `pick` is true in one batch.
  template <typename Pick>
  void PrefetchSome(Pick&& pick);
  void Close(CachedFile& f);
  // A repeating file whose handle the kernel may still answer with an earlier read's content.
  bool WouldRepeat(const CachedFile& f) const {
    return f.repeating_ && scrape_ms_ - f.read_ms_ < kRepeatWindowMs;
  }
  Result<const std::string*> ReadOpen(CachedFile& f, const std::string& path);

  fs::FileSystem& fs_;
  const bool real_;  // fs is fs::Real(): descriptors of our own, batched reads
  size_t max_open_;
  uint64_t scrape_ = 1;
  int64_t scrape_ms_ = 0;  // steady clock at the current scrape's Prefetch
  std::vector<CachedFile*> open_;
  std::unordered_map<std::string, std::unique_ptr<CachedFile>> by_path_;
  std::string path_;   // reused to build paths
  std::string plain_;  // content of a file read the ordinary way (over the budget)
  std::vector<char> scratch_;
  std::unique_ptr<ReadBatch> batch_;
  bool batch_tried_ = false;
  bool batch_failed_ = false;
  std::vector<ReadBatch::Item> items_;
  std::vector<CachedFile*> item_files_;
  size_t prefetched_ = 0;
};

// Half of the process's open-file limit (minus a reserve for everything else), the default
// handle budget of the container collector.
size_t DefaultMaxOpenFiles();

}  // namespace vigie::collect::cgroup
