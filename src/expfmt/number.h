// Number syntax of the text formats, shared by the parser and its tests.
#pragma once

#include <cstdint>
#include <string_view>

namespace vigie::expfmt {

enum class NumberStatus { kOk, kSyntax, kOutOfRange };

// A sample value as Prometheus reads it (Go's strconv.ParseFloat minus hex floats and
// underscores): [+-]digits[.digits][(e|E)[+-]digits] (".5" and "5." included), Inf/Infinity with
// an optional sign and NaN without one, both case-insensitive. Overflow is kOutOfRange; underflow
// rounds to (signed) zero as in Go.
NumberStatus ParseFloatValue(std::string_view s, double* out);

// A 0.0.4 timestamp: milliseconds as decimal digits with an optional '-', fits int64.
// (Prometheus's scrape lexer takes digits only; client_golang's parser, which promtool uses,
// takes a sign; we take '-' so that every OpenMetrics timestamp can be written as 0.0.4.)
NumberStatus ParseTimestampMs(std::string_view s, int64_t* out);

// An OpenMetrics timestamp: a float in seconds (not NaN or Inf), converted to milliseconds
// truncated toward zero like Prometheus; decimal text is converted exactly, not via a double.
NumberStatus ParseTimestampSeconds(std::string_view s, int64_t* out_ms);

}  // namespace vigie::expfmt
