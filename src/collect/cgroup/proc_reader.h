// What the container collector reads from /proc (rooted at --path.procfs): a container's
// network interfaces as its network namespace sees them (/proc/<pid>/net/dev of one of its
// processes), task states, process start times, and block device names for the device label.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "collect/cgroup/file_cache.h"
#include "collect/cgroup/parse.h"
#include "collect/cgroup/stats.h"
#include "core/fs.h"
#include "core/result.h"

namespace vigie::collect::cgroup {

class ProcReader {
 public:
  // Up to `max_open` files stay open between scrapes (see file_cache.h).
  ProcReader(fs::FileSystem& fs, std::string procfs, size_t max_open)
      : fs_(fs), procfs_(std::move(procfs)), files_(fs, max_open) {}

  // Interfaces of the network namespace `pid` lives in (lo, veth*, docker* skipped).
  Status ReadNetwork(int pid, std::vector<InterfaceStats>* out);

  // Scheduler states of the threads of `pids` (up to `max_tasks` of them): the state of each
  // process's main thread from /proc/<pid>/stat and, for a process with more threads, those of
  // /proc/<pid>/task/<tid>/stat. Tasks that vanished meanwhile are skipped.
  TaskStates ReadTaskStates(const std::vector<int>& pids, size_t max_tasks);

  // Start time of process `pid` in Unix seconds (its start ticks after boot plus btime).
  Result<double> ProcessStartTime(int pid);

  // "/dev/<name>" of a block device, as cAdvisor labels container_fs_*; the table is read from
  // /proc/diskstats once and re-read when an unknown device shows up (at most once per scrape).
  std::string DeviceName(uint32_t major, uint32_t minor);
  // Allows one more re-read of the device table. (No FileCache::Prefetch here: procfs files
  // cannot be polled, so io_uring hands their reads to a worker thread, which costs three times
  // a pread each in a VM: 1.4 against 0.48 ms for 100 /proc/<pid>/net/dev files.)
  void BeginScrape() { devices_reread_allowed_ = true; }
  // Closes the files not read during the scrape.
  void EndScrape();

 private:
  std::string PidPath(int pid, std::string_view file) const;
  // /proc/<pid>/stat (or /proc/<pid>/task/<tid>/stat with `tid`), through a file kept per task.
  Result<const std::string*> ReadTaskStat(int pid, int tid);

  fs::FileSystem& fs_;
  std::string procfs_;
  FileCache files_;
  std::unordered_map<uint64_t, CachedFile> task_stats_;  // by pid << 32 | tid
  std::string dir_;                                      // reused to build paths
  std::string buf_;
  int64_t boot_time_ = -1;
  std::vector<BlockDevice> devices_;
  bool devices_reread_allowed_ = true;
};

}  // namespace vigie::collect::cgroup
