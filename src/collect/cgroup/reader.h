// Reads one cgroup's statistics from the mounted hierarchies, v1 (one directory per controller)
// or v2 (the unified hierarchy), detected under <sysfs>/fs/cgroup. All reads go through
// fs::FileSystem, so tests point a reader at a fixture tree.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collect/cgroup/stats.h"
#include "core/fs.h"
#include "core/result.h"

namespace vigie::collect::cgroup {

enum class CgroupVersion { kV1, kV2 };

class CgroupReader {
 public:
  virtual ~CgroupReader() = default;

  // Detects the layout under `cgroup_root` (normally /sys/fs/cgroup): v2 when it holds
  // cgroup.controllers (a pure unified mount), otherwise v1 with one directory per controller
  // (joined mounts like "cpu,cpuacct" are understood). `fs` must outlive the reader. Up to
  // `max_open_files` files stay open between scrapes (see file_cache.h).
  static Result<std::unique_ptr<CgroupReader>> Open(fs::FileSystem& fs, std::string cgroup_root,
                                                    size_t max_open_files = 0);

  virtual CgroupVersion version() const = 0;

  // What to read besides usage (each costs files per container and scrape).
  struct What {
    bool spec = true;        // limits, quota, shares
    bool throttling = true;  // CFS periods (v1: a file of its own, needed only under a quota;
                             // read anyway when `spec` finds a quota)
    bool failcnt = true;     // limit hits (a file of its own, always 0 without a limit; read
                             // anyway when `spec` finds a limit)
    bool processes = true;   // the process list (cgroup.procs)
  };

  // Reads the cgroup at `path` ("/" for the root, "/docker/<id>", ...) into `out` (cleared
  // first). kNotFound when the cgroup no longer exists; a malformed file is an error naming
  // it. A controller that is not mounted (or not enabled for the cgroup) leaves its has_* flag
  // false.
  virtual Status Read(std::string_view path, const What& what, CgroupStats* out) = 0;

  // The directory of the cgroup at `path` in the hierarchy whose process lists are read (v1:
  // cpu, else cpuacct or memory; v2: the unified one), e.g. for CgroupStatsClient.
  virtual std::string ProcessesDir(std::string_view path) const = 0;

  // The tasks the kernel counted in the cgroup at `path` (taskstats) before this scrape's
  // reads, or -1 when unknown.
  using TaskCounts = std::function<int64_t(std::string_view path)>;

  // Starts a scrape: reads at once the files read during the previous one (file_cache.h), so
  // that Read finds them ready, but for those that cannot have changed (v1: see
  // reader_v1.cpp), judged partly with `tasks` (may be empty: unknown). Optional: Read works
  // without it, and then reads every file.
  virtual void BeginScrape(const TaskCounts& tasks) = 0;

  // Ends a scrape: closes the files of cgroups that were not read during it.
  virtual void EndScrape() = 0;

  // Names of the child cgroups of `path` into *out (its strings are reused, so a scrape does
  // not allocate them anew); empty when `path` does not exist.
  virtual Status ListChildren(std::string_view path, std::vector<std::string>* out) = 0;
};

}  // namespace vigie::collect::cgroup
