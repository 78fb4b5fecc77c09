// Functions of instant vectors and scalars: math, clamping and rounding, time and date,
// sorting, absent, scalar/vector conversion and histogram_quantile over classic buckets.
#include <cmath>
#include <limits>
#include <numbers>
#include <unordered_map>

#include "promql/functions_eval.h"

namespace vigie::promql::internal {

using parser::FunctionId;

double GoMax(double a, double b) {
  if (std::isinf(a) && a > 0) return a;
  if (std::isinf(b) && b > 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::nan("");
  if (a == 0 && a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

double GoMin(double a, double b) {
  if (std::isinf(a) && a < 0) return a;
  if (std::isinf(b) && b < 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::nan("");
  if (a == 0 && a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

StepFn MakeLabelFunction(const parser::Call& call, QueryContext& ctx);  // functions_label.cpp

namespace {

double Scalar(const StepArgs& a, size_t i) {
  return a.vecs[i].empty() ? std::nan("") : a.vecs[i][0].v;
}

// Applies f to every sample, dropping the metric name.
template <typename F>
StepFn Simple(QueryContext& ctx, F f) {
  return [&ctx, f](StepArgs& a, IVector& out) {
    for (const ISample& s : a.vecs[0]) {
      out.push_back({ctx.pool.DropMetricName(s.metric), f(s.v), 0, nullptr});
    }
  };
}

// A civil date in UTC (proleptic Gregorian), from Unix seconds.
struct Civil {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int hour, minute;
  int weekday;  // 0 = Sunday
  int yearday;  // 1..366
};

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int64_t year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

Civil ToCivil(int64_t secs) {
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  Civil c{};
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  // 1970-01-01 was a Thursday.
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);
  // Days to civil date (Howard Hinnant's algorithm).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  int yd = c.day;
  for (int m = 1; m < c.month; ++m) yd += DaysIn(c.year, m);
  c.yearday = yd;
  return c;
}

// Go's int64(float64) on amd64: out-of-range values and NaN become the minimum int64.
int64_t GoInt64(double v) {
  if (!(v >= -9.223372036854775808e18 && v < 9.223372036854775808e18)) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(v);
}

StepFn DateFunction(const parser::Call& call, QueryContext& ctx, double (*f)(const Civil&)) {
  if (call.args.empty()) {
    return [&ctx, f](StepArgs& a, IVector& out) {
      out.push_back({ctx.pool.Empty(), f(ToCivil(a.ts / 1000)), 0, nullptr});
    };
  }
  return [&ctx, f](StepArgs& a, IVector& out) {
    for (const ISample& s : a.vecs[0]) {
      out.push_back({ctx.pool.DropMetricName(s.metric), f(ToCivil(GoInt64(s.v))), 0, nullptr});
    }
  };
}

// Samples by value, ascending with NaN last (sort) or descending with NaN last (sort_desc).
StepFn Sort(bool desc) {
  return [desc](StepArgs& a, IVector& out) {
    out = a.vecs[0];
    if (desc) {
      // sort.Reverse(vectorByValueHeap)
      GoReverseSort(
          out, [](const ISample& x, const ISample& y) { return std::isnan(x.v) || x.v < y.v; },
          [](const ISample& x, const ISample& y) {
            return !std::isnan(x.v) && (std::isnan(y.v) || x.v > y.v);
          });
    } else {
      // sort.Reverse(vectorByReverseValueHeap)
      GoReverseSort(
          out, [](const ISample& x, const ISample& y) { return std::isnan(x.v) || x.v > y.v; },
          [](const ISample& x, const ISample& y) {
            return !std::isnan(x.v) && (std::isnan(y.v) || x.v < y.v);
          });
    }
  };
}

// histogram_quantile(q, buckets): groups bucket samples by their labels without `le`.
struct HistogramQuantileState {
  QueryContext* ctx;
  struct SeriesInfo {
    LabelsRef signature;  // labels without le
    LabelsRef output;     // labels without le and __name__
    double upper_bound;
    bool valid;
  };
  std::unordered_map<LabelsRef, SeriesInfo> info;
  struct Group {
    LabelsRef output;
    std::vector<Bucket> buckets;
  };
  std::vector<Group> groups;
  std::unordered_map<LabelsRef, size_t> group_of;

  const SeriesInfo& Info(LabelsRef m) {
    auto it = info.find(m);
    if (it != info.end()) return it->second;
    SeriesInfo si{};
    si.valid = ParseGoFloat(m->labels().Get("le"), &si.upper_bound);
    if (si.valid) {
      LabelsBuilder b(m->labels());
      b.Del("le");
      si.signature = ctx->pool.Intern(b.Build());
      b.Del(kMetricNameLabel);
      si.output = ctx->pool.Intern(b.Build());
    }
    return info.emplace(m, si).first->second;
  }

  void Step(StepArgs& a, IVector& out) {
    const double q = Scalar(a, 0);
    for (auto& g : groups) g.buckets.clear();
    std::vector<size_t> order;
    for (const ISample& s : a.vecs[1]) {
      const SeriesInfo& si = Info(s.metric);
      if (!si.valid) continue;
      auto [it, inserted] = group_of.emplace(si.signature, groups.size());
      if (inserted) groups.push_back({si.output, {}});
      Group& g = groups[it->second];
      if (g.buckets.empty()) order.push_back(it->second);
      g.buckets.push_back({si.upper_bound, s.v});
    }
    for (size_t idx : order) {
      Group& g = groups[idx];
      out.push_back({g.output, BucketQuantile(q, g.buckets), 0, nullptr});
    }
  }
};

}  // namespace

StepFn MakeInstantFunction(const parser::Call& call, QueryContext& ctx) {
  const FunctionId id = call.func->id;
  switch (id) {
    case FunctionId::kAbs:
      return Simple(ctx, [](double v) { return std::fabs(v); });
    case FunctionId::kCeil:
      return Simple(ctx, [](double v) { return std::ceil(v); });
    case FunctionId::kFloor:
      return Simple(ctx, [](double v) { return std::floor(v); });
    case FunctionId::kExp:
      return Simple(ctx, [](double v) { return std::exp(v); });
    case FunctionId::kSqrt:
      return Simple(ctx, [](double v) { return std::sqrt(v); });
    case FunctionId::kLn:
      return Simple(ctx, [](double v) { return std::log(v); });
    case FunctionId::kLog2:
      return Simple(ctx, [](double v) { return std::log2(v); });
    case FunctionId::kLog10:
      return Simple(ctx, [](double v) { return std::log10(v); });
    case FunctionId::kSin:
      return Simple(ctx, [](double v) { return std::sin(v); });
    case FunctionId::kCos:
      return Simple(ctx, [](double v) { return std::cos(v); });
    case FunctionId::kTan:
      return Simple(ctx, [](double v) { return std::tan(v); });
    case FunctionId::kAsin:
      return Simple(ctx, [](double v) { return std::asin(v); });
    case FunctionId::kAcos:
      return Simple(ctx, [](double v) { return std::acos(v); });
    case FunctionId::kAtan:
      return Simple(ctx, [](double v) { return std::atan(v); });
    case FunctionId::kSinh:
      return Simple(ctx, [](double v) { return std::sinh(v); });
    case FunctionId::kCosh:
      return Simple(ctx, [](double v) { return std::cosh(v); });
    case FunctionId::kTanh:
      return Simple(ctx, [](double v) { return std::tanh(v); });
    case FunctionId::kAsinh:
      return Simple(ctx, [](double v) { return std::asinh(v); });
    case FunctionId::kAcosh:
      return Simple(ctx, [](double v) { return std::acosh(v); });
    case FunctionId::kAtanh:
      return Simple(ctx, [](double v) { return std::atanh(v); });
    case FunctionId::kDeg:
      return Simple(ctx, [](double v) { return v * 180 / std::numbers::pi; });
    case FunctionId::kRad:
      return Simple(ctx, [](double v) { return v * std::numbers::pi / 180; });
    case FunctionId::kSgn:
      return Simple(ctx, [](double v) { return v < 0 ? -1.0 : v > 0 ? 1.0 : v; });
    case FunctionId::kTimestamp:
      // The argument is not a selector here, so its samples are stamped with the step time.
      return [&ctx](StepArgs& a, IVector& out) {
        for (const ISample& s : a.vecs[0]) {
          out.push_back(
              {ctx.pool.DropMetricName(s.metric), static_cast<double>(s.t) / 1000, 0, nullptr});
        }
      };
    case FunctionId::kClamp:
      return [&ctx](StepArgs& a, IVector& out) {
        const double min = Scalar(a, 1), max = Scalar(a, 2);
        if (max < min) return;
        for (const ISample& s : a.vecs[0]) {
          out.push_back(
              {ctx.pool.DropMetricName(s.metric), GoMax(min, GoMin(max, s.v)), 0, nullptr});
        }
      };
    case FunctionId::kClampMax:
      return [&ctx](StepArgs& a, IVector& out) {
        const double max = Scalar(a, 1);
        for (const ISample& s : a.vecs[0]) {
          out.push_back({ctx.pool.DropMetricName(s.metric), GoMin(max, s.v), 0, nullptr});
        }
      };
    case FunctionId::kClampMin:
      return [&ctx](StepArgs& a, IVector& out) {
        const double min = Scalar(a, 1);
        for (const ISample& s : a.vecs[0]) {
          out.push_back({ctx.pool.DropMetricName(s.metric), GoMax(min, s.v), 0, nullptr});
        }
      };
    case FunctionId::kRound: {
      const bool has_nearest = call.args.size() >= 2;
      return [&ctx, has_nearest](StepArgs& a, IVector& out) {
        const double nearest = has_nearest ? Scalar(a, 1) : 1;
        // Dividing by the inverse causes fewer floating point surprises (as Prometheus).
        const double inverse = 1.0 / nearest;
        for (const ISample& s : a.vecs[0]) {
          out.push_back({ctx.pool.DropMetricName(s.metric),
                         std::floor(s.v * inverse + 0.5) / inverse, 0, nullptr});
        }
      };
    }
    case FunctionId::kScalar:
      return [&ctx](StepArgs& a, IVector& out) {
        const IVector& v = a.vecs[0];
        out.push_back({ctx.pool.Empty(), v.size() == 1 ? v[0].v : std::nan(""), 0, nullptr});
      };
    case FunctionId::kVector:
      return [&ctx](StepArgs& a, IVector& out) {
        out.push_back({ctx.pool.Empty(), Scalar(a, 0), 0, nullptr});
      };
    case FunctionId::kTime:
      return [&ctx](StepArgs& a, IVector& out) {
        out.push_back({ctx.pool.Empty(), static_cast<double>(a.ts) / 1000, 0, nullptr});
      };
    case FunctionId::kPi:
      return [&ctx](StepArgs&, IVector& out) {
        out.push_back({ctx.pool.Empty(), std::numbers::pi, 0, nullptr});
      };
    case FunctionId::kSort:
      return Sort(false);
    case FunctionId::kSortDesc:
      return Sort(true);
    case FunctionId::kAbsent: {
      LabelsRef labels = ctx.pool.Intern(AbsentLabels(UnwrapParens(*call.args[0])));
      return [labels](StepArgs& a, IVector& out) {
        if (a.vecs[0].empty()) out.push_back({labels, 1, 0, nullptr});
      };
    }
    case FunctionId::kDayOfMonth:
      return DateFunction(call, ctx, [](const Civil& c) { return double(c.day); });
    case FunctionId::kDayOfWeek:
      return DateFunction(call, ctx, [](const Civil& c) { return double(c.weekday); });
    case FunctionId::kDayOfYear:
      return DateFunction(call, ctx, [](const Civil& c) { return double(c.yearday); });
    case FunctionId::kDaysInMonth:
      return DateFunction(call, ctx,
                          [](const Civil& c) { return double(DaysIn(c.year, c.month)); });
    case FunctionId::kHour:
      return DateFunction(call, ctx, [](const Civil& c) { return double(c.hour); });
    case FunctionId::kMinute:
      return DateFunction(call, ctx, [](const Civil& c) { return double(c.minute); });
    case FunctionId::kMonth:
      return DateFunction(call, ctx, [](const Civil& c) { return double(c.month); });
    case FunctionId::kYear:
      return DateFunction(call, ctx, [](const Civil& c) { return double(c.year); });
    case FunctionId::kHistogramQuantile: {
      auto st = std::make_shared<HistogramQuantileState>();
      st->ctx = &ctx;
      return [st](StepArgs& a, IVector& out) { st->Step(a, out); };
    }
    case FunctionId::kHistogramCount:
    case FunctionId::kHistogramSum:
    case FunctionId::kHistogramFraction:
      // Native histograms only: float samples yield nothing.
      return [](StepArgs&, IVector&) {};
    case FunctionId::kLabelReplace:
    case FunctionId::kLabelJoin:
      return MakeLabelFunction(call, ctx);
    default:
      break;
  }
  Throw(Internal("function " + std::string(call.func->name) + " needs a range vector"));
}

}  // namespace vigie::promql::internal
