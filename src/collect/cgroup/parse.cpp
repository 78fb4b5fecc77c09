#include "collect/cgroup/parse.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace vigie::collect::cgroup {

namespace {

constexpr auto kSpaces = [] {
  std::array<bool, 256> t{};
  t[' '] = t['\t'] = t['\n'] = t['\r'] = true;
  return t;
}();

bool IsSpace(char c) { return kSpaces[static_cast<unsigned char>(c)]; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Shortens a quoted excerpt of bad input so an error message stays one readable line.
std::string Excerpt(std::string_view s) {
  constexpr size_t kMax = 60;
  std::string out(s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  return "\"" + out + "\"";
}

bool ToUint(std::string_view s, uint64_t* v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

Result<uint64_t> Uint(std::string_view s) {
  uint64_t v = 0;
  if (!ToUint(s, &v)) return InvalidArgument("not an unsigned number: " + Excerpt(s));
  return v;
}

// Splits off the next whitespace-separated field of `s`.
std::string_view NextField(std::string_view* s) {
  size_t i = 0;
  while (i < s->size() && IsSpace((*s)[i])) ++i;
  size_t j = i;
  while (j < s->size() && !IsSpace((*s)[j])) ++j;
  std::string_view f = s->substr(i, j - i);
  s->remove_prefix(j);
  return f;
}

// Calls fn(line) for every non-empty line.
template <typename Fn>
Status ForEachLine(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    line = Trim(line);
    if (line.empty()) continue;
    VIGIE_RETURN_IF_ERROR(fn(line));
  }
  return OkStatus();
}

// "key value" lines (flat keyed files); fn(key, value) for each, value parsed as a number.
template <typename Fn>
Status ForEachKeyValue(std::string_view text, Fn&& fn) {
  return ForEachLine(text, [&](std::string_view line) -> Status {
    std::string_view key = NextField(&line);
    std::string_view value = Trim(line);
    uint64_t v = 0;
    if (!ToUint(value, &v)) {
      return InvalidArgument("bad value for key \"" + std::string(key) + "\": " + Excerpt(value));
    }
    fn(key, v);
    return OkStatus();
  });
}

// Like ForEachKeyValue for the keys `want(key)` accepts; the other lines are skipped without
// looking at their values (memory.stat has some forty keys, of which a few are used).
template <typename Want, typename Fn>
Status ForEachWantedKeyValue(std::string_view text, Want&& want, Fn&& fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    // The kernel writes "key value": find the space with memchr; anything else (tabs, leading
    // blanks, no value) takes the general way.
    size_t k = line.find(' ');
    if (k == 0 || k == std::string_view::npos || line.substr(0, k).find('\t') != line.npos) {
      line = Trim(line);
      if (line.empty()) continue;
      k = 0;
      while (k < line.size() && !IsSpace(line[k])) ++k;
    }
    std::string_view key = line.substr(0, k);
    if (!want(key)) continue;
    std::string_view value = Trim(line.substr(k));
    uint64_t v = 0;
    if (!ToUint(value, &v)) {
      return InvalidArgument("bad value for key \"" + std::string(key) + "\": " + Excerpt(value));
    }
    fn(key, v);
  }
  return OkStatus();
}

Status ParseDevice(std::string_view s, uint32_t* major, uint32_t* minor) {
  size_t colon = s.find(':');
  uint64_t ma = 0, mi = 0;
  if (colon == std::string_view::npos || !ToUint(s.substr(0, colon), &ma) ||
      !ToUint(s.substr(colon + 1), &mi) || ma > UINT32_MAX || mi > UINT32_MAX) {
    return InvalidArgument("bad device number " + Excerpt(s) + " (want major:minor)");
  }
  *major = static_cast<uint32_t>(ma);
  *minor = static_cast<uint32_t>(mi);
  return OkStatus();
}

DeviceIo* FindOrAddDevice(std::vector<DeviceIo>* io, uint32_t major, uint32_t minor) {
  for (auto& d : *io) {
    if (d.major == major && d.minor == minor) return &d;
  }
  io->push_back(DeviceIo{.major = major, .minor = minor});
  return &io->back();
}

}  // namespace

Result<uint64_t> ParseCgroupUint(std::string_view text) {
  std::string_view s = Trim(text);
  if (s == "max") return kUnlimited;
  return Uint(s);
}

Result<uint64_t> ParseCfsQuotaV1(std::string_view text) {
  std::string_view s = Trim(text);
  if (s == "-1") return uint64_t{0};
  return Uint(s);
}

Status ParseCpuacctStat(std::string_view text, CpuStats* out, uint64_t clock_ticks_per_sec) {
  const uint64_t ns_per_tick = 1'000'000'000ULL / std::max<uint64_t>(clock_ticks_per_sec, 1);
  return ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (key == "user") out->user_ns = v * ns_per_tick;
    if (key == "system") out->system_ns = v * ns_per_tick;
  });
}

Status ParseCpuStatV1(std::string_view text, CpuStats* out) {
  return ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (key == "nr_periods") out->periods = v;
    if (key == "nr_throttled") out->throttled_periods = v;
    if (key == "throttled_time") out->throttled_ns = v;
  });
}

Status ParseCpuStatV2(std::string_view text, CpuStats* out) {
  return ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (key == "usage_usec") out->usage_ns = v * 1000;
    if (key == "user_usec") out->user_ns = v * 1000;
    if (key == "system_usec") out->system_ns = v * 1000;
    if (key == "nr_periods") out->periods = v;
    if (key == "nr_throttled") out->throttled_periods = v;
    if (key == "throttled_usec") out->throttled_ns = v * 1000;
  });
}

Status ParseCpuMaxV2(std::string_view text, SpecStats* out) {
  std::string_view s = Trim(text);
  std::string_view quota = NextField(&s);
  std::string_view period = NextField(&s);
  if (quota.empty() || period.empty() || !Trim(s).empty()) {
    return InvalidArgument("bad cpu.max " + Excerpt(text) + " (want \"<quota|max> <period>\")");
  }
  if (quota == "max") {
    out->cpu_quota_us = 0;
  } else {
    VIGIE_ASSIGN_OR_RETURN(out->cpu_quota_us, Uint(quota));
  }
  VIGIE_ASSIGN_OR_RETURN(out->cpu_period_us, Uint(period));
  return OkStatus();
}

uint64_t CpuWeightToShares(uint64_t weight) {
  if (weight < 1 || weight > 10000) return 0;
  return 2 + ((weight - 1) * 262142) / 9999;
}

Status ParseMemoryStatV1(std::string_view text, MemoryStats* out) {
  // The cgroup's own counts come first, then the hierarchy's (total_*), which are the ones
  // reported when present: only those lines are parsed then.
  size_t totals = text.starts_with("total_") ? 0 : text.find("\ntotal_");
  const bool have_total = totals != std::string_view::npos;
  const std::string_view prefix = have_total ? "total_" : "";
  if (have_total) text.remove_prefix(totals);
  uint64_t rss = 0, cache = 0, swap = 0, inactive_file = 0;
  auto want = [&](std::string_view key) {
    if (!key.starts_with(prefix)) return false;
    key.remove_prefix(prefix.size());
    return key == "rss" || key == "cache" || key == "swap" || key == "inactive_file";
  };
  VIGIE_RETURN_IF_ERROR(ForEachWantedKeyValue(text, want, [&](std::string_view key, uint64_t v) {
    key.remove_prefix(prefix.size());
    if (key == "rss") rss = v;
    if (key == "cache") cache = v;
    if (key == "swap") swap = v;
    if (key == "inactive_file") inactive_file = v;
  }));
  out->rss = rss;
  out->cache = cache;
  out->swap = swap;
  out->working_set = out->usage > inactive_file ? out->usage - inactive_file : 0;
  return OkStatus();
}

Status ParseMemoryStatV2(std::string_view text, MemoryStats* out) {
  uint64_t inactive_file = 0;
  auto want = [](std::string_view key) {
    return key == "anon" || key == "file" || key == "inactive_file";
  };
  VIGIE_RETURN_IF_ERROR(ForEachWantedKeyValue(text, want, [&](std::string_view key, uint64_t v) {
    if (key == "anon") out->rss = v;
    if (key == "file") out->cache = v;
    if (key == "inactive_file") inactive_file = v;
  }));
  out->working_set = out->usage > inactive_file ? out->usage - inactive_file : 0;
  return OkStatus();
}

Result<uint64_t> ParseMemoryEventsMax(std::string_view text) {
  uint64_t max = 0;
  VIGIE_RETURN_IF_ERROR(ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (key == "max") max = v;
  }));
  return max;
}

Status ParseBlkioV1(std::string_view text, bool bytes, std::vector<DeviceIo>* io) {
  return ForEachLine(text, [&](std::string_view line) -> Status {
    std::string_view dev = NextField(&line);
    if (dev == "Total") return OkStatus();  // the grand total line
    std::string_view op = NextField(&line);
    std::string_view value = Trim(line);
    uint32_t major = 0, minor = 0;
    VIGIE_RETURN_IF_ERROR(ParseDevice(dev, &major, &minor));
    uint64_t v = 0;
    if (!ToUint(value, &v)) return InvalidArgument("bad blkio value " + Excerpt(value));
    if (op != "Read" && op != "Write") return OkStatus();
    DeviceIo* d = FindOrAddDevice(io, major, minor);
    if (op == "Read") (bytes ? d->read_bytes : d->reads) = v;
    if (op == "Write") (bytes ? d->write_bytes : d->writes) = v;
    return OkStatus();
  });
}

Status ParseIoStatV2(std::string_view text, std::vector<DeviceIo>* io) {
  return ForEachLine(text, [&](std::string_view line) -> Status {
    std::string_view dev = NextField(&line);
    uint32_t major = 0, minor = 0;
    VIGIE_RETURN_IF_ERROR(ParseDevice(dev, &major, &minor));
    DeviceIo* d = FindOrAddDevice(io, major, minor);
    for (std::string_view kv = NextField(&line); !kv.empty(); kv = NextField(&line)) {
      size_t eq = kv.find('=');
      uint64_t v = 0;
      if (eq == std::string_view::npos || !ToUint(kv.substr(eq + 1), &v)) {
        return InvalidArgument("bad io.stat field " + Excerpt(kv) + " (want key=number)");
      }
      std::string_view key = kv.substr(0, eq);
      if (key == "rbytes") d->read_bytes = v;
      if (key == "wbytes") d->write_bytes = v;
      if (key == "rios") d->reads = v;
      if (key == "wios") d->writes = v;
    }
    return OkStatus();
  });
}

Status ParsePidList(std::string_view text, std::vector<int>* out) {
  return ForEachLine(text, [&](std::string_view line) -> Status {
    uint64_t v = 0;
    if (!ToUint(line, &v) || v > INT32_MAX) return InvalidArgument("bad pid " + Excerpt(line));
    out->push_back(static_cast<int>(v));
    return OkStatus();
  });
}

bool IsIgnoredInterface(std::string_view name) {
  for (std::string_view prefix : {"lo", "veth", "docker", "nerdctl"}) {
    if (name.size() < prefix.size()) continue;
    bool match = std::equal(prefix.begin(), prefix.end(), name.begin(), [](char a, char b) {
      return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
    });
    if (match) return true;
  }
  return false;
}

Status ParseNetDev(std::string_view text, std::vector<InterfaceStats>* out) {
  out->clear();
  int line_no = 0;
  return ForEachLine(text, [&](std::string_view line) -> Status {
    if (++line_no <= 2) return OkStatus();  // two header lines
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return InvalidArgument("bad /proc/net/dev line " + Excerpt(line));
    }
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view rest = line.substr(colon + 1);
    uint64_t f[16];
    for (uint64_t& v : f) {
      std::string_view field = NextField(&rest);
      if (!ToUint(field, &v)) return InvalidArgument("bad /proc/net/dev line " + Excerpt(line));
    }
    if (IsIgnoredInterface(name)) return OkStatus();
    InterfaceStats s;
    s.name = std::string(name);
    s.rx_bytes = f[0], s.rx_packets = f[1], s.rx_errors = f[2], s.rx_dropped = f[3];
    s.tx_bytes = f[8], s.tx_packets = f[9], s.tx_errors = f[10], s.tx_dropped = f[11];
    out->push_back(std::move(s));
    return OkStatus();
  });
}

Result<ProcPidStat> ParseProcPidStat(std::string_view text) {
  // "pid (comm) state ppid ..."; comm may hold anything, so find the last ')'.
  size_t close = text.rfind(')');
  if (close == std::string_view::npos)
    return InvalidArgument("bad /proc/<pid>/stat " + Excerpt(text));
  std::string_view rest = text.substr(close + 1);
  ProcPidStat st;
  std::string_view state = NextField(&rest);
  if (state.size() != 1) return InvalidArgument("bad /proc/<pid>/stat " + Excerpt(text));
  st.state = state[0];
  // Fields after state are numbered from 4 (ppid); num_threads is 20, starttime 22.
  for (int field = 4; field < 20; ++field) NextField(&rest);
  std::string_view threads = NextField(&rest);
  if (!ToUint(threads, &st.num_threads)) {
    return InvalidArgument("bad /proc/<pid>/stat thread count " + Excerpt(threads));
  }
  NextField(&rest);
  std::string_view start = NextField(&rest);
  if (!ToUint(start, &st.start_ticks)) {
    return InvalidArgument("bad /proc/<pid>/stat start time " + Excerpt(start));
  }
  return st;
}

void TallyTaskState(char state, TaskStates* out) {
  switch (state) {
    case 'R':
      ++out->running;
      break;
    case 'S':
    case 'I':  // idle kernel-style waits count as sleeping, as the kernel's cgroupstats does
      ++out->sleeping;
      break;
    case 'D':
      ++out->uninterruptible;
      break;
    case 'T':
    case 't':
      ++out->stopped;
      break;
    default:  // zombies and dead tasks are not counted
      break;
  }
}

Result<int64_t> ParseBootTime(std::string_view proc_stat) {
  int64_t btime = -1;
  Status st = ForEachLine(proc_stat, [&](std::string_view line) -> Status {
    if (!line.starts_with("btime ")) return OkStatus();
    uint64_t v = 0;
    if (!ToUint(Trim(line.substr(6)), &v)) return InvalidArgument("bad btime " + Excerpt(line));
    btime = static_cast<int64_t>(v);
    return OkStatus();
  });
  VIGIE_RETURN_IF_ERROR(st);
  if (btime < 0) return InvalidArgument("no btime line in /proc/stat");
  return btime;
}

Status ParseDiskstatsNames(std::string_view text, std::vector<BlockDevice>* out) {
  return ForEachLine(text, [&](std::string_view line) -> Status {
    std::string_view ma = NextField(&line);
    std::string_view mi = NextField(&line);
    std::string_view name = NextField(&line);
    uint64_t major = 0, minor = 0;
    if (!ToUint(ma, &major) || !ToUint(mi, &minor) || name.empty() || major > UINT32_MAX ||
        minor > UINT32_MAX) {
      return InvalidArgument("bad /proc/diskstats line " + Excerpt(line));
    }
    out->push_back(
        BlockDevice{static_cast<uint32_t>(major), static_cast<uint32_t>(minor), std::string(name)});
    return OkStatus();
  });
}

}  // namespace vigie::collect::cgroup
