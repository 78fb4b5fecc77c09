#include "expfmt/number.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace vigie::expfmt {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsIgnoreCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

NumberStatus ParseFloatValue(std::string_view s, double* out) {
  const size_t n = s.size();
  if (n == 0) return NumberStatus::kSyntax;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i < n && !IsDigit(s[i]) && s[i] != '.') {
    std::string_view word = s.substr(i);
    if (EqualsIgnoreCase(word, "inf") || EqualsIgnoreCase(word, "infinity")) {
      *out = negative ? -std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::infinity();
      return NumberStatus::kOk;
    }
    if (i == 0 && EqualsIgnoreCase(word, "nan")) {
      *out = std::numeric_limits<double>::quiet_NaN();
      return NumberStatus::kOk;
    }
    return NumberStatus::kSyntax;
  }
  // Fast path: a plain integer of up to 15 digits is exact in a double.
  size_t j = i;
  uint64_t int_value = 0;
  while (j < n && IsDigit(s[j]) && j - i < 15) {
    int_value = int_value * 10 + static_cast<uint64_t>(s[j] - '0');
    ++j;
  }
  if (j == n && j > i) {
    double v = static_cast<double>(int_value);
    *out = negative ? -v : v;
    return NumberStatus::kOk;
  }
  // Check the grammar ourselves: from_chars has different rules for signs and words.
  j = i;
  size_t digits = 0;
  while (j < n && IsDigit(s[j])) ++j, ++digits;
  if (j < n && s[j] == '.') {
    ++j;
    while (j < n && IsDigit(s[j])) ++j, ++digits;
  }
  if (digits == 0) return NumberStatus::kSyntax;
  if (j < n && (s[j] == 'e' || s[j] == 'E')) {
    ++j;
    if (j < n && (s[j] == '+' || s[j] == '-')) ++j;
    size_t exp_digits = 0;
    while (j < n && IsDigit(s[j])) ++j, ++exp_digits;
    if (exp_digits == 0) return NumberStatus::kSyntax;
  }
  if (j != n) return NumberStatus::kSyntax;
  const char* first = s.data() + (s[0] == '+' ? 1 : 0);
  auto [ptr, ec] = std::from_chars(first, s.data() + n, *out, std::chars_format::general);
  if (ec == std::errc()) return ptr == s.data() + n ? NumberStatus::kOk : NumberStatus::kSyntax;
  if (ec != std::errc::result_out_of_range) return NumberStatus::kSyntax;
  // Out of range is either overflow (an error, as in Go) or underflow (rounds toward zero).
  std::string copy(s);
  double v = std::strtod(copy.c_str(), nullptr);
  if (std::isinf(v)) return NumberStatus::kOutOfRange;
  *out = v;
  return NumberStatus::kOk;
}

NumberStatus ParseTimestampMs(std::string_view s, int64_t* out) {
  size_t first_digit = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() == first_digit) return NumberStatus::kSyntax;
  for (size_t i = first_digit; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return NumberStatus::kSyntax;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec == std::errc::result_out_of_range) return NumberStatus::kOutOfRange;
  return ec == std::errc() ? NumberStatus::kOk : NumberStatus::kSyntax;
}

NumberStatus ParseTimestampSeconds(std::string_view s, int64_t* out_ms) {
  double seconds = 0;
  NumberStatus st = ParseFloatValue(s, &seconds);
  if (st != NumberStatus::kOk) return st;
  if (std::isnan(seconds) || std::isinf(seconds)) return NumberStatus::kSyntax;
  // Exact path for [+-]digits[.digits]: integer seconds plus the first three fraction digits.
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  const bool negative = s[0] == '-';
  size_t j = i;
  int64_t secs = 0;
  bool exact = true;
  // Up to 16 integer digits: every int64 millisecond count has at most 16 digits of seconds.
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1000;
  while (j < s.size() && IsDigit(s[j])) {
    if (j - i >= 16 || secs > kMaxSeconds / 10) {
      exact = false;
      break;
    }
    secs = secs * 10 + (s[j] - '0');
    ++j;
  }
  if (secs > kMaxSeconds) exact = false;
  int64_t frac_ms = 0;
  if (exact && j < s.size() && s[j] == '.') {
    ++j;
    int scale = 100;
    while (j < s.size() && IsDigit(s[j])) {
      frac_ms += (s[j] - '0') * scale;
      scale /= 10;
      ++j;
    }
  }
  int64_t ms = 0;
  if (exact && j == s.size() && !__builtin_add_overflow(secs * 1000, frac_ms, &ms)) {
    *out_ms = negative ? -ms : ms;
    return NumberStatus::kOk;
  }
  double approx_ms = seconds * 1000;
  if (!(std::fabs(approx_ms) < 9.2e18)) return NumberStatus::kOutOfRange;
  *out_ms = static_cast<int64_t>(approx_ms);
  return NumberStatus::kOk;
}

}  // namespace vigie::expfmt
