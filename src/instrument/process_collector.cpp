#include "instrument/process_collector.h"

#include <unistd.h>

#include <charconv>
#include <vector>

namespace vigie::instrument {
namespace {

std::vector<std::string_view> SplitFields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\n') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

template <typename T>
bool ParseInt(std::string_view s, T* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// One family with one unlabelled sample. `name` is the sample name (counters: with _total).
expfmt::MetricFamily Family(std::string_view name, expfmt::MetricType type, std::string help,
                            double value) {
  expfmt::MetricFamily f;
  f.type = type;
  f.help = std::move(help);
  f.name = std::string(type == expfmt::MetricType::kCounter
                           ? name.substr(0, name.size() - std::string_view("_total").size())
                           : name);
  f.samples.push_back({Labels{{kMetricNameLabel, name}}, value, std::nullopt});
  return f;
}

}  // namespace

Result<ProcPidStat> ParseProcPidStat(std::string_view text) {
  size_t paren = text.rfind(')');
  if (paren == std::string_view::npos) {
    return InvalidArgument("/proc/<pid>/stat: no ')' after the command name");
  }
  std::vector<std::string_view> f = SplitFields(text.substr(paren + 1));
  // f[0] is field 3 (state); field N is f[N - 3].
  if (f.size() < 22) {
    return InvalidArgument("/proc/<pid>/stat: " + std::to_string(f.size() + 2) +
                           " fields, want at least 24");
  }
  ProcPidStat s;
  if (!ParseInt(f[11], &s.utime_ticks) || !ParseInt(f[12], &s.stime_ticks) ||
      !ParseInt(f[19], &s.starttime_ticks) || !ParseInt(f[20], &s.vsize_bytes) ||
      !ParseInt(f[21], &s.rss_pages)) {
    return InvalidArgument(
        "/proc/<pid>/stat: utime, stime, starttime, vsize or rss is not a number");
  }
  return s;
}

Result<int64_t> ParseBootTime(std::string_view proc_stat) {
  size_t pos = 0;
  while (pos < proc_stat.size()) {
    size_t nl = proc_stat.find('\n', pos);
    std::string_view line = proc_stat.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    std::vector<std::string_view> f = SplitFields(line);
    int64_t v = 0;
    if (f.size() == 2 && f[0] == "btime" && ParseInt(f[1], &v)) return v;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return InvalidArgument("/proc/stat: no btime line");
}

Result<double> ParseSoftLimit(std::string_view limits, std::string_view row) {
  size_t pos = 0;
  while (pos < limits.size()) {
    size_t nl = limits.find('\n', pos);
    std::string_view line = limits.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (line.substr(0, row.size()) == row) {
      std::vector<std::string_view> f = SplitFields(line.substr(row.size()));
      if (f.empty()) break;
      if (f[0] == "unlimited") return 18446744073709551615.0;
      uint64_t v = 0;
      if (!ParseInt(f[0], &v)) break;
      return static_cast<double>(v);
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return InvalidArgument("/proc/<pid>/limits: no readable \"" + std::string(row) + "\" row");
}

ProcessCollector::ProcessCollector(ProcessCollectorOptions opts)
    : opts_(std::move(opts)), fs_(opts_.fs ? opts_.fs : &fs::Real()) {
  if (opts_.clock_ticks_per_second <= 0) opts_.clock_ticks_per_second = sysconf(_SC_CLK_TCK);
  if (opts_.page_size <= 0) opts_.page_size = sysconf(_SC_PAGESIZE);
  const std::string dir = fs::Join(opts_.proc_root, opts_.pid);
  stat_.path = fs::Join(dir, "stat");
  limits_.path = fs::Join(dir, "limits");
  fd_dir_ = fs::Join(dir, "fd");
}

Result<std::string_view> ProcessCollector::ReadKept(KeptFile& k) {
  if (k.file == nullptr) {
    VIGIE_ASSIGN_OR_RETURN(k.file, fs_->OpenReadable(k.path));
  }
  if (Status st = k.file->ReadAll(&k.text); !st.ok()) {
    k.file.reset();
    return st.error();
  }
  return std::string_view(k.text);
}

Result<size_t> ProcessCollector::CountOpenFds() {
  // Since Linux 6.2 the size of /proc/<pid>/fd is its number of entries: no listing, which
  // costs a dentry per descriptor (the agent keeps hundreds of cgroup files open).
  if (Result<uint64_t> size = fs_->FileSize(fd_dir_); size.ok() && *size > 0) return *size;
  VIGIE_ASSIGN_OR_RETURN(auto entries, fs_->ListDir(fd_dir_));
  return entries.size();
}

void ProcessCollector::Collect(std::vector<expfmt::MetricFamily>* out) {
  using expfmt::MetricType;
  const double hz = static_cast<double>(opts_.clock_ticks_per_second);

  Result<std::string_view> stat_text = ReadKept(stat_);
  Result<ProcPidStat> stat =
      stat_text.ok() ? ParseProcPidStat(*stat_text) : Result<ProcPidStat>(stat_text.error());
  if (stat.ok()) {
    out->push_back(Family("process_cpu_seconds_total", MetricType::kCounter,
                          "User and system CPU time used by the process, in seconds.",
                          static_cast<double>(stat->utime_ticks + stat->stime_ticks) / hz));
  }

  Result<std::string_view> limits = ReadKept(limits_);
  if (limits.ok()) {
    if (Result<double> max_fds = ParseSoftLimit(*limits, "Max open files"); max_fds.ok()) {
      out->push_back(Family("process_max_fds", MetricType::kGauge,
                            "Limit on open file descriptors (soft limit).", *max_fds));
    }
  }

  if (Result<size_t> fds = CountOpenFds(); fds.ok()) {
    out->push_back(Family("process_open_fds", MetricType::kGauge,
                          "File descriptors the process has open.", static_cast<double>(*fds)));
  }

  if (stat.ok()) {
    out->push_back(
        Family("process_resident_memory_bytes", MetricType::kGauge,
               "Resident set size of the process, in bytes.",
               static_cast<double>(stat->rss_pages) * static_cast<double>(opts_.page_size)));
    if (start_time_seconds_ < 0) {
      Result<std::string> proc_stat = fs_->ReadFile(fs::Join(opts_.proc_root, "stat"));
      if (proc_stat.ok()) {
        if (Result<int64_t> boot = ParseBootTime(*proc_stat); boot.ok()) {
          start_time_seconds_ =
              static_cast<double>(*boot) + static_cast<double>(stat->starttime_ticks) / hz;
        }
      }
    }
    if (start_time_seconds_ >= 0) {
      out->push_back(Family("process_start_time_seconds", MetricType::kGauge,
                            "When the process started, in seconds since the Unix epoch.",
                            start_time_seconds_));
    }
    out->push_back(Family("process_virtual_memory_bytes", MetricType::kGauge,
                          "Virtual memory size of the process, in bytes.",
                          static_cast<double>(stat->vsize_bytes)));
  }

  if (limits.ok()) {
    if (Result<double> max_vm = ParseSoftLimit(*limits, "Max address space"); max_vm.ok()) {
      out->push_back(Family("process_virtual_memory_max_bytes", MetricType::kGauge,
                            "Limit on the virtual memory size of the process, in bytes.", *max_vm));
    }
  }
}

}  // namespace vigie::instrument
