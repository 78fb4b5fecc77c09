#include "collect/process_containers.h"

#include <unistd.h>

#include <sstream>

#include "collect/family_builder.h"
#include "core/time.h"

namespace vigie::collect {

namespace {

struct ProcStat {
  double utime_s = 0, stime_s = 0, start_s = 0;
  int threads = 0;
};

// Fields after the command name (which may contain spaces and parentheses).
Result<ProcStat> ParseStat(const std::string& text, double ticks, double boot_time_s) {
  auto close = text.rfind(')');
  if (close == std::string::npos) return InvalidArgument("malformed /proc/<pid>/stat");
  std::istringstream in(text.substr(close + 2));
  std::vector<std::string> f;
  std::string tok;
  while (in >> tok) f.push_back(tok);
  // f[0] is field 3 (state); utime 14, stime 15, num_threads 20, starttime 22.
  if (f.size() < 20) return InvalidArgument("short /proc/<pid>/stat");
  ProcStat s;
  s.utime_s = std::stod(f[11]) / ticks;
  s.stime_s = std::stod(f[12]) / ticks;
  s.threads = std::stoi(f[17]);
  s.start_s = boot_time_s + std::stod(f[19]) / ticks;
  return s;
}

double BootTime(fs::FileSystem& fs, const std::string& procfs) {
  auto stat = fs.ReadFile(procfs + "/stat");
  if (!stat.ok()) return 0;
  auto pos = stat->find("\nbtime ");
  return pos == std::string::npos ? 0 : std::stod(stat->substr(pos + 7));
}

class ProcessContainersCollector final : public Collector {
 public:
  explicit ProcessContainersCollector(ProcessContainersOptions o) : o_(std::move(o)) {}
  std::string_view Name() const override { return "process_containers"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    fs::FileSystem& fs = o_.fs ? *o_.fs : fs::Real();
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    const double boot = BootTime(fs, o_.procfs);
    using expfmt::MetricType;
    FamilyBuilder cpu("container_cpu_usage_seconds_total", MetricType::kCounter,
                      "Cumulative cpu time consumed in seconds.");
    FamilyBuilder user("container_cpu_user_seconds_total", MetricType::kCounter,
                       "Cumulative user cpu time consumed in seconds.");
    FamilyBuilder sys("container_cpu_system_seconds_total", MetricType::kCounter,
                      "Cumulative system cpu time consumed in seconds.");
    FamilyBuilder usage(
        "container_memory_usage_bytes", MetricType::kGauge,
        "Current memory usage in bytes, including all memory regardless of when it was accessed");
    FamilyBuilder ws("container_memory_working_set_bytes", MetricType::kGauge,
                     "Current working set in bytes.");
    FamilyBuilder rss("container_memory_rss", MetricType::kGauge, "Size of RSS in bytes.");
    FamilyBuilder start("container_start_time_seconds", MetricType::kGauge,
                        "Start time of the container since unix epoch in seconds.");
    FamilyBuilder seen("container_last_seen", MetricType::kGauge,
                       "Last time a container was seen by the exporter");
    FamilyBuilder procs("container_processes", MetricType::kGauge,
                        "Number of processes running inside the container.");
    const double now_s = static_cast<double>(NowMs()) / 1000.0;
    for (const auto& c : o_.list ? o_.list() : std::vector<ProcessContainer>{}) {
      const std::string dir = o_.procfs + "/" + std::to_string(c.pid);
      auto stat_text = fs.ReadFile(dir + "/stat");
      auto statm = fs.ReadFile(dir + "/statm");
      if (!stat_text.ok() || !statm.ok()) continue;  // exited between listing and reading
      auto st = ParseStat(*stat_text, ticks, boot);
      if (!st.ok()) continue;
      std::istringstream sm(*statm);
      double size_pages = 0, rss_pages = 0;
      sm >> size_pages >> rss_pages;
      std::vector<Label> base = {{"id", c.id}, {"name", c.name}, {"image", c.image}};
      for (const auto& [k, v] : c.docker_labels) base.push_back({ContainerLabelName(k), v});
      std::vector<Label> with_cpu = base;
      with_cpu.push_back({"cpu", "total"});
      cpu.Add(with_cpu, st->utime_s + st->stime_s);
      user.Add(base, st->utime_s);
      sys.Add(base, st->stime_s);
      usage.Add(base, rss_pages * page);
      ws.Add(base, rss_pages * page);
      rss.Add(base, rss_pages * page);
      start.Add(base, st->start_s);
      seen.Add(base, now_s);
      procs.Add(base, 1);
    }
    for (auto* f : {&cpu, &user, &sys, &usage, &ws, &rss, &start, &seen, &procs}) f->MoveTo(out);
    return OkStatus();
  }

 private:
  ProcessContainersOptions o_;
};

}  // namespace

std::string ContainerLabelName(std::string_view docker_label) {
  std::string out = "container_label_";
  for (char ch : docker_label) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_';
    out += ok ? ch : '_';
  }
  return out;
}

std::unique_ptr<Collector> NewProcessContainersCollector(ProcessContainersOptions options) {
  return std::make_unique<ProcessContainersCollector>(std::move(options));
}

}  // namespace vigie::collect
