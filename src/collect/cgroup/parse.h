// Pure parsers for the cgroup (v1 and v2) and /proc files the container collector reads.
// Each takes a file's text and fills a stats struct; malformed numbers are errors naming the
// offending text, unknown keys are ignored (kernels add keys over time; in memory.stat, whose
// forty-odd keys are parsed every scrape for every container, so are the values of keys not
// used).
// Semantics follow cAdvisor's libcontainer handler (see docs in stats.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collect/cgroup/stats.h"
#include "core/result.h"

namespace vigie::collect::cgroup {

inline constexpr uint64_t kUnlimited = UINT64_MAX;

// Whether a memory limit is a real one: v1 spells "none" as a huge number rounded by the kernel
// (9223372036854771712), v2 as "max"; cAdvisor treats everything above 2^62 as unlimited.
inline bool IsLimited(uint64_t memory_limit) { return memory_limit <= (uint64_t{1} << 62); }

// One unsigned number with optional surrounding whitespace; "max" (cgroup v2's spelling of
// "no limit") is kUnlimited.
Result<uint64_t> ParseCgroupUint(std::string_view text);

// v1 cpu.cfs_quota_us: "-1" (no quota) is 0, as cAdvisor reports it.
Result<uint64_t> ParseCfsQuotaV1(std::string_view text);

// v1 cpuacct.stat ("user <ticks>\nsystem <ticks>") into user_ns/system_ns.
Status ParseCpuacctStat(std::string_view text, CpuStats* out, uint64_t clock_ticks_per_sec = 100);
// v1 cpu.stat: nr_periods, nr_throttled, throttled_time (ns).
Status ParseCpuStatV1(std::string_view text, CpuStats* out);
// v2 cpu.stat: usage_usec, user_usec, system_usec, nr_periods, nr_throttled, throttled_usec.
Status ParseCpuStatV2(std::string_view text, CpuStats* out);
// v2 cpu.max ("max 100000" or "50000 100000") into cpu_quota_us (0 for max) and cpu_period_us.
Status ParseCpuMaxV2(std::string_view text, SpecStats* out);
// v2 cpu.weight [1, 10000] to v1 shares [2, 262144], the mapping cAdvisor applies.
uint64_t CpuWeightToShares(uint64_t weight);

// v1 memory.stat: rss, cache, swap from the hierarchical total_* keys (plain keys when the
// total_* ones are absent); working_set = usage - total_inactive_file (not below 0).
// `out->usage` must be set first.
Status ParseMemoryStatV1(std::string_view text, MemoryStats* out);
// v2 memory.stat: rss=anon, cache=file, working_set = usage - inactive_file.
Status ParseMemoryStatV2(std::string_view text, MemoryStats* out);
// v2 memory.events: the "max" count (times usage hit memory.max), cAdvisor's failcnt on v2.
Result<uint64_t> ParseMemoryEventsMax(std::string_view text);

// v1 blkio.throttle.io_service_bytes(_recursive) (bytes=true) or io_serviced (bytes=false):
// "<major>:<minor> <Read|Write|Sync|Async|Discard|Total> <value>" lines; merges into `io`.
Status ParseBlkioV1(std::string_view text, bool bytes, std::vector<DeviceIo>* io);
// v2 io.stat: "<major>:<minor> rbytes=.. wbytes=.. rios=.. wios=.. dbytes=.. dios=..".
Status ParseIoStatV2(std::string_view text, std::vector<DeviceIo>* io);

// cgroup.procs / tasks / cgroup.threads: one id per line.
Status ParsePidList(std::string_view text, std::vector<int>* out);

// cAdvisor skips loopback, host-side veth pairs and bridge devices inside containers.
bool IsIgnoredInterface(std::string_view name);
// /proc/<pid>/net/dev; ignored interfaces are skipped. Replaces `out`'s contents.
Status ParseNetDev(std::string_view text, std::vector<InterfaceStats>* out);

struct ProcPidStat {
  char state = '?';
  uint64_t num_threads = 1;  // field 20
  uint64_t start_ticks = 0;  // field 22: start time in clock ticks after boot
};
// /proc/<pid>/stat; the command name may contain spaces and parentheses.
Result<ProcPidStat> ParseProcPidStat(std::string_view text);
// Counts one task of state `state` (R, S, D, T, t, I, Z, ...) the way cgroupstats does.
void TallyTaskState(char state, TaskStates* out);

// "btime <seconds>" from /proc/stat.
Result<int64_t> ParseBootTime(std::string_view proc_stat);

struct BlockDevice {
  uint32_t major = 0;
  uint32_t minor = 0;
  std::string name;  // e.g. "vda"
};
// /proc/diskstats: major, minor, name of every device.
Status ParseDiskstatsNames(std::string_view text, std::vector<BlockDevice>* out);

}  // namespace vigie::collect::cgroup
