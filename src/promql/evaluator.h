// Internal to the engine: the evaluator, following Prometheus's promql/engine.go node by node.
//
// Every expression evaluates to a matrix over the evaluator's steps [start, end] by `interval`
// (an instant query is a range of one step). Nodes that combine instant vectors (functions,
// operators, aggregations) go through RangeEval, which evaluates the arguments once and calls
// a per-step function on the vectors of each step. Range-vector functions walk each selected
// series once, sliding the window over samples read once for the whole query range.
//
// Errors unwind as EvalError (as Prometheus panics) and become a Result at the engine boundary.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "promql/labels_pool.h"
#include "promql/parser/ast.h"
#include "promql/value.h"
#include "storage/querier.h"

namespace vigie::promql::internal {

struct ISeries {
  LabelsRef metric = nullptr;
  std::vector<Point> points;
};
using IMatrix = std::vector<ISeries>;

// An instant-vector element during evaluation. `aux` carries a per-series key prepared once
// for the node (the grouping labels of an aggregation, the matching signature of a binary
// operator); null when unused.
struct ISample {
  LabelsRef metric = nullptr;
  double v = 0;
  TimestampMs t = 0;
  LabelsRef aux = nullptr;
};
using IVector = std::vector<ISample>;

struct EvalError {
  Error error;
};
[[noreturn]] void Throw(Error e);
// An execution error (errorType "execution").
[[noreturn]] void ThrowExec(std::string msg);

inline constexpr const char* kErrTooManySamples =
    "query processing would load too many samples into memory in query execution";
// Capacity to reserve for a series of `steps` points: large ranges grow on demand, so that an
// oversized query fails on the sample limit instead of on one huge allocation.
inline size_t ReserveSteps(int64_t steps) {
  return static_cast<size_t>(std::clamp<int64_t>(steps, 0, 4096));
}

inline constexpr const char* kErrSameLabelset =
    "vector cannot contain metrics with the same labelset";

struct SelectedSeries {
  std::vector<const storage::Series*> series;
  std::vector<LabelsRef> labels;
};

// State shared by all evaluators of one query. Single-threaded.
struct QueryContext {
  storage::Querier* querier = nullptr;
  LabelsPool pool;
  int64_t max_samples = 0;
  int64_t current_samples = 0;
  DurationMs lookback = 0;
  DurationMs default_subquery_step = 60000;
  int64_t deadline_ns = std::numeric_limits<int64_t>::max();  // MonotonicNs() deadline
  const std::atomic<bool>* cancel = nullptr;
  std::vector<std::string> warnings;
  // The query's time range, used for select hints.
  TimestampMs query_start = 0, query_end = 0;
  int64_t query_step = 0;

  // Throws a timeout or cancellation error when due.
  void CheckDone();
  // The same, reading the clock only every 64th call (for per-series loops).
  void CheckDoneSometimes() {
    if ((++check_calls_ & 63) == 0) CheckDone();
  }
  // Selects (once per selector node) the series of `vs`.
  const SelectedSeries& Select(const parser::VectorSelector& vs, TimestampMs mint, TimestampMs maxt,
                               DurationMs range);
  // Reads the samples of `s` in [mint, maxt] (stale markers included) into `out`.
  void LoadSamples(const storage::Series& s, TimestampMs mint, TimestampMs maxt,
                   std::vector<Point>* out);

 private:
  std::unordered_map<const parser::VectorSelector*, SelectedSeries> selected_;
  uint32_t check_calls_ = 0;
  std::vector<std::unique_ptr<storage::SeriesSet>> sets_;
};

struct StepArgs {
  TimestampMs ts = 0;
  std::span<IVector> vecs;  // one per argument expression (empty for string arguments)
};
// Computes the output vector of one step into `out` (cleared by the caller).
using StepFn = std::function<void(StepArgs& args, IVector& out)>;
// Computes the `aux` key of an input series of argument `arg`.
using PrepFn = std::function<LabelsRef(size_t arg, LabelsRef metric)>;

// Produces the series of an expression one at a time, so that a consumer (an aggregation) need
// not hold them all: selectors and range-vector functions read storage series by series.
class SeriesStream {
 public:
  virtual ~SeriesStream() = default;
  // The next series (points at step timestamps, at least one) into *out; false at the end.
  virtual bool Next(ISeries* out) = 0;
  // After the last Next: checks over the whole result (throws like evaluation would).
  virtual void Finish() {}
};

// A stream over an already evaluated matrix.
class MatrixStream final : public SeriesStream {
 public:
  explicit MatrixStream(IMatrix m) : m_(std::move(m)) {}
  bool Next(ISeries* out) override {
    if (i_ >= m_.size()) return false;
    *out = std::move(m_[i_++]);
    return true;
  }

 private:
  IMatrix m_;
  size_t i_ = 0;
};

class MatrixCallStream;

class Evaluator {
 public:
  Evaluator(QueryContext& ctx, TimestampMs start, TimestampMs end, int64_t interval)
      : ctx_(ctx), start_(start), end_(end), interval_(interval) {}

  // Evaluates an expression of any type but string.
  IMatrix Eval(const parser::Expr& e);

  TimestampMs start() const { return start_; }
  TimestampMs end() const { return end_; }
  int64_t interval() const { return interval_; }
  int64_t NumSteps() const { return (end_ - start_) / interval_ + 1; }

 private:
  IMatrix EvalAggregate(const parser::AggregateExpr& agg);
  IMatrix EvalCall(const parser::Call& call);
  IMatrix EvalMatrixCall(const parser::Call& call, size_t matrix_arg);
  std::unique_ptr<MatrixCallStream> MakeMatrixCallStream(const parser::Call& call,
                                                         size_t matrix_arg);
  // The series of `e`, streamed when it is a selector or a range-vector function.
  std::unique_ptr<SeriesStream> Stream(const parser::Expr& e);
  // sum/avg/min/max/count/group/stddev/stdvar/topk/bottomk consume their argument series by
  // series; null when `agg` needs the per-step path.
  std::optional<IMatrix> EvalAggregateStreaming(const parser::AggregateExpr& agg,
                                                const std::vector<std::string>& grouping);
  IMatrix EvalTimestampOfSelector(const parser::Call& call, const parser::VectorSelector& vs);
  IMatrix EvalBinary(const parser::BinaryExpr& b);
  IMatrix EvalUnary(const parser::UnaryExpr& u);
  IMatrix EvalVectorSelector(const parser::VectorSelector& vs);
  IMatrix EvalMatrixSelector(const parser::MatrixSelector& ms);
  IMatrix EvalSubquery(const parser::SubqueryExpr& sq);
  IMatrix EvalStepInvariant(const parser::StepInvariantExpr& si);
  IMatrix EvalNumber(double v);

  // Evaluates the non-string expressions, then calls `fn` for every step.
  IMatrix RangeEval(std::span<const parser::Expr* const> exprs, const PrepFn& prep,
                    const StepFn& fn);
  // The step loop over already evaluated argument matrices.
  IMatrix StepLoop(std::vector<IMatrix>& mats, const PrepFn& prep, const StepFn& fn,
                   int64_t original_samples);

  // The offset to apply to a selector or subquery, folding its @ into it relative to this
  // evaluator's start (Prometheus's setOffsetForAtModifier).
  DurationMs EffectiveOffset(const parser::TimeModifiers& m) const;

  QueryContext& ctx_;
  TimestampMs start_, end_;
  int64_t interval_;
};

// Removes ParenExpr and StepInvariantExpr wrappers (in Prometheus's order: parens, one step
// invariant, parens).
const parser::Expr& Unwrap(const parser::Expr& e);
const parser::Expr& UnwrapParens(const parser::Expr& e);

// The labels absent()/absent_over_time() report for an argument: those of equality matchers
// used once, except __name__.
Labels AbsentLabels(const parser::Expr& arg);

// Go's labels.String(): {a="b", c="d"}.
std::string GoLabelsString(const Labels& l);

}  // namespace vigie::promql::internal
