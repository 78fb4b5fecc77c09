// What one read of a container's cgroup (and of its processes in /proc) yields, in the units
// cAdvisor reports before conversion: nanoseconds, bytes, counts. Filled by the v1 and v2
// readers; turned into container_* families by the container collector.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigie::collect::cgroup {

struct CpuStats {
  uint64_t usage_ns = 0;
  uint64_t user_ns = 0;
  uint64_t system_ns = 0;
  uint64_t periods = 0;            // CFS enforcement periods elapsed
  uint64_t throttled_periods = 0;  // periods in which the group was throttled
  uint64_t throttled_ns = 0;
};

struct MemoryStats {
  uint64_t usage = 0;
  uint64_t working_set = 0;  // usage minus inactive file pages, never below 0
  uint64_t rss = 0;
  uint64_t cache = 0;
  uint64_t swap = 0;
  uint64_t failcnt = 0;
};

// The container's configuration as its cgroup states it (cAdvisor's "spec").
struct SpecStats {
  bool has_cpu = false;
  uint64_t cpu_quota_us = 0;  // 0: no quota
  uint64_t cpu_period_us = 0;
  uint64_t cpu_shares = 0;  // v2: cpu.weight converted to shares as cAdvisor does
  bool has_memory = false;
  uint64_t memory_limit = 0;  // raw; "max" is UINT64_MAX
};

struct DeviceIo {
  uint32_t major = 0;
  uint32_t minor = 0;
  uint64_t read_bytes = 0;
  uint64_t write_bytes = 0;
  uint64_t reads = 0;
  uint64_t writes = 0;
};

struct InterfaceStats {
  std::string name;
  uint64_t rx_bytes = 0, rx_packets = 0, rx_errors = 0, rx_dropped = 0;
  uint64_t tx_bytes = 0, tx_packets = 0, tx_errors = 0, tx_dropped = 0;
};

// container_tasks_state: threads of the cgroup's processes by scheduler state (from
// /proc/<pid>/stat, and /proc/<pid>/task/<tid>/stat for the other threads of a process).
struct TaskStates {
  uint64_t sleeping = 0;
  uint64_t running = 0;
  uint64_t stopped = 0;
  uint64_t uninterruptible = 0;
  uint64_t iowaiting = 0;  // the kernel no longer reports this per task; kept for the label set

  uint64_t Total() const { return sleeping + running + stopped + uninterruptible + iowaiting; }
};

struct CgroupStats {
  bool has_cpu = false;
  CpuStats cpu;
  bool has_memory = false;
  MemoryStats memory;
  SpecStats spec;
  bool has_io = false;
  std::vector<DeviceIo> io;
  bool has_pids = false;
  std::vector<int> pids;  // processes (cgroup.procs)

  void Clear() {
    has_cpu = has_memory = has_io = has_pids = false;
    cpu = {};
    memory = {};
    spec = {};
    io.clear();
    pids.clear();
  }
};

}  // namespace vigie::collect::cgroup
