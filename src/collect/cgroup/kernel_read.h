// Whole reads of the small kernel-generated files the container collector reads every scrape
// (cgroupfs, procfs), through descriptors kept open: one at a time with pread, or many at once
// with io_uring (ReadBatch), where system calls are the main cost (about 1.7 us each in a VM).
//
// When a file is complete: cgroupfs and procfs files are seq_files, and one read of a seq_file
// returns whole records, at most one buffer of them (a page or more). It stops short of what was
// asked only at the end of the file or when the next record does not fit in that buffer; the
// files read here are one record (every cgroup statistics file, /proc/<pid>/stat) or records of
// well under 1 KiB (cgroup.procs: a pid per line; /proc/<pid>/net/dev: an interface per line).
// So a short read of at most kSurelyComplete bytes is the whole file, and the empty read that
// would otherwise confirm the end (half of all system calls) is not needed. Longer short reads
// are followed by more reads until one returns 0. A regular file (test fixtures) reads short only
// at its end, so the rule holds for it too.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace vigie::collect::cgroup {

inline constexpr size_t kSurelyComplete = 3072;  // a 4 KiB page less a 1 KiB record

// Whether a read that returned `got` bytes where `asked` were asked reached the end of the file.
inline bool ReadReachedEnd(size_t got, size_t asked) {
  return got == 0 || (got < asked && got <= kSurelyComplete);
}

// Reads the file open at `fd` from offset 0 into *out (replacing its contents), through
// `scratch` (grown as needed, up to 64 MiB). Returns 0, or the errno of the failed read (ENODEV:
// the cgroup was removed; ESRCH: the process exited; EFBIG: longer than 64 MiB).
int ReadWholeFile(int fd, std::vector<char>* scratch, std::string* out);

// Reads many open files at once with io_uring: a few io_uring_enter calls for hundreds of files.
class ReadBatch {
 public:
  struct Item {
    int fd = -1;
    std::string* out = nullptr;  // replaced with the file's content
    int error = 0;               // 0, or the errno of the failed read
    // The file is one value, or "key value" lines whose keys come in a fixed order with the
    // last key appearing once (a fixed set of keys, or any lines ending with a "Total" line):
    // the read then asks for exactly the length of *out's previous content. io_uring retries
    // a short read of a regular file (cgroupfs files are) to confirm its end, with a poll, task
    // work and a second read; a read that fills what was asked is not retried, and it is the
    // whole file when it ends with a line break and its last line has the previous last key
    // (otherwise it is finished with pread). About a third of the cost of a small file's read.
    bool fixed_lines = false;
  };

  // Null when io_uring cannot be used here (kernel without it, io_uring_disabled, a seccomp
  // profile that forbids it, as Docker's does since 25.0); callers then read file by file.
  static std::unique_ptr<ReadBatch> Create();
  ~ReadBatch();

  // Reads every item's file whole from offset 0. Files longer than a slot are finished with
  // ReadWholeFile. Returns false if the ring failed (the batch is then unusable; items not read
  // have error EIO); true otherwise, whatever the individual files answered.
  bool Run(std::vector<Item>* items);

 private:
  struct Ring;
  explicit ReadBatch(std::unique_ptr<Ring> ring);
  bool RunChunk(Item* items, size_t n);

  std::unique_ptr<Ring> ring_;
  std::vector<char> buffer_;  // the reads of a chunk, each at its offset
  std::vector<unsigned> asked_;
  std::vector<size_t> offsets_;
  std::vector<char> scratch_;
};

}  // namespace vigie::collect::cgroup
