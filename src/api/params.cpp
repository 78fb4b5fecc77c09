#include "api/params.h"

#include <cmath>
#include <ctime>
#include <limits>

#include "expfmt/number.h"
#include "promql/parser/parser.h"

namespace vigie::api {

namespace {

std::string Quote(std::string_view s) {
  // Go's %q for the ASCII printable strings the API echoes back; other bytes as \xNN.
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out.append("\\x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Go's time.Parse(time.RFC3339Nano, s) restricted to four-digit years, to milliseconds
// (truncating the fraction, as timestamp.FromTime does).
std::optional<TimestampMs> ParseRfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!ParseDigits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !ParseDigits(s, 5, 2, &mo) ||
      s[7] != '-' || !ParseDigits(s, 8, 2, &d) || s[10] != 'T' || !ParseDigits(s, 11, 2, &h) ||
      s[13] != ':' || !ParseDigits(s, 14, 2, &mi) || s[16] != ':' || !ParseDigits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1) return std::nullopt;
  int mdays = kDays[mo - 1] + (mo == 2 && IsLeap(y) ? 1 : 0);
  if (d > mdays || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  size_t i = 19;
  int64_t frac_ms = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    size_t start = i;
    int64_t scale = 100;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      frac_ms += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  int64_t offset_s = 0;
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (i + 6 != s.size() || !ParseDigits(s, i + 1, 2, &oh) || s[i + 3] != ':' ||
        !ParseDigits(s, i + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_s = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return secs * 1000 + frac_ms;
}

}  // namespace

std::string_view ErrorTypeName(ErrorType t) {
  switch (t) {
    case ErrorType::kBadData:
      return "bad_data";
    case ErrorType::kExecution:
      return "execution";
    case ErrorType::kTimeout:
      return "timeout";
    case ErrorType::kCanceled:
      return "canceled";
    case ErrorType::kInternal:
      return "internal";
    case ErrorType::kUnavailable:
      return "unavailable";
    case ErrorType::kNotFound:
      return "not_found";
  }
  return "internal";
}

int ErrorTypeStatus(ErrorType t) {
  switch (t) {
    case ErrorType::kBadData:
      return 400;
    case ErrorType::kExecution:
      return 422;
    case ErrorType::kTimeout:
    case ErrorType::kCanceled:
      return 503;
    case ErrorType::kNotFound:
      return 404;
    case ErrorType::kInternal:
    case ErrorType::kUnavailable:
      return 500;
  }
  return 500;
}

ApiError FromStatus(const Error& err) {
  switch (err.code()) {
    case ErrorCode::kTimeout:
      return {ErrorType::kTimeout, err.message()};
    case ErrorCode::kCanceled:
      return {ErrorType::kCanceled, err.message()};
    case ErrorCode::kIo:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal:
      return {ErrorType::kInternal, err.message()};
    default:
      return {ErrorType::kExecution, err.message()};
  }
}

Result<TimestampMs> ParseTime(std::string_view s) {
  double f = 0;
  if (expfmt::ParseFloatValue(s, &f) == expfmt::NumberStatus::kOk && std::isfinite(f)) {
    // Go: s, ns := math.Modf(t); ns = math.Round(ns*1000) / 1000; time.Unix(s, ns*1e9).
    double whole = 0;
    double frac = std::modf(f, &whole);
    if (whole >= 9.2e15 || whole <= -9.2e15) {
      return InvalidArgument("cannot parse " + Quote(s) + " to a valid timestamp");
    }
    return static_cast<TimestampMs>(whole) * 1000 +
           static_cast<TimestampMs>(std::round(frac * 1000));
  }
  if (auto t = ParseRfc3339(s)) return *t;
  if (s == "-292273086-05-16T16:47:06Z") return kMinTime;
  if (s == "292277025-08-18T07:12:54.999999999Z") return kMaxTime;
  return InvalidArgument("cannot parse " + Quote(s) + " to a valid timestamp");
}

Result<int64_t> ParseDurationNs(std::string_view s) {
  double f = 0;
  if (expfmt::ParseFloatValue(s, &f) == expfmt::NumberStatus::kOk) {
    double ns = f * 1e9;
    if (std::isnan(ns) || ns > 9.223372036854775807e18 || ns < -9.223372036854775808e18) {
      return InvalidArgument("cannot parse " + Quote(s) +
                             " to a valid duration. It overflows int64");
    }
    return static_cast<int64_t>(ns);
  }
  if (auto d = promql::parser::ParsePromDuration(s); d.ok()) {
    if (*d <= std::numeric_limits<int64_t>::max() / 1000000) return *d * 1000000;
  }
  return InvalidArgument("cannot parse " + Quote(s) + " to a valid duration");
}

Result<TimestampMs> TimeParam(const net::Params& form, std::string_view name,
                              TimestampMs fallback) {
  std::string_view v = form.GetOr(name);
  if (v.empty()) return fallback;
  auto t = ParseTime(v);
  if (!t.ok()) {
    return InvalidArgument("invalid parameter " + Quote(name) + ": Invalid time value for '" +
                           std::string(name) + "': " + t.error().message());
  }
  return *t;
}

Result<storage::Matchers> ParseSelector(std::string_view expr) {
  VIGIE_ASSIGN_OR_RETURN(auto parsed, promql::parser::ParseMetricSelector(expr));
  storage::Matchers out;
  out.reserve(parsed.size());
  for (const auto& m : parsed) {
    storage::MatchType t = storage::MatchType::kEqual;
    switch (m.type()) {
      case promql::parser::MatchType::kEqual:
        t = storage::MatchType::kEqual;
        break;
      case promql::parser::MatchType::kNotEqual:
        t = storage::MatchType::kNotEqual;
        break;
      case promql::parser::MatchType::kRegexp:
        t = storage::MatchType::kRegexMatch;
        break;
      case promql::parser::MatchType::kNotRegexp:
        t = storage::MatchType::kRegexNoMatch;
        break;
    }
    VIGIE_ASSIGN_OR_RETURN(auto sm, storage::Matcher::Make(t, m.name(), m.value()));
    out.push_back(std::move(sm));
  }
  return out;
}

Result<std::vector<storage::Matchers>> ParseMatchers(const std::vector<std::string_view>& exprs) {
  std::vector<storage::Matchers> sets;
  sets.reserve(exprs.size());
  for (auto e : exprs) {
    VIGIE_ASSIGN_OR_RETURN(auto set, ParseSelector(e));
    sets.push_back(std::move(set));
  }
  for (const auto& set : sets) {
    bool non_empty = false;
    for (const auto& m : set) {
      if (!m.MatchesEmpty()) {
        non_empty = true;
        break;
      }
    }
    if (!non_empty) return InvalidArgument("match[] must contain at least one non-empty matcher");
  }
  return sets;
}

}  // namespace vigie::api
