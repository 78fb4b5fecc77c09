// The PromQL functions of Prometheus 2.42 and their signatures, used by the parser to type-check
// calls and by the evaluator to dispatch.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "promql/parser/ast.h"

namespace vigie::promql::parser {

enum class FunctionId {
  kAbs,
  kAbsent,
  kAbsentOverTime,
  kAcos,
  kAcosh,
  kAsin,
  kAsinh,
  kAtan,
  kAtanh,
  kAvgOverTime,
  kCeil,
  kChanges,
  kClamp,
  kClampMax,
  kClampMin,
  kCos,
  kCosh,
  kCountOverTime,
  kDaysInMonth,
  kDayOfMonth,
  kDayOfWeek,
  kDayOfYear,
  kDeg,
  kDelta,
  kDeriv,
  kExp,
  kFloor,
  kHistogramCount,
  kHistogramSum,
  kHistogramFraction,
  kHistogramQuantile,
  kHoltWinters,
  kHour,
  kIdelta,
  kIncrease,
  kIrate,
  kLabelReplace,
  kLabelJoin,
  kLastOverTime,
  kLn,
  kLog10,
  kLog2,
  kMaxOverTime,
  kMinOverTime,
  kMinute,
  kMonth,
  kPi,
  kPredictLinear,
  kPresentOverTime,
  kQuantileOverTime,
  kRad,
  kRate,
  kResets,
  kRound,
  kScalar,
  kSgn,
  kSin,
  kSinh,
  kSort,
  kSortDesc,
  kSqrt,
  kStddevOverTime,
  kStdvarOverTime,
  kSumOverTime,
  kTan,
  kTanh,
  kTime,
  kTimestamp,
  kVector,
  kYear,
};

struct Function {
  FunctionId id;
  std::string_view name;
  std::vector<ValueType> arg_types;
  // 0: exactly arg_types.size() arguments. n > 0: the last argument is optional and may repeat
  // up to n times (round(v, [to_nearest]), hour([v])). -1: the last may repeat without limit
  // (label_join's source labels).
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
  // The result depends on the evaluation time even when all arguments are fixed with @, so the
  // call is never step invariant (time(), timestamp(), hour(), predict_linear(), ...).
  bool at_modifier_unsafe = false;

  size_t MinArgs() const { return variadic == 0 ? arg_types.size() : arg_types.size() - 1; }
  // SIZE_MAX when unbounded.
  size_t MaxArgs() const;
  // The expected type of argument i (extra variadic arguments take the last type).
  ValueType ArgType(size_t i) const;
};

// nullptr when there is no such function (names are case-sensitive).
const Function* FindFunction(std::string_view name);
// Every function, sorted by name.
std::span<const Function> AllFunctions();

}  // namespace vigie::promql::parser
