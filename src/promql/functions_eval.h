// Internal to the engine: the per-step implementations of functions, aggregations and operators
// (promql/functions.go and the operator/aggregation parts of engine.go).
#pragma once

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "promql/evaluator.h"
#include "promql/parser/ast.h"
#include "promql/parser/functions.h"

namespace vigie::promql::internal {

// --- instant-vector functions (functions_instant.cpp, functions_label.cpp) ---
// The step function of a call without range-vector argument. Scalar arguments arrive as
// one-element vectors; string arguments are read from the call's AST.
StepFn MakeInstantFunction(const parser::Call& call, QueryContext& ctx);

// --- range-vector functions (functions_range.cpp) ---
struct RangeCall {
  parser::FunctionId id;
  TimestampMs ts = 0;           // evaluation time of the step
  TimestampMs range_start = 0;  // ts - offset - range
  TimestampMs range_end = 0;    // ts - offset
  DurationMs range = 0;
  std::span<const double> params;  // the scalar arguments other than the range vector, in order
};
// The value of a range-vector function over the (non-empty, stale-free) window `pts`, or
// nothing when the function yields no sample for it. absent_over_time is handled by the caller.
std::optional<double> CallRangeFunction(const RangeCall& c, std::span<const Point> pts);

// avg_over_time over many windows of one series at once (same results, faster).
struct Window {
  uint32_t lo, hi;  // [lo, hi) into the series' points
};
void AvgOverTimeWindows(std::span<const Point> pts, std::span<const Window> windows, double* out);

// --- aggregations (aggregate.cpp) ---
// The labels of the group `m` belongs to (grouping sorted).
LabelsRef GroupLabels(LabelsPool& pool, LabelsRef m, const std::vector<std::string>& grouping,
                      bool without);
// Input: vecs[0] the parameter (if any), vecs[1] the vector, whose samples carry their group in
// `aux`; for count_values (`label` non-empty) vecs[0] is the vector.
StepFn MakeAggregation(const parser::AggregateExpr& agg, const std::vector<std::string>& grouping,
                       const std::string& count_values_label, QueryContext& ctx);

// topk/bottomk: offers `s` to a group's heap of at most k (Go's container/heap, so ties resolve
// as in Prometheus; the first sample of a group starts the heap), and orders it for output.
void HeapOffer(std::vector<ISample>& heap, const ISample& s, int64_t k, bool top);
void HeapSortForOutput(std::vector<ISample>& heap, bool top);

// --- operators (binary.cpp) ---
double ScalarBinop(parser::BinaryOp op, double lhs, double rhs);
// Returns the value and whether the sample is kept (comparisons filter).
std::pair<double, bool> VectorElemBinop(parser::BinaryOp op, double lhs, double rhs);
bool ShouldDropMetricName(parser::BinaryOp op);

// --- quantiles (quantile.cpp) ---
struct Bucket {
  double upper_bound;
  double count;
};
// histogram_quantile over classic buckets (modified: sorted, coalesced).
double BucketQuantile(double q, std::vector<Bucket>& buckets);
// The q-quantile of `values` (sorted in place), as the quantile aggregation computes it.
double Quantile(double q, std::vector<double>& values);

// Neumaier-compensated summation step, as Prometheus's kahanSumInc.
inline void KahanSumInc(double inc, double& sum, double& c) {
  double t = sum + inc;
  if ((sum < 0 ? -sum : sum) >= (inc < 0 ? -inc : inc)) {
    c += (sum - t) + inc;
  } else {
    c += (inc - t) + sum;
  }
  sum = t;
}

// sort.Sort(sort.Reverse(x)) of Go 1.19 for a base order `less` (Prometheus's sort functions
// and topk/bottomk output): insertion sort up to 12 elements (which fixes the order of ties,
// NaNs included), otherwise a stable sort by `before`, a strict version of the same order.
template <typename T, typename Less, typename Before>
void GoReverseSort(std::vector<T>& v, Less less, Before before) {
  if (v.size() <= 12) {
    for (size_t i = 1; i < v.size(); ++i) {
      for (size_t j = i; j > 0 && less(v[j - 1], v[j]); --j) std::swap(v[j], v[j - 1]);
    }
    return;
  }
  std::stable_sort(v.begin(), v.end(), before);
}

// Go's math.Max and math.Min (NaN and signed-zero rules differ from std::fmax/fmin).
double GoMax(double a, double b);
double GoMin(double a, double b);

// Go's strconv.FormatFloat(v, 'f', -1, 64).
std::string FormatFloatShortestFixed(double v);
// Go's strconv.ParseFloat(s, 64) success (no surrounding spaces, Inf/NaN spellings).
bool ParseGoFloat(std::string_view s, double* out);

}  // namespace vigie::promql::internal
