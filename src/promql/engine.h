// The PromQL engine: evaluates instant and range queries over a storage::Queryable with the
// semantics of Prometheus 2.42 (lookback delta, staleness markers, offset and @, subqueries,
// vector matching, every function and aggregation).
//
//   promql::Engine engine({});                       // defaults as Prometheus's flags
//   auto r = engine.RangeQuery(db, "sum(rate(http_requests_total[5m]))", start, end, 60'000);
//   if (!r.ok()) return ErrorTypeName(ClassifyError(r.error()));   // "bad_data", ...
//   const auto& m = std::get<promql::Matrix>(r->value);
//
// Errors (Result's Error) and how the HTTP API should report them (Prometheus's errorType):
//   ErrorCode::kInvalidArgument -> bad_data   parse and type errors ("1:8: parse error: ..."),
//                                             bad ranges or steps; HTTP 400
//   ErrorCode::kTimeout         -> timeout    "query timed out in expression evaluation" (or
//                                             "in query queue" while waiting for a slot); 503
//   ErrorCode::kCanceled        -> canceled   "query was canceled in expression evaluation"; 503
//   ErrorCode::kIo, kCorruption, kInternal
//                               -> internal   storage failures; 500
//   anything else               -> execution  the query is valid but cannot be evaluated on this
//                                             data: "vector cannot contain metrics with the same
//                                             labelset", many-to-one matching errors, "query
//                                             processing would load too many samples into memory
//                                             in query execution" (kResourceExhausted), bad
//                                             function arguments (kOutOfRange); HTTP 422
//
// Thread safety: an Engine is shared by all threads; queries run concurrently, at most
// max_concurrency at once (the others wait, and the wait counts against their timeout). A
// query reads the Queryable through one Querier created for it and holds no lock while
// evaluating. Memory: every point a query holds at once counts against max_samples, so one
// query cannot exhaust memory with samples.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"
#include "promql/parser/ast.h"
#include "promql/value.h"
#include "storage/querier.h"

namespace vigie::instrument {
class Registry;
class Gauge;
class Counter;
class Histogram;
}  // namespace vigie::instrument

namespace vigie::promql {

struct EngineOptions {
  // --query.max-samples: points one query may hold in memory at once.
  int64_t max_samples = 50'000'000;
  // --query.timeout, including the time spent waiting for a slot.
  DurationMs timeout = 2 * 60 * 1000;
  // --query.max-concurrency.
  int max_concurrency = 20;
  // --query.lookback-delta: how far back an instant selector looks for a sample.
  DurationMs lookback_delta = 5 * 60 * 1000;
  // Step of subqueries written without one (`x[1h:]`): Prometheus uses the global
  // evaluation_interval (1m by default).
  DurationMs default_subquery_step = 60 * 1000;
};

struct QueryOptions {
  // Overrides EngineOptions::lookback_delta when > 0.
  DurationMs lookback_delta = 0;
  // When set and it becomes true, the query stops with a kCanceled error (checked between
  // evaluation steps). Must outlive the call.
  const std::atomic<bool>* cancel = nullptr;
};

// Prometheus's API errorType values.
enum class ErrorType { kBadData, kExecution, kTimeout, kCanceled, kInternal };
// "bad_data", "execution", "timeout", "canceled", "internal".
std::string_view ErrorTypeName(ErrorType t);
// Maps an error returned by the engine to its errorType (see the table above).
ErrorType ClassifyError(const Error& e);

class Engine {
 public:
  // `registry` may be null; when given, prometheus_engine_* metrics are registered on it (the
  // registry must outlive the engine).
  explicit Engine(EngineOptions opts = {}, instrument::Registry* registry = nullptr);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Evaluates `query` at time `t` (ms). The result is a Scalar, String, Vector (samples
  // stamped `t`) or Matrix (for a range selector or subquery).
  Result<QueryResult> InstantQuery(storage::Queryable& queryable, std::string_view query,
                                   TimestampMs t, const QueryOptions& opts = {});
  // Evaluates `query` at start, start+step, ... <= end. The result is always a Matrix sorted by
  // label set (a scalar query gives one series without labels). Only scalar and instant-vector
  // expressions are allowed; step must be > 0 and end >= start.
  Result<QueryResult> RangeQuery(storage::Queryable& queryable, std::string_view query,
                                 TimestampMs start, TimestampMs end, DurationMs step,
                                 const QueryOptions& opts = {});

  // The same for an already parsed expression (rule evaluation parses once). `expr` is not
  // modified.
  Result<QueryResult> InstantQuery(storage::Queryable& queryable, const parser::Expr& expr,
                                   TimestampMs t, const QueryOptions& opts = {});
  Result<QueryResult> RangeQuery(storage::Queryable& queryable, const parser::Expr& expr,
                                 TimestampMs start, TimestampMs end, DurationMs step,
                                 const QueryOptions& opts = {});

  const EngineOptions& options() const { return opts_; }

 private:
  struct Metrics;
  Result<QueryResult> Exec(storage::Queryable& queryable, const parser::Expr& expr,
                           TimestampMs start, TimestampMs end, DurationMs step, bool instant,
                           const QueryOptions& opts);

  const EngineOptions opts_;
  std::unique_ptr<Metrics> metrics_;
  std::mutex mu_;
  std::condition_variable slot_free_;
  int running_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace vigie::promql
