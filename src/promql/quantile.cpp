// Quantiles (histogram_quantile over classic buckets, the quantile aggregation and
// quantile_over_time) and the number formatting/parsing PromQL shares with Go.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "promql/functions_eval.h"

namespace vigie::promql::internal {

double BucketQuantile(double q, std::vector<Bucket>& buckets) {
  if (std::isnan(q)) return std::nan("");
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  std::sort(buckets.begin(), buckets.end(),
            [](const Bucket& a, const Bucket& b) { return a.upper_bound < b.upper_bound; });
  if (!std::isinf(buckets.back().upper_bound) || buckets.back().upper_bound < 0) {
    return std::nan("");
  }
  // Buckets with the same bound (e.g. from differently spelled le values) add up.
  size_t n = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (n > 0 && buckets[n - 1].upper_bound == buckets[i].upper_bound) {
      buckets[n - 1].count += buckets[i].count;
    } else {
      buckets[n++] = buckets[i];
    }
  }
  buckets.resize(n);
  // Counts must not decrease with the bound (scrapes are not atomic); take the envelope.
  double max = buckets[0].count;
  for (size_t i = 1; i < buckets.size(); ++i) {
    if (buckets[i].count > max) {
      max = buckets[i].count;
    } else if (buckets[i].count < max) {
      buckets[i].count = max;
    }
  }
  if (buckets.size() < 2) return std::nan("");
  const double observations = buckets.back().count;
  if (observations == 0) return std::nan("");
  double rank = q * observations;
  // The first bucket (excluding +Inf) whose count reaches the rank.
  size_t b = 0;
  {
    size_t lo = 0, hi = buckets.size() - 1;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (buckets[mid].count >= rank) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    b = lo;
  }
  if (b == buckets.size() - 1) return buckets[buckets.size() - 2].upper_bound;
  if (b == 0 && buckets[0].upper_bound <= 0) return buckets[0].upper_bound;
  double bucket_start = 0;
  double bucket_end = buckets[b].upper_bound;
  double count = buckets[b].count;
  if (b > 0) {
    bucket_start = buckets[b - 1].upper_bound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return bucket_start + (bucket_end - bucket_start) * (rank / count);
}

double Quantile(double q, std::vector<double>& values) {
  if (values.empty() || std::isnan(q)) return std::nan("");
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  // NaN sorts first, as vectorByValueHeap does.
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    if (std::isnan(b)) return false;
    return a < b;
  });
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower = std::max(0.0, std::floor(rank));
  const double upper = std::min(n - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) +
         values[static_cast<size_t>(upper)] * weight;
}

std::string FormatFloatShortestFixed(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

bool ParseGoFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  std::string str(s);
  // Go accepts [+-]Inf, [+-]Infinity and NaN in any case; strtod does too, but also accepts
  // leading spaces and hex floats without exponent, which Go rejects.
  if (std::isspace(static_cast<unsigned char>(str[0]))) return false;
  size_t start = (str[0] == '+' || str[0] == '-') ? 1 : 0;
  if (str.size() > start + 1 && str[start] == '0' &&
      (str[start + 1] == 'x' || str[start + 1] == 'X')) {
    if (str.find_first_of("pP") == std::string::npos) return false;
  }
  std::string lower;
  for (char c : str.substr(start)) lower.push_back(static_cast<char>(std::tolower(c)));
  if (lower == "nan" && start == 0) {
    *out = std::nan("");
    return true;
  }
  if (lower == "inf" || lower == "infinity") {
    *out = str[0] == '-' ? -std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::infinity();
    return true;
  }
  if (lower.find("nan") != std::string::npos || lower.find("inf") != std::string::npos) {
    return false;
  }
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(str.c_str(), &end);
  if (end != str.c_str() + str.size()) return false;
  // Go's ParseFloat returns ±Inf with an error for out-of-range values; histogram_quantile then
  // skips the bucket.
  if (errno == ERANGE && std::isinf(v)) return false;
  *out = v;
  return true;
}

}  // namespace vigie::promql::internal
