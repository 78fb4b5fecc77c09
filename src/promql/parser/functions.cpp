#include "promql/parser/functions.h"

#include <algorithm>
#include <cstdint>

namespace vigie::promql::parser {

namespace {

constexpr ValueType S = ValueType::kScalar;
constexpr ValueType V = ValueType::kVector;
constexpr ValueType M = ValueType::kMatrix;
constexpr ValueType Str = ValueType::kString;

using F = FunctionId;

// Sorted by name (checked once at startup by a unit test and used for binary search).
const std::vector<Function>& Table() {
  static const std::vector<Function> table = [] {
    std::vector<Function> t = {
        {F::kAbs, "abs", {V}},
        {F::kAbsent, "absent", {V}},
        {F::kAbsentOverTime, "absent_over_time", {M}},
        {F::kAcos, "acos", {V}},
        {F::kAcosh, "acosh", {V}},
        {F::kAsin, "asin", {V}},
        {F::kAsinh, "asinh", {V}},
        {F::kAtan, "atan", {V}},
        {F::kAtanh, "atanh", {V}},
        {F::kAvgOverTime, "avg_over_time", {M}},
        {F::kCeil, "ceil", {V}},
        {F::kChanges, "changes", {M}},
        {F::kClamp, "clamp", {V, S, S}},
        {F::kClampMax, "clamp_max", {V, S}},
        {F::kClampMin, "clamp_min", {V, S}},
        {F::kCos, "cos", {V}},
        {F::kCosh, "cosh", {V}},
        {F::kCountOverTime, "count_over_time", {M}},
        {F::kDayOfMonth, "day_of_month", {V}, 1, V, true},
        {F::kDayOfWeek, "day_of_week", {V}, 1, V, true},
        {F::kDayOfYear, "day_of_year", {V}, 1, V, true},
        {F::kDaysInMonth, "days_in_month", {V}, 1, V, true},
        {F::kDeg, "deg", {V}},
        {F::kDelta, "delta", {M}},
        {F::kDeriv, "deriv", {M}},
        {F::kExp, "exp", {V}},
        {F::kFloor, "floor", {V}},
        {F::kHistogramCount, "histogram_count", {V}},
        {F::kHistogramFraction, "histogram_fraction", {S, S, V}},
        {F::kHistogramQuantile, "histogram_quantile", {S, V}},
        {F::kHistogramSum, "histogram_sum", {V}},
        {F::kHoltWinters, "holt_winters", {M, S, S}},
        {F::kHour, "hour", {V}, 1, V, true},
        {F::kIdelta, "idelta", {M}},
        {F::kIncrease, "increase", {M}},
        {F::kIrate, "irate", {M}},
        {F::kLabelJoin, "label_join", {V, Str, Str, Str}, -1},
        {F::kLabelReplace, "label_replace", {V, Str, Str, Str, Str}},
        {F::kLastOverTime, "last_over_time", {M}},
        {F::kLn, "ln", {V}},
        {F::kLog10, "log10", {V}},
        {F::kLog2, "log2", {V}},
        {F::kMaxOverTime, "max_over_time", {M}},
        {F::kMinOverTime, "min_over_time", {M}},
        {F::kMinute, "minute", {V}, 1, V, true},
        {F::kMonth, "month", {V}, 1, V, true},
        {F::kPi, "pi", {}, 0, S},
        {F::kPredictLinear, "predict_linear", {M, S}, 0, V, true},
        {F::kPresentOverTime, "present_over_time", {M}},
        {F::kQuantileOverTime, "quantile_over_time", {S, M}},
        {F::kRad, "rad", {V}},
        {F::kRate, "rate", {M}},
        {F::kResets, "resets", {M}},
        {F::kRound, "round", {V, S}, 1},
        {F::kScalar, "scalar", {V}, 0, S},
        {F::kSgn, "sgn", {V}},
        {F::kSin, "sin", {V}},
        {F::kSinh, "sinh", {V}},
        {F::kSort, "sort", {V}},
        {F::kSortDesc, "sort_desc", {V}},
        {F::kSqrt, "sqrt", {V}},
        {F::kStddevOverTime, "stddev_over_time", {M}},
        {F::kStdvarOverTime, "stdvar_over_time", {M}},
        {F::kSumOverTime, "sum_over_time", {M}},
        {F::kTan, "tan", {V}},
        {F::kTanh, "tanh", {V}},
        {F::kTime, "time", {}, 0, S, true},
        {F::kTimestamp, "timestamp", {V}, 0, V, true},
        {F::kVector, "vector", {S}},
        {F::kYear, "year", {V}, 1, V, true},
    };
    std::sort(t.begin(), t.end(),
              [](const Function& a, const Function& b) { return a.name < b.name; });
    return t;
  }();
  return table;
}

}  // namespace

size_t Function::MaxArgs() const {
  if (variadic < 0) return SIZE_MAX;
  return arg_types.size() - (variadic > 0 ? 1 : 0) + static_cast<size_t>(variadic);
}

ValueType Function::ArgType(size_t i) const {
  if (arg_types.empty()) return ValueType::kNone;
  return i < arg_types.size() ? arg_types[i] : arg_types.back();
}

const Function* FindFunction(std::string_view name) {
  const auto& t = Table();
  auto it = std::lower_bound(t.begin(), t.end(), name,
                             [](const Function& f, std::string_view n) { return f.name < n; });
  if (it == t.end() || it->name != name) return nullptr;
  return &*it;
}

std::span<const Function> AllFunctions() { return Table(); }

}  // namespace vigie::promql::parser
