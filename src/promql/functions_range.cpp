// Functions over a range-vector window: rate/increase/delta with Prometheus's extrapolation,
// irate/idelta, deriv/predict_linear, holt_winters, changes/resets and the *_over_time family.
#include <algorithm>
#include <cmath>
#include <limits>

#include "promql/functions_eval.h"
#include "promql/parser/go_format.h"

namespace vigie::promql::internal {

using parser::FunctionId;

namespace {

// rate(), increase() and delta(): the change over the window, corrected for counter resets and
// extrapolated towards the window's edges when the samples come close to them.
std::optional<double> ExtrapolatedRate(const RangeCall& c, std::span<const Point> pts,
                                       bool is_counter, bool is_rate) {
  if (pts.size() < 2) return std::nullopt;
  const Point& first = pts.front();
  const Point& last = pts.back();
  double result = last.v - first.v;
  if (is_counter) {
    double prev = first.v;
    for (size_t i = 1; i < pts.size(); ++i) {
      if (pts[i].v < prev) result += prev;
      prev = pts[i].v;
    }
  }
  double duration_to_start = static_cast<double>(first.t - c.range_start) / 1000;
  const double duration_to_end = static_cast<double>(c.range_end - last.t) / 1000;
  const double sampled_interval = static_cast<double>(last.t - first.t) / 1000;
  const double avg_between = sampled_interval / static_cast<double>(pts.size() - 1);
  if (is_counter && result > 0 && first.v >= 0) {
    // A counter does not go below zero: do not extrapolate past the point where it would.
    const double duration_to_zero = sampled_interval * (first.v / result);
    if (duration_to_zero < duration_to_start) duration_to_start = duration_to_zero;
  }
  const double threshold = avg_between * 1.1;
  double extrapolate_to = sampled_interval;
  extrapolate_to += duration_to_start < threshold ? duration_to_start : avg_between / 2;
  extrapolate_to += duration_to_end < threshold ? duration_to_end : avg_between / 2;
  double factor = extrapolate_to / sampled_interval;
  if (is_rate) factor /= static_cast<double>(c.range) / 1000;
  return result * factor;
}

std::optional<double> InstantValue(std::span<const Point> pts, bool is_rate) {
  if (pts.size() < 2) return std::nullopt;
  const Point& last = pts[pts.size() - 1];
  const Point& prev = pts[pts.size() - 2];
  double result = (is_rate && last.v < prev.v) ? last.v : last.v - prev.v;
  const int64_t interval = last.t - prev.t;
  if (interval == 0) return std::nullopt;
  if (is_rate) result /= static_cast<double>(interval) / 1000;
  return result;
}

// Least squares fit of v over (t - intercept_time) in seconds: {slope, intercept}.
std::pair<double, double> LinearRegression(std::span<const Point> pts, int64_t intercept_time) {
  double n = 0, sum_x = 0, c_x = 0, sum_y = 0, c_y = 0, sum_xy = 0, c_xy = 0, sum_x2 = 0, c_x2 = 0;
  const double init_y = pts[0].v;
  bool const_y = true;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (const_y && i > 0 && pts[i].v != init_y) const_y = false;
    n += 1.0;
    const double x = static_cast<double>(pts[i].t - intercept_time) / 1e3;
    KahanSumInc(x, sum_x, c_x);
    KahanSumInc(pts[i].v, sum_y, c_y);
    KahanSumInc(x * pts[i].v, sum_xy, c_xy);
    KahanSumInc(x * x, sum_x2, c_x2);
  }
  if (const_y) {
    if (std::isinf(init_y)) return {std::nan(""), std::nan("")};
    return {0, init_y};
  }
  sum_x += c_x;
  sum_y += c_y;
  sum_xy += c_xy;
  sum_x2 += c_x2;
  const double cov_xy = sum_xy - sum_x * sum_y / n;
  const double var_x = sum_x2 - sum_x * sum_x / n;
  const double slope = cov_xy / var_x;
  const double intercept = sum_y / n - slope * sum_x / n;
  return {slope, intercept};
}

double HoltWinters(std::span<const Point> pts, double sf, double tf) {
  // Double exponential smoothing; s0/s1 are the previous and current smoothed values, b the
  // trend.
  double s0 = 0, s1 = pts[0].v, b = pts[1].v - pts[0].v;
  for (size_t i = 1; i < pts.size(); ++i) {
    const double x = sf * pts[i].v;
    if (i - 1 != 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

double AvgOverTime(std::span<const Point> pts) {
  double mean = 0, c = 0, count = 0;
  for (const Point& p : pts) {
    count++;
    if (std::isinf(mean)) {
      if (std::isinf(p.v) && (mean > 0) == (p.v > 0)) continue;
      if (!std::isinf(p.v) && !std::isnan(p.v)) continue;
    }
    KahanSumInc(p.v / count - mean / count, mean, c);
  }
  if (std::isinf(mean)) return mean;
  return mean + c;
}

double StdvarOverTime(std::span<const Point> pts) {
  double count = 0, mean = 0, c_mean = 0, aux = 0, c_aux = 0;
  for (const Point& p : pts) {
    count++;
    const double delta = p.v - (mean + c_mean);
    KahanSumInc(delta / count, mean, c_mean);
    KahanSumInc(delta * (p.v - (mean + c_mean)), aux, c_aux);
  }
  return (aux + c_aux) / count;
}

}  // namespace

namespace {

// avg_over_time of eight windows at once in SIMD lanes, for windows whose values are all finite
// and at most 1e300 in magnitude: the running mean then never becomes infinite, AvgOverTime's
// special cases never apply, and every lane performs exactly AvgOverTime's IEEE operations in
// the same order (division, subtraction, addition: no fused multiply-add can creep in), so
// the results are bit-identical. The divisions dominate; vector division units do several per
// instruction. Cloned for AVX2 when the CPU has it (four lanes in one register).
using V4 = double __attribute__((vector_size(32)));
using M4 = int64_t __attribute__((vector_size(32)));

// Four lanes: the state of four windows, advanced by their j-th value where j < len.
struct AvgLanes {
  AvgLanes(const Point* pts, const Window* w)
      : len{w[0].hi - w[0].lo, w[1].hi - w[1].lo, w[2].hi - w[2].lo, w[3].hi - w[3].lo},
        first{pts + w[0].lo, pts + w[1].lo, pts + w[2].lo, pts + w[3].lo} {}

  V4 mean = {}, c = {}, count = {};
  const M4 len;
  const Point* const first[4];  // each window's first point

  [[gnu::always_inline]] inline void Step(int64_t j) {
    const M4 active = M4{} + j < len;
    // Inactive lanes read their last value (always valid) and drop the result.
    const auto at = [&](int l) { return first[l][std::min(j, len[l] - 1)].v; };
    const V4 v = {at(0), at(1), at(2), at(3)};
    const V4 next_count = count + 1;
    const V4 inc = v / next_count - mean / next_count;
    // KahanSumInc(inc, mean, c).
    const V4 t = mean + inc;
    const M4 abs_mask = M4{} + INT64_MAX;
    const M4 mean_bigger = (V4)((M4)mean & abs_mask) >= (V4)((M4)inc & abs_mask);
    const V4 next_c = c + (mean_bigger ? (mean - t) + inc : (inc - t) + mean);
    mean = active ? t : mean;
    c = active ? next_c : c;
    count = active ? next_count : count;
  }
};

[[gnu::target_clones("avx2", "default")]] size_t AvgOverTimeWindowsFinite(const Point* pts,
                                                                          const Window* windows,
                                                                          size_t n, double* out) {
  size_t w = 0;
  for (; w + 8 <= n; w += 8) {
    AvgLanes a(pts, windows + w), b(pts, windows + w + 4);  // two chains keep the divider busy
    int64_t max_len = 0;
    for (int l = 0; l < 8; ++l) {
      max_len = std::max<int64_t>(max_len, windows[w + l].hi - windows[w + l].lo);
    }
    for (int64_t j = 0; j < max_len; ++j) {
      a.Step(j);
      b.Step(j);
    }
    for (int l = 0; l < 4; ++l) {
      out[w + l] = a.mean[l] + a.c[l];
      out[w + 4 + l] = b.mean[l] + b.c[l];
    }
  }
  return w;
}

}  // namespace

void AvgOverTimeWindows(std::span<const Point> pts, std::span<const Window> windows, double* out) {
  if (windows.empty()) return;
  bool finite = true;
  for (size_t i = windows.front().lo; i < windows.back().hi; ++i) {
    finite &= std::fabs(pts[i].v) <= 1e300;  // false for NaN and Inf
  }
  if (finite) {
    const size_t done = AvgOverTimeWindowsFinite(pts.data(), windows.data(), windows.size(), out);
    for (size_t w = done; w < windows.size(); ++w) {
      out[w] = AvgOverTime(pts.subspan(windows[w].lo, windows[w].hi - windows[w].lo));
    }
    return;
  }
  // Four windows at a time: each window's running mean is a chain of dependent divisions, and
  // interleaving independent chains lets the CPU overlap them. Every window still sees exactly
  // the operations of AvgOverTime, in the same order.
  constexpr size_t kLanes = 4;
  size_t w = 0;
  for (; w + kLanes <= windows.size(); w += kLanes) {
    double mean[kLanes] = {}, c[kLanes] = {}, count[kLanes] = {};
    bool skip[kLanes] = {};
    size_t len[kLanes], max_len = 0;
    for (size_t l = 0; l < kLanes; ++l) {
      len[l] = windows[w + l].hi - windows[w + l].lo;
      max_len = std::max(max_len, len[l]);
    }
    for (size_t j = 0; j < max_len; ++j) {
      for (size_t l = 0; l < kLanes; ++l) {
        if (j >= len[l]) continue;
        const double v = pts[windows[w + l].lo + j].v;
        count[l]++;
        skip[l] = false;
        if (std::isinf(mean[l])) {
          if (std::isinf(v) && (mean[l] > 0) == (v > 0)) skip[l] = true;
          if (!std::isinf(v) && !std::isnan(v)) skip[l] = true;
        }
        if (!skip[l]) KahanSumInc(v / count[l] - mean[l] / count[l], mean[l], c[l]);
      }
    }
    for (size_t l = 0; l < kLanes; ++l) out[w + l] = std::isinf(mean[l]) ? mean[l] : mean[l] + c[l];
  }
  for (; w < windows.size(); ++w) {
    out[w] = AvgOverTime(pts.subspan(windows[w].lo, windows[w].hi - windows[w].lo));
  }
}

std::optional<double> CallRangeFunction(const RangeCall& c, std::span<const Point> pts) {
  switch (c.id) {
    case FunctionId::kRate:
      return ExtrapolatedRate(c, pts, true, true);
    case FunctionId::kIncrease:
      return ExtrapolatedRate(c, pts, true, false);
    case FunctionId::kDelta:
      return ExtrapolatedRate(c, pts, false, false);
    case FunctionId::kIrate:
      return InstantValue(pts, true);
    case FunctionId::kIdelta:
      return InstantValue(pts, false);
    case FunctionId::kDeriv:
      if (pts.size() < 2) return std::nullopt;
      return LinearRegression(pts, pts[0].t).first;
    case FunctionId::kPredictLinear: {
      if (pts.size() < 2) return std::nullopt;
      auto [slope, intercept] = LinearRegression(pts, c.ts);
      return slope * c.params[0] + intercept;
    }
    case FunctionId::kHoltWinters: {
      const double sf = c.params[0], tf = c.params[1];
      if (sf <= 0 || sf >= 1) {
        ThrowExec("invalid smoothing factor. Expected: 0 < sf < 1, got: " +
                  parser::GoFormatFixed(sf, 6));
      }
      if (tf <= 0 || tf >= 1) {
        ThrowExec("invalid trend factor. Expected: 0 < tf < 1, got: " +
                  parser::GoFormatFixed(tf, 6));
      }
      if (pts.size() < 2) return std::nullopt;
      return HoltWinters(pts, sf, tf);
    }
    case FunctionId::kChanges: {
      int changes = 0;
      for (size_t i = 1; i < pts.size(); ++i) {
        const double cur = pts[i].v, prev = pts[i - 1].v;
        if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) ++changes;
      }
      return changes;
    }
    case FunctionId::kResets: {
      int resets = 0;
      for (size_t i = 1; i < pts.size(); ++i) {
        if (pts[i].v < pts[i - 1].v) ++resets;
      }
      return resets;
    }
    case FunctionId::kAvgOverTime:
      return AvgOverTime(pts);
    case FunctionId::kCountOverTime:
      return static_cast<double>(pts.size());
    case FunctionId::kLastOverTime:
      return pts.back().v;
    case FunctionId::kPresentOverTime:
      return 1;
    case FunctionId::kMaxOverTime: {
      double max = pts[0].v;
      for (const Point& p : pts) {
        if (p.v > max || std::isnan(max)) max = p.v;
      }
      return max;
    }
    case FunctionId::kMinOverTime: {
      double min = pts[0].v;
      for (const Point& p : pts) {
        if (p.v < min || std::isnan(min)) min = p.v;
      }
      return min;
    }
    case FunctionId::kSumOverTime: {
      double sum = 0, comp = 0;
      for (const Point& p : pts) KahanSumInc(p.v, sum, comp);
      if (std::isinf(sum)) return sum;
      return sum + comp;
    }
    case FunctionId::kQuantileOverTime: {
      std::vector<double> values;
      values.reserve(pts.size());
      for (const Point& p : pts) values.push_back(p.v);
      return Quantile(c.params[0], values);
    }
    case FunctionId::kStddevOverTime:
      return std::sqrt(StdvarOverTime(pts));
    case FunctionId::kStdvarOverTime:
      return StdvarOverTime(pts);
    case FunctionId::kAbsentOverTime:
      return 1;
    default:
      Throw(Internal("not a range-vector function"));
  }
}

}  // namespace vigie::promql::internal
