// Number and duration literals with Go's/Prometheus's parsing rules and error texts.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "promql/parser/go_format.h"
#include "promql/parser/parser.h"
#include "promql/parser/parser_impl.h"

namespace vigie::promql::parser {

namespace {

// strconv.ParseInt(s, 0, 64) for the shapes the lexer produces: decimal, 0x hex, 0 octal.
bool ParseGoInt(std::string_view s, int64_t* out) {
  int base = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    if (v > (static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(d)) /
                static_cast<uint64_t>(base)) {
      return false;  // out of range
    }
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  *out = static_cast<int64_t>(v);
  return true;
}

bool EqualsFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

}  // namespace

bool ParseNumber(std::string_view text, double* out, std::string* error) {
  int64_t i = 0;
  if (ParseGoInt(text, &i)) {
    *out = static_cast<double>(i);
    return true;
  }
  auto fail = [&](const char* why) {
    *error = "strconv.ParseFloat: parsing " + GoQuote(text) + ": " + why;
    return false;
  };
  if (EqualsFold(text, "inf") || EqualsFold(text, "+inf") || EqualsFold(text, "infinity")) {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (EqualsFold(text, "nan")) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // Decimal floats only: Go requires a 'p' exponent in hex floats, which the lexer never yields.
  if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string_view::npos) {
    return fail("invalid syntax");
  }
  double v = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ptr != text.data() + text.size()) return fail("invalid syntax");
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go; underflow quietly rounds to zero or a denormal.
    std::string copy(text);
    errno = 0;
    v = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(v)) return fail("value out of range");
  } else if (res.ec != std::errc()) {
    return fail("invalid syntax");
  }
  *out = v;
  return true;
}

Result<DurationMs> ParsePromDuration(std::string_view s) {
  if (s == "0") return DurationMs{0};
  if (s.empty()) return InvalidArgument("empty duration string");
  auto invalid = [&] { return InvalidArgument("not a valid duration string: " + GoQuote(s)); };
  struct Unit {
    std::string_view name;
    int64_t ms;
  };
  static constexpr Unit kUnits[] = {
      {"y", 365LL * 24 * 3600 * 1000},
      {"w", 7LL * 24 * 3600 * 1000},
      {"d", 24LL * 3600 * 1000},
      {"h", 3600LL * 1000},
      {"m", 60LL * 1000},
      {"s", 1000},
      {"ms", 1},
  };
  // Like Prometheus, the total must fit a Go time.Duration (int64 nanoseconds, ~292 years).
  constexpr int64_t kMaxNs = INT64_MAX;
  bool overflow = false;
  int64_t total_ns = 0;
  size_t i = 0;
  int next_unit = 0;
  while (i < s.size()) {
    size_t digits_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == digits_start) return invalid();
    std::string_view digits = s.substr(digits_start, i - digits_start);
    int unit = -1;
    for (int u = next_unit; u < 7; ++u) {
      if (s.substr(i).starts_with(kUnits[u].name) &&
          !(kUnits[u].name == "m" && s.substr(i).starts_with("ms"))) {
        unit = u;
        break;
      }
    }
    if (unit < 0) return invalid();
    i += kUnits[unit].name.size();
    next_unit = unit + 1;
    // strconv.Atoi saturates on overflow, which then fails the range check below.
    int64_t n = 0;
    for (char c : digits) {
      if (n > (INT64_MAX - 9) / 10) {
        n = INT64_MAX;
        break;
      }
      n = n * 10 + (c - '0');
    }
    int64_t unit_ns = kUnits[unit].ms * 1000000;
    if (n > kMaxNs / unit_ns || total_ns > kMaxNs - n * unit_ns) {
      overflow = true;
      continue;
    }
    total_ns += n * unit_ns;
  }
  if (overflow) return InvalidArgument("duration out of range");
  return total_ns / 1000000;
}

}  // namespace vigie::promql::parser
