// cgroup v2: everything in one directory per cgroup. Files of a controller that is not enabled
// for the cgroup (or that the root cgroup lacks, like memory.current) are simply absent.
#include <string>

#include "collect/cgroup/parse.h"
#include "collect/cgroup/reader_impl.h"

namespace vigie::collect::cgroup::internal {

namespace {

// A cgroup's directory and the files read from it.
struct V2Files {
  std::string dir;
  CachedFile cpu_stat, cpu_weight, cpu_max, memory_max;
  CachedFile memory_current, memory_stat, memory_events, swap_current, io_stat, procs;

  // Every file but the process list and io.stat (a line per device) has fixed lines.
  V2Files() {
    for (CachedFile* c : {&cpu_stat, &cpu_weight, &cpu_max, &memory_max, &memory_current,
                          &memory_stat, &memory_events, &swap_current}) {
      c->set_fixed_lines();
    }
  }
};

class V2Reader final : public CgroupReader {
 public:
  V2Reader(fs::FileSystem& fs, size_t max_open, std::string dir)
      : files_(fs, max_open), dir_(std::move(dir)) {}

  CgroupVersion version() const override { return CgroupVersion::kV2; }

  Status Read(std::string_view path, const What& what, CgroupStats* out) override {
    out->Clear();
    V2Files& f = cgroups_.Get(path, [&](V2Files* n) { n->dir = CgroupDir(dir_, path); });
    const std::string& dir = f.dir;
    VIGIE_ASSIGN_OR_RETURN(bool found,
                           files_.ReadParsed(f.cpu_stat, dir, "cpu.stat", [&](std::string_view t) {
                             return ParseCpuStatV2(t, &out->cpu);
                           }));
    if (!found) return NotFound("cgroup " + std::string(path) + " does not exist");
    out->has_cpu = true;

    SpecStats& spec = out->spec;
    if (what.spec) {
      uint64_t weight = 0;
      VIGIE_ASSIGN_OR_RETURN(bool has_weight,
                             files_.ReadUint(f.cpu_weight, dir, "cpu.weight", &weight));
      if (has_weight) spec.cpu_shares = CpuWeightToShares(weight);
      VIGIE_ASSIGN_OR_RETURN(bool has_max,
                             files_.ReadParsed(f.cpu_max, dir, "cpu.max", [&](std::string_view t) {
                               return ParseCpuMaxV2(t, &spec);
                             }));
      spec.has_cpu = has_weight || has_max;
      VIGIE_ASSIGN_OR_RETURN(spec.has_memory,
                             files_.ReadUint(f.memory_max, dir, "memory.max", &spec.memory_limit));
    }

    MemoryStats& m = out->memory;
    VIGIE_ASSIGN_OR_RETURN(out->has_memory,
                           files_.ReadUint(f.memory_current, dir, "memory.current", &m.usage));
    if (out->has_memory) {
      VIGIE_ASSIGN_OR_RETURN(
          found, files_.ReadParsed(f.memory_stat, dir, "memory.stat",
                                   [&](std::string_view t) { return ParseMemoryStatV2(t, &m); }));
      if (!found) m.working_set = m.usage;
      if (what.failcnt || (spec.has_memory && IsLimited(spec.memory_limit))) {
        VIGIE_ASSIGN_OR_RETURN(found, files_.ReadParsed(f.memory_events, dir, "memory.events",
                                                        [&](std::string_view t) {
                                                          auto r = ParseMemoryEventsMax(t);
                                                          if (!r.ok()) return Status(r.error());
                                                          m.failcnt = *r;
                                                          return OkStatus();
                                                        }));
      }
      VIGIE_ASSIGN_OR_RETURN(found,
                             files_.ReadUint(f.swap_current, dir, "memory.swap.current", &m.swap));
    }

    VIGIE_ASSIGN_OR_RETURN(out->has_io,
                           files_.ReadParsed(f.io_stat, dir, "io.stat", [&](std::string_view t) {
                             return ParseIoStatV2(t, &out->io);
                           }));
    if (what.processes) {  // v2 builds the list at every read, kept open or not
      VIGIE_ASSIGN_OR_RETURN(
          out->has_pids, files_.ReadParsed(f.procs, dir, "cgroup.procs", [&](std::string_view t) {
            return ParsePidList(t, &out->pids);
          }));
    }
    return OkStatus();
  }

  Status ListChildren(std::string_view path, std::vector<std::string>* out) override {
    return files_.ListSubdirs(CgroupDir(dir_, path), out);
  }

  std::string ProcessesDir(std::string_view path) const override { return CgroupDir(dir_, path); }

  // Every file is read again: the kernel's task counts come from cgroupstats, which answers
  // only for v1 hierarchies, so a process list cannot be judged unchanged (and the task states
  // are then read from /proc for each of its processes, which needs the list anyway).
  void BeginScrape(const TaskCounts& /*tasks*/) override {
    files_.Prefetch();
    files_.PrefetchDeferred();
  }

  void EndScrape() override {
    cgroups_.EndScrape();
    files_.EndScrape();
  }

 private:
  FileReader files_;  // declared first: outlives the files of cgroups_
  std::string dir_;
  CgroupTable<V2Files> cgroups_;
};

}  // namespace

std::unique_ptr<CgroupReader> NewV2Reader(fs::FileSystem& fs, size_t max_open,
                                          std::string unified_dir) {
  return std::make_unique<V2Reader>(fs, max_open, std::move(unified_dir));
}

}  // namespace vigie::collect::cgroup::internal
