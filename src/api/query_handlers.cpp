// /api/v1/query, /api/v1/query_range and /api/v1/query_exemplars: parameters parsed and
// checked in Prometheus's order with its messages; evaluation in query_exec.cpp.
#include <limits>

#include "api/api_impl.h"
#include "api/query_exec.h"
#include "promql/parser/parser.h"

namespace vigie::api {

namespace {

// Optional per-request timeout ("timeout" form value), in ms; 0 when absent.
Result<int64_t> TimeoutParam(const net::Params& form) {
  std::string_view to = form.GetOr("timeout");
  if (to.empty()) return int64_t{0};
  auto ns = ParseDurationNs(to);
  if (!ns.ok()) return InvalidArgument("invalid parameter \"timeout\": " + ns.error().message());
  // A zero or negative timeout expires at once (Go's context.WithTimeout).
  return *ns <= 0 ? int64_t{-1} : std::max<int64_t>(1, *ns / 1000000);
}

}  // namespace

ApiResult Api::Impl::Query(const net::Params& form) {
  auto ts = TimeParam(form, "time", Now());
  if (!ts.ok()) return ApiResult::Error(ErrorType::kBadData, ts.error().message());
  auto timeout = TimeoutParam(form);
  if (!timeout.ok()) return ApiResult::Error(ErrorType::kBadData, timeout.error().message());
  QuerySpec spec;
  spec.query = std::string(form.GetOr("query"));
  spec.start = spec.end = *ts;
  spec.step_ms = 0;
  spec.timeout_ms = *timeout;
  spec.instant = true;
  return ExecQuery(options_, spec);
}

ApiResult Api::Impl::QueryRange(const net::Params& form) {
  auto start = ParseTime(form.GetOr("start"));
  if (!start.ok()) {
    return ApiResult::Error(ErrorType::kBadData,
                            "invalid parameter \"start\": " + start.error().message());
  }
  auto end = ParseTime(form.GetOr("end"));
  if (!end.ok()) {
    return ApiResult::Error(ErrorType::kBadData,
                            "invalid parameter \"end\": " + end.error().message());
  }
  if (*end < *start) {
    return ApiResult::Error(
        ErrorType::kBadData,
        "invalid parameter \"end\": end timestamp must not be before start time");
  }
  auto step = ParseDurationNs(form.GetOr("step"));
  if (!step.ok()) {
    return ApiResult::Error(ErrorType::kBadData,
                            "invalid parameter \"step\": " + step.error().message());
  }
  // Below a millisecond the engine's step would be zero: refused like a zero step.
  if (*step < 1000000) {
    return ApiResult::Error(ErrorType::kBadData,
                            "invalid parameter \"step\": zero or negative query resolution step "
                            "widths are not accepted. Try a positive integer");
  }
  // end.Sub(start) / step in Go: nanoseconds, saturating at the largest duration.
  __int128 span_ns = static_cast<__int128>(*end - *start) * 1000000;
  if (span_ns > std::numeric_limits<int64_t>::max()) span_ns = std::numeric_limits<int64_t>::max();
  if (span_ns / *step > 11000) {
    return ApiResult::Error(ErrorType::kBadData,
                            "exceeded maximum resolution of 11,000 points per timeseries. Try "
                            "decreasing the query resolution (?step=XX)");
  }
  auto timeout = TimeoutParam(form);
  if (!timeout.ok()) return ApiResult::Error(ErrorType::kBadData, timeout.error().message());
  QuerySpec spec;
  spec.query = std::string(form.GetOr("query"));
  spec.start = *start;
  spec.end = *end;
  spec.step_ms = *step / 1000000;
  spec.timeout_ms = *timeout;
  spec.instant = false;
  return ExecQuery(options_, spec);
}

ApiResult Api::Impl::QueryExemplars(const net::Params& form) {
  auto start = TimeParam(form, "start", kMinTime);
  if (!start.ok()) return ApiResult::Error(ErrorType::kBadData, start.error().message());
  auto end = TimeParam(form, "end", kMaxTime);
  if (!end.ok()) return ApiResult::Error(ErrorType::kBadData, end.error().message());
  if (*end < *start) {
    return ApiResult::Error(ErrorType::kBadData,
                            "end timestamp must not be before start timestamp");
  }
  auto expr = promql::parser::ParseExpr(form.GetOr("query"));
  if (!expr.ok()) return ApiResult::Error(ErrorType::kBadData, expr.error().message());
  // No selector: Prometheus answers 204 No Content.
  if (promql::parser::ExtractSelectors(**expr).empty()) return ApiResult{};
  // vigie keeps no exemplar storage (as Prometheus without --enable-feature=exemplar-storage):
  // every selection is empty.
  return ApiResult::Data([](JsonWriter& w) {
    w.BeginArray();
    w.EndArray();
  });
}

}  // namespace vigie::api
