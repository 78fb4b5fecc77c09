#include "instrument/buckets.h"

#include <charconv>
#include <cmath>

namespace vigie::instrument {

std::vector<double> DefaultBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

std::vector<double> LinearBuckets(double start, double width, int count) {
  std::vector<double> out;
  if (count < 1 || !(width > 0) || !std::isfinite(start)) return out;
  out.reserve(count);
  for (int i = 0; i < count; ++i) out.push_back(start + width * i);
  return out;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> out;
  if (count < 1 || !(start > 0) || !(factor > 1) || !std::isfinite(start)) return out;
  out.reserve(count);
  double b = start;
  for (int i = 0; i < count; ++i, b *= factor) out.push_back(b);
  return out;
}

Result<std::vector<double>> CheckBuckets(std::vector<double> bounds) {
  if (!bounds.empty() && bounds.back() == INFINITY) bounds.pop_back();
  if (bounds.empty()) {
    return InvalidArgument(
        "histogram needs at least one finite bucket bound (LinearBuckets/ExponentialBuckets "
        "return none for invalid arguments)");
  }
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (std::isnan(bounds[i])) {
      return InvalidArgument("histogram bucket bound " + std::to_string(i) + " is NaN");
    }
    if (i > 0 && !(bounds[i] > bounds[i - 1])) {
      return InvalidArgument("histogram bucket bounds must be strictly increasing: bound " +
                             std::to_string(i) + " (" + FormatBucketBound(bounds[i], false) +
                             ") follows " + FormatBucketBound(bounds[i - 1], false));
    }
  }
  return bounds;
}

std::string FormatBucketBound(double bound, bool openmetrics) {
  if (std::isnan(bound)) return "NaN";
  if (std::isinf(bound)) return bound > 0 ? "+Inf" : "-Inf";
  // Shortest digits in scientific form tell the decimal exponent.
  char sci[40];
  auto [sci_end, ec1] = std::to_chars(sci, sci + sizeof(sci), bound, std::chars_format::scientific);
  std::string_view s(sci, sci_end - sci);
  std::string_view exp_text = s.substr(s.find('e') + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  int exponent = 0;
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  std::string out;
  if (exponent < -4 || exponent >= 6) {
    out.assign(s);  // e.g. "1e+06", "2.5e-05"
  } else {
    char fixed[64];
    auto [end, ec2] = std::to_chars(fixed, fixed + sizeof(fixed), bound, std::chars_format::fixed);
    out.assign(fixed, end);
  }
  if (openmetrics && out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

}  // namespace vigie::instrument
