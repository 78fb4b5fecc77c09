// Request parameters of the HTTP API, parsed exactly as Prometheus 2.42 parses them
// (web/api/v1/api.go): times, durations, match[] selectors, and the API's error kinds with
// their HTTP status codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "net/params.h"
#include "storage/matcher.h"

namespace vigie::api {

// errorType values of the JSON envelope.
enum class ErrorType {
  kBadData,
  kExecution,
  kTimeout,
  kCanceled,
  kInternal,
  kUnavailable,
  kNotFound
};
std::string_view ErrorTypeName(ErrorType t);
// 400 bad_data, 422 execution, 503 timeout/canceled/unavailable, 500 internal, 404 not_found.
int ErrorTypeStatus(ErrorType t);

struct ApiError {
  ErrorType type;
  std::string message;
};

// Maps a vigie error to the API's error kind the way Prometheus maps engine errors:
// timeout -> timeout, canceled -> canceled, I/O and corruption -> internal, the rest execution.
ApiError FromStatus(const Error& err);

// The bounds Prometheus uses for "no start" and "no end": min/max time that still fit int64
// nanoseconds-style arithmetic in Go, in milliseconds.
inline constexpr TimestampMs kMinTime = -9223309901257974000LL;
inline constexpr TimestampMs kMaxTime = 9223309901257974999LL;

// A time parameter: Unix seconds as a float ("1435781451.781", "1e9") rounded to the
// millisecond, or RFC 3339 ("2015-07-01T20:10:51.781Z", any fraction, Z or +hh:mm), or the
// textual min/max bounds client libraries send. Error: `cannot parse "x" to a valid timestamp`.
Result<TimestampMs> ParseTime(std::string_view s);

// A duration parameter (step, timeout): float seconds ("15", "0.5") or a Prometheus duration
// ("1m30s"), in nanoseconds as Go's time.Duration. Errors: `cannot parse "x" to a valid
// duration`, `cannot parse "x" to a valid duration. It overflows int64`.
Result<int64_t> ParseDurationNs(std::string_view s);

// parseTimeParam: the named form value, or `fallback` when absent or empty. The error message
// is the whole API error: `invalid parameter "time": Invalid time value for 'time': cannot
// parse "x" to a valid timestamp` (bad_data).
Result<TimestampMs> TimeParam(const net::Params& form, std::string_view name, TimestampMs fallback);

// Parses each match[] selector; every set must hold a matcher that does not match "" (error:
// "match[] must contain at least one non-empty matcher"). Parse errors are returned as the
// parser words them.
Result<std::vector<storage::Matchers>> ParseMatchers(const std::vector<std::string_view>& exprs);

// Converts parser matchers (one selector) into storage matchers.
Result<storage::Matchers> ParseSelector(std::string_view expr);

}  // namespace vigie::api
