// Process metrics under the names every Prometheus client library uses, so dashboards and
// comparisons with reference tools work: process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_virtual_memory_max_bytes, process_start_time_seconds, process_open_fds,
// process_max_fds. Read from /proc/<pid>/{stat,limits,fd} and /proc/stat (btime) at
// collect time (stat and limits are kept open between collections and re-read from offset 0);
// a file that cannot be read leaves out only the metrics that need it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/fs.h"
#include "core/result.h"
#include "instrument/collector.h"

namespace vigie::instrument {

// Fields of /proc/<pid>/stat that the collector needs.
struct ProcPidStat {
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
  uint64_t starttime_ticks = 0;  // since boot
  uint64_t vsize_bytes = 0;
  int64_t rss_pages = 0;
};
// The command name in parentheses may hold spaces and ')': fields are counted after the last.
Result<ProcPidStat> ParseProcPidStat(std::string_view text);
// The "btime" line of /proc/stat: boot time in seconds since the epoch.
Result<int64_t> ParseBootTime(std::string_view proc_stat);
// The soft limit of a /proc/<pid>/limits row ("Max open files", "Max address space");
// "unlimited" is reported as 2^64-1, as Prometheus client libraries do.
Result<double> ParseSoftLimit(std::string_view limits, std::string_view row);

struct ProcessCollectorOptions {
  fs::FileSystem* fs = nullptr;  // nullptr: the real file system
  std::string proc_root = "/proc";
  std::string pid = "self";
  // 0: sysconf(_SC_CLK_TCK) and sysconf(_SC_PAGESIZE); tests pin them.
  int64_t clock_ticks_per_second = 0;
  int64_t page_size = 0;
};

class ProcessCollector final : public Collector {
 public:
  explicit ProcessCollector(ProcessCollectorOptions opts = {});
  void Collect(std::vector<expfmt::MetricFamily>* out) override;

 private:
  Result<size_t> CountOpenFds();

  // A /proc file read at every collection through a kept handle (see fs::ReadableFile).
  struct KeptFile {
    std::string path;
    std::unique_ptr<fs::ReadableFile> file;
    std::string text;
  };
  // Its whole content, valid until the next read; on an error the handle is dropped (and
  // opened again at the next read).
  Result<std::string_view> ReadKept(KeptFile& k);

  ProcessCollectorOptions opts_;
  fs::FileSystem* fs_;
  KeptFile stat_, limits_;
  std::string fd_dir_;
  // The start time never changes: /proc/stat (large on many CPUs) is read until it is known.
  double start_time_seconds_ = -1;
};

}  // namespace vigie::instrument
