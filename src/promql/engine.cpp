#include "promql/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "instrument/registry.h"
#include "promql/evaluator.h"
#include "promql/parser/parser.h"
#include "promql/parser/preprocess.h"

namespace vigie::promql {

using internal::EvalError;
using internal::Evaluator;
using internal::IMatrix;
using internal::QueryContext;

std::string_view ValueKindName(ValueKind k) {
  switch (k) {
    case ValueKind::kScalar:
      return "scalar";
    case ValueKind::kString:
      return "string";
    case ValueKind::kVector:
      return "vector";
    case ValueKind::kMatrix:
      return "matrix";
  }
  return "";
}

std::string_view ErrorTypeName(ErrorType t) {
  switch (t) {
    case ErrorType::kBadData:
      return "bad_data";
    case ErrorType::kExecution:
      return "execution";
    case ErrorType::kTimeout:
      return "timeout";
    case ErrorType::kCanceled:
      return "canceled";
    case ErrorType::kInternal:
      return "internal";
  }
  return "";
}

ErrorType ClassifyError(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kInvalidArgument:
      return ErrorType::kBadData;
    case ErrorCode::kTimeout:
      return ErrorType::kTimeout;
    case ErrorCode::kCanceled:
      return ErrorType::kCanceled;
    case ErrorCode::kIo:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal:
      return ErrorType::kInternal;
    default:
      return ErrorType::kExecution;
  }
}

struct Engine::Metrics {
  instrument::Gauge* queries = nullptr;
  instrument::Histogram* queue_time = nullptr;
  instrument::Histogram* inner_eval = nullptr;
};

Engine::Engine(EngineOptions opts, instrument::Registry* registry)
    : opts_(opts), metrics_(std::make_unique<Metrics>()) {
  if (registry == nullptr) return;
  // Registration fails only when another engine already registered these names on the same
  // registry; that engine's metrics then stay the only ones exposed.
  if (auto g = registry->RegisterGauge({.name = "prometheus_engine_queries",
                                        .help = "The current number of queries being executed "
                                                "or waiting."});
      g.ok()) {
    metrics_->queries = &(*g)->WithLabelValues({});
  }
  (void)registry->RegisterCallbackGauge(
      {.name = "prometheus_engine_queries_concurrent_max",
       .help = "The max number of concurrent queries."},
      [n = opts_.max_concurrency] { return static_cast<double>(n); });
  if (auto h = registry->RegisterHistogram({.name = "prometheus_engine_query_duration_seconds",
                                            .help = "Query timings",
                                            .label_names = {"slice"}},
                                           instrument::ExponentialBuckets(0.0001, 4, 10));
      h.ok()) {
    metrics_->queue_time = &(*h)->WithLabelValues({"queue_time"});
    metrics_->inner_eval = &(*h)->WithLabelValues({"inner_eval"});
  }
}

Engine::~Engine() = default;

Result<QueryResult> Engine::InstantQuery(storage::Queryable& queryable, std::string_view query,
                                         TimestampMs t, const QueryOptions& opts) {
  VIGIE_ASSIGN_OR_RETURN(parser::ExprPtr e, parser::ParseExpr(query));
  return Exec(queryable, *e, t, t, 0, true, opts);
}

Result<QueryResult> Engine::InstantQuery(storage::Queryable& queryable, const parser::Expr& expr,
                                         TimestampMs t, const QueryOptions& opts) {
  return Exec(queryable, expr, t, t, 0, true, opts);
}

Result<QueryResult> Engine::RangeQuery(storage::Queryable& queryable, std::string_view query,
                                       TimestampMs start, TimestampMs end, DurationMs step,
                                       const QueryOptions& opts) {
  VIGIE_ASSIGN_OR_RETURN(parser::ExprPtr e, parser::ParseExpr(query));
  return RangeQuery(queryable, *e, start, end, step, opts);
}

Result<QueryResult> Engine::RangeQuery(storage::Queryable& queryable, const parser::Expr& expr,
                                       TimestampMs start, TimestampMs end, DurationMs step,
                                       const QueryOptions& opts) {
  const parser::ValueType t = expr.Type();
  if (t != parser::ValueType::kVector && t != parser::ValueType::kScalar) {
    return InvalidArgument("invalid expression type \"" + std::string(parser::DocumentedType(t)) +
                           "\" for range query, must be Scalar or instant Vector");
  }
  if (end < start) return InvalidArgument("end timestamp must not be before start time");
  if (step <= 0) {
    return InvalidArgument(
        "zero or negative query resolution step widths are not accepted. Try a positive "
        "integer");
  }
  if ((end - start) / step + 1 > opts_.max_samples) {
    return ResourceExhausted(internal::kErrTooManySamples);
  }
  return Exec(queryable, expr, start, end, step, false, opts);
}

namespace {

// The time range every selector of the query may read, as Prometheus's findMinMaxTime: the
// querier is opened over the union.
std::pair<TimestampMs, TimestampMs> FindMinMaxTime(const parser::Expr& root, TimestampMs start,
                                                   TimestampMs end, DurationMs lookback) {
  TimestampMs min_t = std::numeric_limits<TimestampMs>::max();
  TimestampMs max_t = std::numeric_limits<TimestampMs>::min();
  auto visit = [&](const parser::TimeModifiers& m, DurationMs eval_range,
                   const std::vector<const parser::Expr*>& path) {
    DurationMs subq_offset = 0, subq_range = 0;
    std::optional<TimestampMs> subq_at;
    for (const parser::Expr* n : path) {
      const auto* sq = n->As<parser::SubqueryExpr>();
      if (sq == nullptr) continue;
      subq_offset += sq->modifiers.offset;
      subq_range += sq->range;
      if (sq->modifiers.at) {
        subq_offset = sq->modifiers.offset;
        subq_range = sq->range;
        subq_at = sq->modifiers.at;
      }
    }
    TimestampMs s = start, e = end;
    if (subq_at) s = e = *subq_at;
    if (m.at) {
      s = e = *m.at;
    } else {
      s = s - subq_offset - subq_range;
      e = e - subq_offset;
    }
    s -= eval_range == 0 ? lookback : eval_range;
    s -= m.offset;
    e -= m.offset;
    min_t = std::min(min_t, s);
    max_t = std::max(max_t, e);
  };
  parser::Inspect(root, [&](const parser::Expr& n, const std::vector<const parser::Expr*>& path) {
    if (const auto* vs = n.As<parser::VectorSelector>()) visit(vs->modifiers, 0, path);
    if (const auto* ms = n.As<parser::MatrixSelector>()) {
      visit(ms->selector.modifiers, ms->range, path);
    }
    return true;
  });
  if (max_t == std::numeric_limits<TimestampMs>::min()) return {0, 0};
  return {min_t, max_t};
}

// Final results hold each label set once, so the labels move out of the query's pool.
Matrix ToMatrix(IMatrix&& m, internal::LabelsPool& pool) {
  Matrix out;
  out.reserve(m.size());
  for (auto& s : m) out.push_back({pool.Release(s.metric), std::move(s.points)});
  return out;
}

}  // namespace

Result<QueryResult> Engine::Exec(storage::Queryable& queryable, const parser::Expr& expr,
                                 TimestampMs start, TimestampMs end, DurationMs step, bool instant,
                                 const QueryOptions& qopts) {
  const int64_t t0 = MonotonicNs();
  const int64_t deadline_ns = t0 + opts_.timeout * 1'000'000;
  if (metrics_->queries) metrics_->queries->Inc();
  {
    std::unique_lock lk(mu_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(opts_.timeout);
    const int limit = std::max(1, opts_.max_concurrency);
    bool got = slot_free_.wait_until(
        lk, deadline, [&] { return running_ < limit || (qopts.cancel && qopts.cancel->load()); });
    if (!got || (qopts.cancel && qopts.cancel->load())) {
      if (metrics_->queries) metrics_->queries->Dec();
      if (got) return Error(ErrorCode::kCanceled, "query was canceled in query queue");
      return Timeout("query timed out in query queue");
    }
    ++running_;
  }
  struct Release {
    Engine* e;
    ~Release() {
      {
        std::lock_guard lk(e->mu_);
        --e->running_;
      }
      e->slot_free_.notify_one();
      if (e->metrics_->queries) e->metrics_->queries->Dec();
    }
  } release{this};
  const int64_t t_queued = MonotonicNs();
  if (metrics_->queue_time) metrics_->queue_time->Observe((t_queued - t0) / 1e9);

  parser::ExprPtr e = parser::PreprocessExpr(parser::Clone(expr), start, end);
  const DurationMs lookback =
      qopts.lookback_delta > 0 ? qopts.lookback_delta : opts_.lookback_delta;
  auto [mint, maxt] = FindMinMaxTime(*e, start, end, lookback);
  auto querier = queryable.NewQuerier(mint, maxt);
  if (!querier.ok()) {
    const Error& err = querier.error();
    return Error(err.code() == ErrorCode::kInvalidArgument ? ErrorCode::kInternal : err.code(),
                 err.message());
  }

  QueryResult result;
  {
    QueryContext ctx;
    ctx.querier = querier->get();
    ctx.max_samples = opts_.max_samples;
    ctx.lookback = lookback;
    ctx.default_subquery_step = opts_.default_subquery_step;
    ctx.deadline_ns = deadline_ns;
    ctx.cancel = qopts.cancel;
    ctx.query_start = start;
    ctx.query_end = end;
    ctx.query_step = instant ? 0 : step;
    try {
      ctx.CheckDone();
      const parser::Expr& top = internal::Unwrap(*e);
      if (const auto* s = top.As<parser::StringLiteral>()) {
        result.value = String{start, s->value};
      } else {
        Evaluator ev(ctx, start, end, instant ? 1 : step);
        IMatrix m = ev.Eval(*e);
        ctx.CheckDone();
        if (!instant) {
          Matrix out = ToMatrix(std::move(m), ctx.pool);
          std::sort(out.begin(), out.end(),
                    [](const Series& a, const Series& b) { return a.metric < b.metric; });
          result.value = std::move(out);
        } else {
          switch (e->Type()) {
            case parser::ValueType::kVector: {
              Vector v;
              v.reserve(m.size());
              for (auto& s : m) v.push_back({ctx.pool.Release(s.metric), start, s.points[0].v});
              result.value = std::move(v);
              break;
            }
            case parser::ValueType::kScalar:
              result.value =
                  Scalar{start, m.empty() || m[0].points.empty() ? std::nan("") : m[0].points[0].v};
              break;
            default:
              result.value = ToMatrix(std::move(m), ctx.pool);
              break;
          }
        }
      }
    } catch (EvalError& err) {
      return std::move(err.error);
    }
    result.warnings = std::move(ctx.warnings);
  }
  if (metrics_->inner_eval) metrics_->inner_eval->Observe((MonotonicNs() - t_queued) / 1e9);
  return result;
}

}  // namespace vigie::promql
