// /proc/stat parser and the two collectors that read it: cpu and stat.
#include "collect/node/proc_stat.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/file_reader.h"
#include "collect/node/text.h"

namespace vigie::collect::node {

namespace {
constexpr std::string_view kSource = "/proc/stat";
// Bounds the per-CPU arrays against a corrupt "cpu999999999" line.
constexpr int64_t kMaxCpus = 1 << 16;
}  // namespace

Result<ProcStat> ParseProcStat(std::string_view text) {
  ProcStat out;
  LineReader lines(text);
  std::string_view line;
  std::vector<std::string_view> f;
  while (lines.Next(&line)) {
    SplitFields(line, &f);
    if (f.empty()) continue;
    std::string_view key = f[0];
    if (key.starts_with("cpu")) {
      if (key == "cpu") continue;  // the all-CPU total; node-exporter reports per CPU only
      auto id = ParseI64(key.substr(3));
      if (!id || *id < 0 || *id >= kMaxCpus) {
        return LineError(kSource, lines.line_number(), "bad CPU name", line);
      }
      if (f.size() < 2)
        return LineError(kSource, lines.line_number(), "CPU line has no times", line);
      CpuTimes c;
      c.cpu = *id;
      double* fields[] = {&c.user, &c.nice,    &c.system, &c.idle,  &c.iowait,
                          &c.irq,  &c.softirq, &c.steal,  &c.guest, &c.guest_nice};
      for (size_t i = 1; i < f.size() && i - 1 < std::size(fields); ++i) {
        auto v = ParseU64(f[i]);
        if (!v) return LineError(kSource, lines.line_number(), "bad CPU time", line);
        *fields[i - 1] = static_cast<double>(*v) / kUserHz;
      }
      out.cpus.push_back(c);
      continue;
    }
    uint64_t* target = nullptr;
    if (key == "intr") {
      target = &out.intr_total;
    } else if (key == "ctxt") {
      target = &out.context_switches;
    } else if (key == "btime") {
      target = &out.boot_time;
    } else if (key == "processes") {
      target = &out.forks;
    } else if (key == "procs_running") {
      target = &out.procs_running;
    } else if (key == "procs_blocked") {
      target = &out.procs_blocked;
    } else {
      continue;
    }
    if (f.size() < 2) return LineError(kSource, lines.line_number(), "missing value", line);
    auto v = ParseU64(f[1]);
    if (!v) return LineError(kSource, lines.line_number(), "bad number", line);
    *target = *v;
  }
  return out;
}

namespace {

Result<ProcStat> ReadProcStat(const NodeOptions& o, FileReader& reader) {
  VIGIE_ASSIGN_OR_RETURN(std::string_view text, reader.Read(o.paths.Proc("stat")));
  return ParseProcStat(text);
}

// Counters in /proc/stat may step backwards (e.g. the idle time of a CPU going offline and back);
// like node-exporter we keep the highest value seen per CPU and mode, and reset a CPU whose idle
// time fell by 3 s or more (a hotplug).
class CpuCollector final : public Collector {
 public:
  explicit CpuCollector(NodeOptions o) : o_(std::move(o)), reader_(o_.fs) {}
  std::string_view Name() const override { return "cpu"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    SweepOnExit sweep(reader_);
    VIGIE_ASSIGN_OR_RETURN(ProcStat stat, ReadProcStat(o_, reader_));
    FamilyBuilder seconds("node_cpu_seconds_total", expfmt::MetricType::kCounter,
                          "Seconds the CPUs spent in each mode.");
    FamilyBuilder guest("node_cpu_guest_seconds_total", expfmt::MetricType::kCounter,
                        "Seconds the CPUs spent in guests (VMs) for each mode.");
    // Like node-exporter, a CPU missing between two others (offline) is reported with zeros.
    int64_t max_cpu = -1;
    for (const CpuTimes& c : stat.cpus) max_cpu = std::max(max_cpu, c.cpu);
    if (max_cpu >= kMaxCpus) return InvalidArgument("/proc/stat: CPU number out of range");
    std::vector<CpuTimes> dense(static_cast<size_t>(max_cpu + 1));
    for (size_t i = 0; i < dense.size(); ++i) dense[i].cpu = static_cast<int64_t>(i);
    for (const CpuTimes& c : stat.cpus) dense[static_cast<size_t>(c.cpu)] = c;
    for (const CpuTimes& now : dense) {
      CpuTimes& kept = Clamp(now);
      std::string cpu = std::to_string(now.cpu);
      seconds.Add({{"cpu", cpu}, {"mode", "idle"}}, kept.idle)
          .Add({{"cpu", cpu}, {"mode", "iowait"}}, kept.iowait)
          .Add({{"cpu", cpu}, {"mode", "irq"}}, kept.irq)
          .Add({{"cpu", cpu}, {"mode", "nice"}}, kept.nice)
          .Add({{"cpu", cpu}, {"mode", "softirq"}}, kept.softirq)
          .Add({{"cpu", cpu}, {"mode", "steal"}}, kept.steal)
          .Add({{"cpu", cpu}, {"mode", "system"}}, kept.system)
          .Add({{"cpu", cpu}, {"mode", "user"}}, kept.user);
      if (o_.cpu_guest) {
        // Guest time is also counted in user and nice; reported separately, as node-exporter.
        guest.Add({{"cpu", cpu}, {"mode", "nice"}}, kept.guest_nice)
            .Add({{"cpu", cpu}, {"mode", "user"}}, kept.guest);
      }
    }
    guest.MoveTo(out);
    seconds.MoveTo(out);
    ThermalThrottles(dense.size(), out);
    return OkStatus();
  }

 private:
  CpuTimes& Clamp(const CpuTimes& now) {
    auto [it, inserted] = last_.try_emplace(now.cpu, now);
    CpuTimes& kept = it->second;
    if (inserted) return kept;
    if (kept.idle - now.idle >= 3.0) {
      kept = now;
      return kept;
    }
    auto keep_max = [](double& k, double n) {
      if (n >= k) k = n;
    };
    keep_max(kept.user, now.user);
    keep_max(kept.nice, now.nice);
    keep_max(kept.system, now.system);
    keep_max(kept.idle, now.idle);
    keep_max(kept.iowait, now.iowait);
    keep_max(kept.irq, now.irq);
    keep_max(kept.softirq, now.softirq);
    keep_max(kept.steal, now.steal);
    keep_max(kept.guest, now.guest);
    keep_max(kept.guest_nice, now.guest_nice);
    return kept;
  }

  // node_cpu_{core,package}_throttles_total from sysfs thermal_throttle, where CPUs have it.
  // Which files exist is found once per CPU count (the topology changes only on hotplug), so a
  // machine without them costs nothing per scrape.
  struct ThrottleFile {
    uint64_t package = 0, core = 0;
    bool is_package = false;
    std::string path;
  };

  void DiscoverThrottleFiles() {
    throttle_files_.clear();
    auto entries = o_.fs->ListDir(o_.paths.Sys("devices/system/cpu"));
    if (!entries.ok()) return;
    std::set<std::pair<uint64_t, uint64_t>> cores;
    std::set<uint64_t> packages;
    for (const auto& e : *entries) {
      std::string_view name = e.name;
      if (!name.starts_with("cpu") || name.size() < 4 || !ParseU64(name.substr(3))) continue;
      std::string dir = o_.paths.Sys("devices/system/cpu/" + e.name);
      auto pkg = ReadU64(dir + "/topology/physical_package_id");
      auto core = ReadU64(dir + "/topology/core_id");
      if (!pkg || !core) continue;
      std::string core_path = dir + "/thermal_throttle/core_throttle_count";
      if (cores.insert({*pkg, *core}).second && ReadU64(core_path)) {
        throttle_files_.push_back({*pkg, *core, false, core_path});
      }
      std::string pkg_path = dir + "/thermal_throttle/package_throttle_count";
      if (!packages.count(*pkg) && ReadU64(pkg_path)) {
        packages.insert(*pkg);
        throttle_files_.push_back({*pkg, 0, true, pkg_path});
      }
    }
  }

  std::optional<uint64_t> ReadU64(const std::string& path) {
    auto text = reader_.Read(path);
    if (!text.ok()) return std::nullopt;
    return ParseU64(TrimSpace(*text));
  }

  void ThermalThrottles(size_t cpu_count, std::vector<expfmt::MetricFamily>* out) {
    if (cpu_count != throttle_cpu_count_) {
      throttle_cpu_count_ = cpu_count;
      DiscoverThrottleFiles();
    }
    if (throttle_files_.empty()) return;
    FamilyBuilder core_f("node_cpu_core_throttles_total", expfmt::MetricType::kCounter,
                         "Number of times this CPU core has been throttled.");
    FamilyBuilder pkg_f("node_cpu_package_throttles_total", expfmt::MetricType::kCounter,
                        "Number of times this CPU package has been throttled.");
    for (const auto& t : throttle_files_) {
      auto v = ReadU64(t.path);
      if (!v) continue;
      if (t.is_package) {
        pkg_f.Add({{"package", std::to_string(t.package)}}, static_cast<double>(*v));
      } else {
        core_f.Add({{"package", std::to_string(t.package)}, {"core", std::to_string(t.core)}},
                   static_cast<double>(*v));
      }
    }
    core_f.MoveTo(out);
    pkg_f.MoveTo(out);
  }

  NodeOptions o_;
  FileReader reader_;
  std::map<int64_t, CpuTimes> last_;
  size_t throttle_cpu_count_ = static_cast<size_t>(-1);
  std::vector<ThrottleFile> throttle_files_;
};

class StatCollector final : public Collector {
 public:
  explicit StatCollector(NodeOptions o) : o_(std::move(o)), reader_(o_.fs) {}
  std::string_view Name() const override { return "stat"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    SweepOnExit sweep(reader_);
    VIGIE_ASSIGN_OR_RETURN(ProcStat s, ReadProcStat(o_, reader_));
    using T = expfmt::MetricType;
    auto add = [out](std::string_view name, T type, std::string_view help, uint64_t v) {
      FamilyBuilder(name, type, help).Add(static_cast<double>(v)).MoveTo(out);
    };
    add("node_boot_time_seconds", T::kGauge, "Node boot time, in unixtime.", s.boot_time);
    add("node_context_switches_total", T::kCounter, "Total number of context switches.",
        s.context_switches);
    add("node_forks_total", T::kCounter, "Total number of forks.", s.forks);
    add("node_intr_total", T::kCounter, "Total number of interrupts serviced.", s.intr_total);
    add("node_procs_blocked", T::kGauge, "Number of processes blocked waiting for I/O to complete.",
        s.procs_blocked);
    add("node_procs_running", T::kGauge, "Number of processes in runnable state.", s.procs_running);
    return OkStatus();
  }

 private:
  NodeOptions o_;
  FileReader reader_;
};

}  // namespace

std::unique_ptr<Collector> NewCpuCollector(const NodeOptions& o) {
  return std::make_unique<CpuCollector>(o);
}
std::unique_ptr<Collector> NewStatCollector(const NodeOptions& o) {
  return std::make_unique<StatCollector>(o);
}

}  // namespace vigie::collect::node
