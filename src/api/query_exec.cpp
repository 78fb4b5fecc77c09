// Evaluation through promql::Engine and rendering of its values (see query_exec.h).
#include "api/query_exec.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "promql/engine.h"
#include "promql/parser/parser.h"

namespace vigie::api {

namespace {

// Cancels a query when a per-request timeout (the "timeout" parameter) expires; the engine's
// own --query.timeout applies as well. Prometheus reports both as a timeout.
class Deadline {
 public:
  explicit Deadline(int64_t timeout_ms) {
    if (timeout_ms < 0) {
      cancel_ = true;
      fired_ = true;
      return;
    }
    if (timeout_ms == 0) return;
    thread_ = std::thread([this, timeout_ms] {
      std::unique_lock l(mu_);
      if (!cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [this] { return done_; })) {
        fired_ = true;
        cancel_ = true;
      }
    });
  }
  ~Deadline() {
    if (thread_.joinable()) {
      {
        std::lock_guard l(mu_);
        done_ = true;
      }
      cv_.notify_all();
      thread_.join();
    }
  }
  const std::atomic<bool>* flag() const { return &cancel_; }
  bool fired() const { return fired_; }

 private:
  std::atomic<bool> cancel_{false};
  std::atomic<bool> fired_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

ErrorType FromEngine(promql::ErrorType t) {
  switch (t) {
    case promql::ErrorType::kBadData:
      return ErrorType::kBadData;
    case promql::ErrorType::kExecution:
      return ErrorType::kExecution;
    case promql::ErrorType::kTimeout:
      return ErrorType::kTimeout;
    case promql::ErrorType::kCanceled:
      return ErrorType::kCanceled;
    case promql::ErrorType::kInternal:
      return ErrorType::kInternal;
  }
  return ErrorType::kInternal;
}

void WriteVector(JsonWriter& w, const promql::Vector& vec) {
  w.BeginArray();
  for (const auto& s : vec) {
    w.BeginObject();
    w.Key("metric");
    w.LabelsObject(s.metric);
    w.Key("value");
    w.BeginArray();
    w.Timestamp(s.t);
    w.SampleValue(s.v);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

void WriteMatrix(JsonWriter& w, const promql::Matrix& m) {
  w.BeginArray();
  for (const auto& s : m) {
    w.BeginObject();
    w.Key("metric");
    w.LabelsObject(s.metric);
    if (!s.points.empty()) {  // Prometheus writes "values" only when there are points
      w.Key("values");
      w.SamplePairs(s.points);
    }
    w.EndObject();
  }
  w.EndArray();
}

// promql.Scalar/String marshal through encoding/json: the time as a float number of seconds,
// a scalar's value formatted 'f' (never with an exponent).
void WriteScalarLike(JsonWriter& w, TimestampMs t, std::string_view text) {
  std::string raw = "[";
  AppendJsonNumber(&raw, static_cast<double>(t) / 1000.0);
  raw.push_back(',');
  AppendJsonString(&raw, text);
  raw.push_back(']');
  w.RawValue(raw);
}

}  // namespace

void WriteQueryResult(JsonWriter& w, const promql::QueryResult& r) {
  w.BeginObject();
  w.Key("resultType");
  w.String(promql::ValueKindName(r.kind()));
  w.Key("result");
  std::visit(
      [&w](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, promql::Vector>) {
          WriteVector(w, v);
        } else if constexpr (std::is_same_v<T, promql::Matrix>) {
          WriteMatrix(w, v);
        } else if constexpr (std::is_same_v<T, promql::Scalar>) {
          std::string value;
          AppendGoFloat(&value, v.v, 'f');
          WriteScalarLike(w, v.t, value);
        } else {
          WriteScalarLike(w, v.t, v.v);
        }
      },
      r.value);
  w.EndObject();
}

ApiResult ExecQuery(const ApiOptions& options, const QuerySpec& spec) {
  if (options.engine == nullptr) {
    return ApiResult::Error(ErrorType::kInternal, "no query engine is configured");
  }
  auto expr = promql::parser::ParseExpr(spec.query);
  if (!expr.ok()) {
    // Instant queries report the parameter (invalidParamError), range queries the bare error.
    return ApiResult::Error(ErrorType::kBadData,
                            spec.instant ? "invalid parameter \"query\": " + expr.error().message()
                                         : expr.error().message());
  }
  Deadline deadline(spec.timeout_ms);
  promql::QueryOptions qopts;
  qopts.cancel = deadline.flag();
  auto result = spec.instant
                    ? options.engine->InstantQuery(*options.queryable, **expr, spec.start, qopts)
                    : options.engine->RangeQuery(*options.queryable, **expr, spec.start, spec.end,
                                                 spec.step_ms, qopts);
  if (!result.ok()) {
    ErrorType type = FromEngine(promql::ClassifyError(result.error()));
    if (type == ErrorType::kCanceled && deadline.fired()) {
      // An already expired timeout ("0s") never leaves the queue, as in Prometheus.
      return ApiResult::Error(ErrorType::kTimeout,
                              spec.timeout_ms < 0 ? "query timed out in query queue"
                                                  : "query timed out in expression evaluation");
    }
    return ApiResult::Error(type, result.error().message());
  }
  auto shared = std::make_shared<promql::QueryResult>(std::move(result).value());
  std::vector<std::string> warnings = shared->warnings;
  return ApiResult::Data([shared](JsonWriter& w) { WriteQueryResult(w, *shared); },
                         std::move(warnings));
}

}  // namespace vigie::api
