// cgroup v1: cpuacct (usage), cpu (throttling, quota, shares), memory, blkio (throttle stats,
// which count every bio whatever the I/O scheduler), and the process lists of the cpu hierarchy
// (as cAdvisor reads them).
#include <optional>
#include <string>

#include "collect/cgroup/parse.h"
#include "collect/cgroup/reader_impl.h"

namespace vigie::collect::cgroup::internal {

namespace {

// Whether a cgroup's process list can have changed since it was last read. It cannot while no
// task ran in the cgroup and none was moved in or out: forks and exits run in the cgroup, whose
// CPU usage counts them, and a task moved in or out changes the kernel's task count
// (taskstats, which answers for v1 hierarchies only). Both figures are taken before the list is
// read (the usage in the first batch of a scrape's reads, the count before any read), so a change
// while the list is read shows at the next scrape. What it cannot see: between two scrapes, a
// sleeping task moved in and another moved out (by a process outside the cgroup), which shows when
// the cgroup next runs.
class ProcessListWatch {
 public:
  // At the start of a scrape, with the cgroup's CPU usage and task count (-1: unknown) taken
  // just now: whether the list last read is still right, so need not be read again.
  bool StillRight(std::optional<uint64_t> usage, int64_t tasks) {
    now_ = Figures{usage, tasks};
    kept_ = usage.has_value() && tasks >= 0 && now_ == read_;
    return kept_;
  }

  // Once the list was read, or kept: a list read is the one of the figures last given.
  void Done() {
    if (!kept_) read_ = now_;
    now_ = Figures{};
    kept_ = false;
  }

 private:
  struct Figures {
    std::optional<uint64_t> usage;
    int64_t tasks = -1;
    bool operator==(const Figures&) const = default;
  };
  Figures now_, read_;
  bool kept_ = false;
};

// A cgroup's directory in each hierarchy and the files read from them.
struct V1Files {
  std::string cpuacct, cpu, memory, blkio;
  CachedFile usage, acct_stat;                        // cpuacct
  CachedFile procs, shares, period, quota, cpu_stat;  // cpu
  CachedFile mem_usage, mem_stat, mem_limit, failcnt;
  CachedFile io_bytes, io_ops;              // blkio, *_recursive
  CachedFile io_bytes_plain, io_ops_plain;  // blkio, where *_recursive is missing

  // The CPU usage when the files that move only while a task of the cgroup runs were last read
  // (see BeginScrape).
  std::optional<uint64_t> run_files_usage_ns;
  ProcessListWatch procs_watch;

  // Every file but the process list has fixed lines (blkio's end with "Total"); the process
  // list is v1's, which repeats itself when read again within a second.
  V1Files() {
    for (CachedFile* c :
         {&usage, &acct_stat, &shares, &period, &quota, &cpu_stat, &mem_usage, &mem_stat,
          &mem_limit, &failcnt, &io_bytes, &io_ops, &io_bytes_plain, &io_ops_plain}) {
      c->set_fixed_lines();
    }
    for (CachedFile* c : {&acct_stat, &io_bytes, &io_ops, &io_bytes_plain, &io_ops_plain}) {
      c->set_deferred();
    }
    procs.set_repeating();
  }
};

class V1Reader final : public CgroupReader {
 public:
  V1Reader(fs::FileSystem& fs, size_t max_open, V1Dirs dirs)
      : files_(fs, max_open), dirs_(std::move(dirs)) {}

  CgroupVersion version() const override { return CgroupVersion::kV1; }

  Status Read(std::string_view path, const What& what, CgroupStats* out) override {
    out->Clear();
    V1Files& f = cgroups_.Get(path, [&](V1Files* n) {
      if (!dirs_.cpuacct.empty()) n->cpuacct = CgroupDir(dirs_.cpuacct, path);
      if (!dirs_.cpu.empty()) n->cpu = CgroupDir(dirs_.cpu, path);
      if (!dirs_.memory.empty()) n->memory = CgroupDir(dirs_.memory, path);
      if (!dirs_.blkio.empty()) n->blkio = CgroupDir(dirs_.blkio, path);
    });
    f.run_files_usage_ns.reset();  // set again once they are read
    bool exists = false;
    VIGIE_RETURN_IF_ERROR(ReadCpuacct(f, out, &exists));
    VIGIE_RETURN_IF_ERROR(ReadCpu(f, what, out, &exists));
    VIGIE_RETURN_IF_ERROR(ReadMemory(f, what, out, &exists));
    if (!exists) return NotFound("cgroup " + std::string(path) + " does not exist");
    VIGIE_RETURN_IF_ERROR(ReadBlkio(f, out));
    // Read after the usage (read again or kept, their counts are those up to that usage).
    if (out->has_cpu) f.run_files_usage_ns = out->cpu.usage_ns;
    return OkStatus();
  }

  Status ListChildren(std::string_view path, std::vector<std::string>* out) override {
    return files_.ListSubdirs(ProcessesDir(path), out);
  }

  std::string ProcessesDir(std::string_view path) const override {
    const std::string& h = !dirs_.cpu.empty()       ? dirs_.cpu
                           : !dirs_.cpuacct.empty() ? dirs_.cpuacct
                                                    : dirs_.memory;
    return CgroupDir(h, path);
  }

  void BeginScrape(const TaskCounts& tasks) override {
    files_.Prefetch();
    // The usage is read just now, before the deferred files. Some files move only while a task
    // of the cgroup runs, whose run time then grows too: cpuacct.stat's ticks are charged to
    // the task running at the time, and blkio's throttle counts to the cgroup of the task that
    // submits the I/O (on v1, writeback is the flusher threads', counted at the root). While the
    // usage has not moved since they were last read, no task ran and their counts are where
    // they were. The exceptions are seen when the cgroup next runs: a tick charged to a task
    // that ran no measurable time, and the I/O that a kernel thread submits on the cgroup's
    // behalf (a loop device's worker) after its tasks last ran. The process list is kept
    // likewise (ProcessListWatch). Three reads fewer per idle container.
    cgroups_.ForEach([&](std::string_view path, V1Files& f) {
      std::optional<uint64_t> usage;
      if (const std::string* text = files_.Prefetched(f.usage); text != nullptr) {
        if (auto v = ParseCgroupUint(*text); v.ok()) usage = *v;
      }
      if (usage && usage == f.run_files_usage_ns) {
        for (CachedFile* c :
             {&f.acct_stat, &f.io_bytes, &f.io_ops, &f.io_bytes_plain, &f.io_ops_plain}) {
          files_.KeepPrevious(*c);
        }
      }
      if (f.procs_watch.StillRight(usage, tasks ? tasks(path) : -1)) {
        files_.KeepPrevious(f.procs);
      }
    });
    files_.PrefetchDeferred();
  }

  void EndScrape() override {
    cgroups_.EndScrape();
    files_.EndScrape();
  }

 private:
  Status ReadCpuacct(V1Files& f, CgroupStats* out, bool* exists) {
    if (dirs_.cpuacct.empty()) return OkStatus();
    VIGIE_ASSIGN_OR_RETURN(
        bool found, files_.ReadUint(f.usage, f.cpuacct, "cpuacct.usage", &out->cpu.usage_ns));
    if (!found) return OkStatus();
    *exists = out->has_cpu = true;
    VIGIE_ASSIGN_OR_RETURN(
        found, files_.ReadParsed(f.acct_stat, f.cpuacct, "cpuacct.stat", [&](std::string_view t) {
          return ParseCpuacctStat(t, &out->cpu);
        }));
    return OkStatus();
  }

  Status ReadCpu(V1Files& f, const What& what, CgroupStats* out, bool* exists) {
    if (dirs_.cpu.empty()) return OkStatus();
    const std::string& dir = f.cpu;
    // The process list from the cpu hierarchy, as cAdvisor counts container_processes; it also
    // tells whether the cgroup exists there.
    if (what.processes) {
      // A kept handle read again within a second repeats an earlier read's list: FileCache
      // opens the file afresh then, unless BeginScrape kept the list.
      VIGIE_ASSIGN_OR_RETURN(
          out->has_pids, files_.ReadParsed(f.procs, dir, "cgroup.procs", [&](std::string_view t) {
            return ParsePidList(t, &out->pids);
          }));
      f.procs_watch.Done();
      if (!out->has_pids) return OkStatus();
      *exists = true;
    }
    bool found = false;
    SpecStats& spec = out->spec;
    if (what.spec) {
      VIGIE_ASSIGN_OR_RETURN(spec.has_cpu,
                             files_.ReadUint(f.shares, dir, "cpu.shares", &spec.cpu_shares));
      VIGIE_ASSIGN_OR_RETURN(
          found, files_.ReadUint(f.period, dir, "cpu.cfs_period_us", &spec.cpu_period_us));
      VIGIE_ASSIGN_OR_RETURN(
          found, files_.ReadParsed(f.quota, dir, "cpu.cfs_quota_us", [&](std::string_view t) {
            auto q = ParseCfsQuotaV1(t);
            if (!q.ok()) return Status(q.error());
            spec.cpu_quota_us = *q;
            return OkStatus();
          }));
    }
    if (what.throttling || spec.cpu_quota_us != 0) {
      VIGIE_ASSIGN_OR_RETURN(
          found, files_.ReadParsed(f.cpu_stat, dir, "cpu.stat", [&](std::string_view t) {
            return ParseCpuStatV1(t, &out->cpu);
          }));
    }
    (void)found;  // each of these files is optional
    return OkStatus();
  }

  Status ReadMemory(V1Files& f, const What& what, CgroupStats* out, bool* exists) {
    if (dirs_.memory.empty()) return OkStatus();
    const std::string& dir = f.memory;
    MemoryStats& m = out->memory;
    VIGIE_ASSIGN_OR_RETURN(bool found,
                           files_.ReadUint(f.mem_usage, dir, "memory.usage_in_bytes", &m.usage));
    if (!found) return OkStatus();
    *exists = out->has_memory = true;
    VIGIE_ASSIGN_OR_RETURN(
        found, files_.ReadParsed(f.mem_stat, dir, "memory.stat",
                                 [&](std::string_view t) { return ParseMemoryStatV1(t, &m); }));
    if (!found) m.working_set = m.usage;
    if (what.spec) {
      VIGIE_ASSIGN_OR_RETURN(
          out->spec.has_memory,
          files_.ReadUint(f.mem_limit, dir, "memory.limit_in_bytes", &out->spec.memory_limit));
    }
    if (what.failcnt || (out->spec.has_memory && IsLimited(out->spec.memory_limit))) {
      VIGIE_ASSIGN_OR_RETURN(found, files_.ReadUint(f.failcnt, dir, "memory.failcnt", &m.failcnt));
    }
    return OkStatus();
  }

  Status ReadBlkio(V1Files& f, CgroupStats* out) {
    if (dirs_.blkio.empty()) return OkStatus();
    // Operations first: both files list the same devices (one line set per block group of the
    // cgroup), so when the operation counts name no device the byte counts are not read.
    for (bool bytes : {false, true}) {
      if (bytes && out->io.empty()) break;
      const char* recursive = bytes ? "blkio.throttle.io_service_bytes_recursive"
                                    : "blkio.throttle.io_serviced_recursive";
      const char* plain = bytes ? "blkio.throttle.io_service_bytes" : "blkio.throttle.io_serviced";
      auto parse = [&](std::string_view t) { return ParseBlkioV1(t, bytes, &out->io); };
      VIGIE_ASSIGN_OR_RETURN(
          bool found, files_.ReadParsed(bytes ? f.io_bytes : f.io_ops, f.blkio, recursive, parse));
      if (!found) {
        VIGIE_ASSIGN_OR_RETURN(found, files_.ReadParsed(bytes ? f.io_bytes_plain : f.io_ops_plain,
                                                        f.blkio, plain, parse));
      }
      out->has_io = out->has_io || found;
    }
    return OkStatus();
  }

  FileReader files_;  // declared first: outlives the files of cgroups_
  V1Dirs dirs_;
  CgroupTable<V1Files> cgroups_;
};

}  // namespace

std::unique_ptr<CgroupReader> NewV1Reader(fs::FileSystem& fs, size_t max_open, V1Dirs dirs) {
  return std::make_unique<V1Reader>(fs, max_open, std::move(dirs));
}

}  // namespace vigie::collect::cgroup::internal
