// cgroup v1: cpuacct (usage), cpu (throttling, quota, shares), memory, blkio (throttle stats,
// which count every bio whatever the I/O scheduler), and the process lists of the cpu hierarchy
// (as cAdvisor reads them).
#include <string>

#include "collect/cgroup/parse.h"
#include "collect/cgroup/reader_impl.h"

namespace vigie::collect::cgroup::internal {

namespace {

class V1Reader final : public CgroupReader {
 public:
  V1Reader(fs::FileSystem& fs, size_t max_open, V1Dirs dirs)
      : files_(fs, max_open), dirs_(std::move(dirs)) {}

  CgroupVersion version() const override { return CgroupVersion::kV1; }

  Status Read(std::string_view path, const What& what, CgroupStats* out) override {
    out->Clear();
    bool exists = false;
    VIGIE_RETURN_IF_ERROR(ReadCpuacct(path, out, &exists));
    VIGIE_RETURN_IF_ERROR(ReadCpu(path, what, out, &exists));
    VIGIE_RETURN_IF_ERROR(ReadMemory(path, what, out, &exists));
    if (!exists) return NotFound("cgroup " + std::string(path) + " does not exist");
    VIGIE_RETURN_IF_ERROR(ReadBlkio(path, out));
    return OkStatus();
  }

  Result<std::vector<std::string>> ListChildren(std::string_view path) override {
    const std::string& h = !dirs_.cpu.empty()       ? dirs_.cpu
                           : !dirs_.cpuacct.empty() ? dirs_.cpuacct
                                                    : dirs_.memory;
    return ListSubdirs(files_.fs(), CgroupDir(h, path));
  }

  void EndScrape() override { files_.EndScrape(); }

 private:
  Status ReadCpuacct(std::string_view path, CgroupStats* out, bool* exists) {
    if (dirs_.cpuacct.empty()) return OkStatus();
    std::string dir = CgroupDir(dirs_.cpuacct, path);
    VIGIE_ASSIGN_OR_RETURN(bool found, files_.ReadUint(dir, "cpuacct.usage", &out->cpu.usage_ns));
    if (!found) return OkStatus();
    *exists = out->has_cpu = true;
    VIGIE_ASSIGN_OR_RETURN(found, files_.ReadParsed(dir, "cpuacct.stat", [&](std::string_view t) {
      return ParseCpuacctStat(t, &out->cpu);
    }));
    return OkStatus();
  }

  Status ReadCpu(std::string_view path, const What& what, CgroupStats* out, bool* exists) {
    if (dirs_.cpu.empty()) return OkStatus();
    std::string dir = CgroupDir(dirs_.cpu, path);
    // Process and thread lists from the cpu hierarchy, as cAdvisor counts container_processes;
    // cgroup.procs also tells whether the cgroup exists.
    VIGIE_ASSIGN_OR_RETURN(out->has_pids,
                           files_.ReadParsed(dir, "cgroup.procs", [&](std::string_view t) {
                             return ParsePidList(t, &out->pids);
                           }));
    if (!out->has_pids) return OkStatus();
    *exists = true;
    bool found = false;
    SpecStats& spec = out->spec;
    if (what.spec) {
      VIGIE_ASSIGN_OR_RETURN(spec.has_cpu, files_.ReadUint(dir, "cpu.shares", &spec.cpu_shares));
      VIGIE_ASSIGN_OR_RETURN(found, files_.ReadUint(dir, "cpu.cfs_period_us", &spec.cpu_period_us));
      VIGIE_ASSIGN_OR_RETURN(found,
                             files_.ReadParsed(dir, "cpu.cfs_quota_us", [&](std::string_view t) {
                               auto q = ParseCfsQuotaV1(t);
                               if (!q.ok()) return Status(q.error());
                               spec.cpu_quota_us = *q;
                               return OkStatus();
                             }));
    }
    if (what.throttling || spec.cpu_quota_us != 0) {
      VIGIE_ASSIGN_OR_RETURN(found, files_.ReadParsed(dir, "cpu.stat", [&](std::string_view t) {
        return ParseCpuStatV1(t, &out->cpu);
      }));
    }
    (void)found;  // each of these files is optional
    return OkStatus();
  }

  Status ReadMemory(std::string_view path, const What& what, CgroupStats* out, bool* exists) {
    if (dirs_.memory.empty()) return OkStatus();
    std::string dir = CgroupDir(dirs_.memory, path);
    MemoryStats& m = out->memory;
    VIGIE_ASSIGN_OR_RETURN(bool found, files_.ReadUint(dir, "memory.usage_in_bytes", &m.usage));
    if (!found) return OkStatus();
    *exists = out->has_memory = true;
    VIGIE_ASSIGN_OR_RETURN(found, files_.ReadParsed(dir, "memory.stat", [&](std::string_view t) {
      return ParseMemoryStatV1(t, &m);
    }));
    if (!found) m.working_set = m.usage;
    if (what.spec) {
      VIGIE_ASSIGN_OR_RETURN(out->spec.has_memory, files_.ReadUint(dir, "memory.limit_in_bytes",
                                                                   &out->spec.memory_limit));
    }
    if (what.failcnt || (out->spec.has_memory && IsLimited(out->spec.memory_limit))) {
      VIGIE_ASSIGN_OR_RETURN(found, files_.ReadUint(dir, "memory.failcnt", &m.failcnt));
    }
    return OkStatus();
  }

  Status ReadBlkio(std::string_view path, CgroupStats* out) {
    if (dirs_.blkio.empty()) return OkStatus();
    std::string dir = CgroupDir(dirs_.blkio, path);
    for (bool bytes : {true, false}) {
      const char* recursive = bytes ? "blkio.throttle.io_service_bytes_recursive"
                                    : "blkio.throttle.io_serviced_recursive";
      const char* plain = bytes ? "blkio.throttle.io_service_bytes" : "blkio.throttle.io_serviced";
      auto parse = [&](std::string_view t) { return ParseBlkioV1(t, bytes, &out->io); };
      VIGIE_ASSIGN_OR_RETURN(bool found, files_.ReadParsed(dir, recursive, parse));
      if (!found) {
        VIGIE_ASSIGN_OR_RETURN(found, files_.ReadParsed(dir, plain, parse));
      }
      out->has_io = out->has_io || found;
    }
    return OkStatus();
  }

  FileReader files_;
  V1Dirs dirs_;
};

}  // namespace

std::unique_ptr<CgroupReader> NewV1Reader(fs::FileSystem& fs, size_t max_open, V1Dirs dirs) {
  return std::make_unique<V1Reader>(fs, max_open, std::move(dirs));
}

}  // namespace vigie::collect::cgroup::internal
