#include "collect/cgroup/proc_reader.h"

#include <charconv>
#include <string>

namespace vigie::collect::cgroup {

namespace {
// USER_HZ: what /proc reports times in; fixed at 100 on every Linux architecture we target.
constexpr double kClockTicksPerSecond = 100;
}  // namespace

std::string ProcReader::PidPath(int pid, std::string_view file) const {
  std::string p = fs::Join(procfs_, std::to_string(pid));
  return fs::Join(p, file);
}

Status ProcReader::ReadNetwork(int pid, std::vector<InterfaceStats>* out) {
  std::string path = PidPath(pid, "net/dev");
  VIGIE_ASSIGN_OR_RETURN(bool found, files_.Read(path, &buf_));
  if (!found) return NotFound(path + " is gone");
  Status st = ParseNetDev(buf_, out);
  if (!st.ok()) return st.error().Wrap(path);
  return OkStatus();
}

Result<const std::string*> ProcReader::ReadTaskStat(int pid, int tid) {
  CachedFile& f = task_stats_[static_cast<uint64_t>(pid) << 32 | static_cast<uint32_t>(tid)];
  dir_.assign(procfs_);
  if (dir_.empty() || dir_.back() != '/') dir_ += '/';
  char num[16];
  dir_.append(num, std::to_chars(num, num + sizeof num, pid).ptr);
  if (tid != 0) {
    dir_ += "/task/";
    dir_.append(num, std::to_chars(num, num + sizeof num, tid).ptr);
  }
  return files_.Read(f, dir_, "stat");
}

void ProcReader::EndScrape() {
  files_.EndScrape();
  std::erase_if(task_stats_, [](const auto& kv) { return !kv.second.is_open(); });
}

TaskStates ProcReader::ReadTaskStates(const std::vector<int>& pids, size_t max_tasks) {
  TaskStates states;
  size_t n = 0;
  for (int pid : pids) {
    if (n >= max_tasks) break;
    auto text = ReadTaskStat(pid, 0);
    if (!text.ok() || *text == nullptr) continue;  // exited since the list was read
    auto st = ParseProcPidStat(**text);
    if (!st.ok()) continue;
    TallyTaskState(st->state, &states);
    ++n;
    // Most container processes have one thread; only the others cost a directory listing.
    if (st->num_threads <= 1) continue;
    std::string task_dir = PidPath(pid, "task");
    auto tids = fs_.ListDir(task_dir);
    if (!tids.ok()) continue;
    for (const auto& t : *tids) {
      if (n >= max_tasks) break;
      int tid = 0;
      auto [p, ec] = std::from_chars(t.name.data(), t.name.data() + t.name.size(), tid);
      if (ec != std::errc() || p != t.name.data() + t.name.size() || tid <= 0 || tid == pid) {
        continue;
      }
      auto f = ReadTaskStat(pid, tid);
      if (!f.ok() || *f == nullptr) continue;
      auto ts = ParseProcPidStat(**f);
      if (!ts.ok()) continue;
      TallyTaskState(ts->state, &states);
      ++n;
    }
  }
  return states;
}

Result<double> ProcReader::ProcessStartTime(int pid) {
  if (boot_time_ < 0) {
    std::string path = fs::Join(procfs_, "stat");
    VIGIE_ASSIGN_OR_RETURN(std::string text, fs_.ReadFile(path));
    auto bt = ParseBootTime(text);
    if (!bt.ok()) return bt.error().Wrap(path);
    boot_time_ = *bt;
  }
  std::string path = PidPath(pid, "stat");
  VIGIE_ASSIGN_OR_RETURN(std::string text, fs_.ReadFile(path));
  auto st = ParseProcPidStat(text);
  if (!st.ok()) return st.error().Wrap(path);
  return static_cast<double>(boot_time_) +
         static_cast<double>(st->start_ticks) / kClockTicksPerSecond;
}

std::string ProcReader::DeviceName(uint32_t major, uint32_t minor) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    for (const auto& d : devices_) {
      if (d.major == major && d.minor == minor) return "/dev/" + d.name;
    }
    if (attempt == 1 || !devices_reread_allowed_) break;
    devices_reread_allowed_ = false;
    devices_.clear();
    auto text = fs_.ReadFile(fs::Join(procfs_, "diskstats"));
    if (!text.ok() || !ParseDiskstatsNames(*text, &devices_).ok()) devices_.clear();
  }
  return {};
}

}  // namespace vigie::collect::cgroup
