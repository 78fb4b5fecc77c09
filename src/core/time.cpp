#include "core/time.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

namespace vigie {

TimestampMs NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t MonotonicNs() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

namespace {
struct Unit {
  std::string_view name;
  int64_t ms;
};
// Order matters: parsing requires this order; "ms" must be tried before "m".
constexpr Unit kUnits[] = {
    {"y", 365LL * 24 * 3600 * 1000},
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
};
}  // namespace

Result<DurationMs> ParseDuration(std::string_view s) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("invalid duration \"" + std::string(s) + "\": " + std::string(why));
  };
  if (s.empty()) return bad("empty");
  if (s == "0") return DurationMs{0};
  int64_t total = 0;
  size_t i = 0;
  int last_unit = -1;
  while (i < s.size()) {
    if (s[i] < '0' || s[i] > '9') return bad("expected a number");
    int64_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n > (std::numeric_limits<int64_t>::max() - 9) / 10) return bad("too large");
      n = n * 10 + (s[i] - '0');
      ++i;
    }
    // Find the unit: longest match first for "ms".
    int unit = -1;
    if (s.substr(i, 2) == "ms") {
      unit = 6;
    } else if (i < s.size()) {
      for (int u = 0; u < 6; ++u) {
        if (s.substr(i, 1) == kUnits[u].name) unit = u;
      }
    }
    if (unit < 0) return bad("unknown or missing unit (use y, w, d, h, m, s, ms)");
    if (unit <= last_unit) return bad("units must appear once each, largest first");
    last_unit = unit;
    i += kUnits[unit].name.size();
    if (n > std::numeric_limits<int64_t>::max() / kUnits[unit].ms) return bad("too large");
    int64_t add = n * kUnits[unit].ms;
    if (total > std::numeric_limits<int64_t>::max() - add) return bad("too large");
    total += add;
  }
  return total;
}

std::string FormatDuration(DurationMs d) {
  if (d == 0) return "0s";
  std::string out;
  if (d < 0) {
    out = "-";
    d = -d;
  }
  // Prometheus prints weeks/years only when they divide exactly; same here.
  auto emit = [&](int64_t unit_ms, std::string_view name) {
    if (d >= unit_ms) {
      out += std::to_string(d / unit_ms);
      out += name;
      d %= unit_ms;
    }
  };
  const int64_t year = kUnits[0].ms, week = kUnits[1].ms;
  if (d % year == 0) {
    emit(year, "y");
  } else if (d % week == 0) {
    emit(week, "w");
  } else {
    emit(kUnits[2].ms, "d");
  }
  emit(kUnits[2].ms, "d");
  emit(kUnits[3].ms, "h");
  emit(kUnits[4].ms, "m");
  emit(kUnits[5].ms, "s");
  emit(1, "ms");
  return out;
}

Result<TimestampMs> ParseTimestamp(std::string_view s) {
  std::string str(s);
  if (str.empty()) return InvalidArgument("empty timestamp");
  // Seconds with optional fraction.
  char* end = nullptr;
  double secs = std::strtod(str.c_str(), &end);
  if (end == str.c_str() + str.size() && std::isfinite(secs)) {
    return static_cast<TimestampMs>(std::llround(secs * 1000.0));
  }
  // RFC 3339: YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm)
  int y, mo, d, h, mi, sec;
  int consumed = 0;
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
                  &consumed) != 6) {
    return InvalidArgument("cannot parse \"" + str +
                           "\" to a valid timestamp (want Unix seconds or RFC 3339)");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  int64_t t = static_cast<int64_t>(timegm(&tm)) * 1000;
  size_t i = static_cast<size_t>(consumed);
  if (i < str.size() && str[i] == '.') {
    ++i;
    int64_t frac = 0, scale = 1000;
    while (i < str.size() && std::isdigit(static_cast<unsigned char>(str[i]))) {
      if (scale > 1) {
        scale /= 10;
        frac += (str[i] - '0') * scale;
      }
      ++i;
    }
    t += frac;
  }
  if (i < str.size() && (str[i] == 'Z' || str[i] == 'z')) {
    ++i;
  } else if (i + 6 == str.size() && (str[i] == '+' || str[i] == '-')) {
    int oh, om;
    if (std::sscanf(str.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) {
      return InvalidArgument("bad time zone offset in \"" + str + "\"");
    }
    int64_t off = (oh * 3600 + om * 60) * 1000LL;
    t += str[i] == '+' ? -off : off;
    i += 6;
  }
  if (i != str.size()) return InvalidArgument("trailing characters in timestamp \"" + str + "\"");
  return t;
}

std::string FormatRfc3339(TimestampMs t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  int ms = static_cast<int>(t % 1000);
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

}  // namespace vigie
