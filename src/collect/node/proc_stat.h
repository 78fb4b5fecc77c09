// /proc/stat: per-CPU times (cpu collector) and kernel counters (stat collector).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::collect::node {

// USER_HZ: /proc/stat counts CPU time in 1/100 s on every Linux architecture we run on.
inline constexpr double kUserHz = 100.0;

struct CpuTimes {
  int64_t cpu = 0;  // N of the "cpuN" line
  // Seconds (ticks / USER_HZ). Fields missing on old kernels stay 0.
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0,
         guest = 0, guest_nice = 0;
};

struct ProcStat {
  std::vector<CpuTimes> cpus;  // per-CPU lines in file order; the "cpu" total line is skipped
  uint64_t intr_total = 0;
  uint64_t context_switches = 0;
  uint64_t boot_time = 0;
  uint64_t forks = 0;
  uint64_t procs_running = 0;
  uint64_t procs_blocked = 0;
};

// Unknown lines are skipped (kernels add them); a malformed number is an error naming the line.
Result<ProcStat> ParseProcStat(std::string_view text);

}  // namespace vigie::collect::node
