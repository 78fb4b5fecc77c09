// Time in vigie is int64 milliseconds since the Unix epoch, as in Prometheus.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vigie {

using TimestampMs = int64_t;
using DurationMs = int64_t;

TimestampMs NowMs();
// Monotonic clock in nanoseconds, for measuring durations.
int64_t MonotonicNs();

// Prometheus duration strings: "1h30m", "5m", "15s", "100ms", "2d", "1w", "1y", "0".
// Units in order y, w, d, h, m, s, ms, each at most once; overflow and garbage are errors.
Result<DurationMs> ParseDuration(std::string_view s);
// The canonical form Prometheus prints: largest units first, "0s" for zero, e.g. "1h30m".
std::string FormatDuration(DurationMs d);

// Seconds with fraction (Prometheus API style "1435781451.781") to ms; also accepts RFC 3339.
Result<TimestampMs> ParseTimestamp(std::string_view s);
// RFC 3339 with milliseconds in UTC, e.g. "2026-11-24T03:14:35.123Z".
std::string FormatRfc3339(TimestampMs t);

}  // namespace vigie
