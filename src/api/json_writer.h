// A streaming JSON writer that spells everything the way Prometheus 2.42's HTTP API does
// (Go's encoding/json and jsoniter with ConfigCompatibleWithStandardLibrary), so that clients
// comparing bytes or parsing loosely see the same output:
//   - strings escape ", \, control characters (\n \r \t short, the rest \u00XX), the HTML
//     characters < > & as \u003c \u003e \u0026, U+2028/U+2029, and replace invalid UTF-8 by
//     \ufffd;
//   - JSON numbers (durations, counts) use Go's float format: shortest round-trip digits, plain
//     notation unless |v| < 1e-6 or |v| >= 1e21 (then 1e-7, 1.5e+21);
//   - sample values are strings: "1", "0.1", "NaN", "+Inf", "-Inf", plain notation between
//     1e-6 and 1e21 and Go's exponent form outside (jsonutil.MarshalValue);
//   - sample timestamps are seconds with up to three decimals: 1435781451.781, 1435781451.78 is
//     written 1435781451.780 as Prometheus does (jsonutil.MarshalTimestamp);
//   - wall-clock times are RFC 3339 with trailing zeros of the fraction removed (Go's
//     time.Time).
//
// Output goes to an internal buffer; with a sink set, the buffer is handed to the sink each
// time it grows past the flush threshold (at a value boundary), so a large query result
// streams out in pieces instead of being built as one string.
// Not thread-safe: one writer per response.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/time.h"
#include "storage/value.h"

namespace vigie::api {

class JsonWriter {
 public:
  // Receives a piece of output; returns false when the receiver is gone (the writer then
  // discards further output and failed() turns true).
  using Sink = std::function<bool(std::string_view)>;

  JsonWriter() = default;
  explicit JsonWriter(Sink sink, size_t flush_bytes = 64 * 1024)
      : sink_(std::move(sink)), flush_bytes_(flush_bytes) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // An object key; the next call writes its value.
  void Key(std::string_view key);

  void String(std::string_view s);
  void Bool(bool b);
  void Null();
  void Int(int64_t v);
  void Uint(uint64_t v);
  // A JSON number as Go's encoding/json writes a float64 (NaN and Inf are written as null:
  // Go refuses them; no endpoint here produces them).
  void Double(double v);
  // A sample value as a string, jsonutil.MarshalValue style.
  void SampleValue(double v);
  // A sample timestamp (ms) as fractional seconds, jsonutil.MarshalTimestamp style.
  void Timestamp(TimestampMs t);
  // A matrix series' values: [[t,"v"],...] with Timestamp's and SampleValue's spelling, written
  // in one pass (the bulk of a range query's answer).
  void SamplePairs(std::span<const storage::Sample> points);
  // A wall-clock time as an RFC 3339 string; 0 is Go's zero time "0001-01-01T00:00:00Z".
  void Time(TimestampMs t);
  // A label set as an object {"name": "value", ...} in label order.
  void LabelsObject(const Labels& labels);
  // Pre-encoded JSON inserted as a value.
  void RawValue(std::string_view json);

  // Hands what is buffered to the sink if it is over the threshold (called automatically
  // after each value; callers may call it at natural boundaries too).
  void MaybeFlush();
  // Hands everything buffered to the sink (when there is one).
  void Flush();

  // The buffered output (everything, when there is no sink).
  std::string& buffer() { return out_; }
  std::string Take() { return std::move(out_); }
  bool flushed_any() const { return flushed_any_; }
  bool failed() const { return failed_; }

 private:
  void BeforeValue();

  std::string out_;
  Sink sink_;
  size_t flush_bytes_ = 64 * 1024;
  // One entry per open object/array: true until its first element is written.
  std::vector<bool> first_;
  bool after_key_ = false;
  bool flushed_any_ = false;
  bool failed_ = false;
};

// Formatting helpers (exposed for tests and for the few places that build strings).

// Go's strconv.FormatFloat(v, fmt, -1, 64) for fmt 'f' or 'e': shortest digits that read back
// to v; "NaN", "+Inf", "-Inf".
void AppendGoFloat(std::string* out, double v, char fmt);
// jsonutil.MarshalValue without the quotes.
void AppendSampleValue(std::string* out, double v);
// Go encoding/json's float64 number.
void AppendJsonNumber(std::string* out, double v);
// jsonutil.MarshalTimestamp.
void AppendTimestamp(std::string* out, TimestampMs t);
// Go's time.Time in RFC 3339 with nanoseconds, UTC, trailing zeros trimmed.
std::string FormatGoTime(TimestampMs t);
// A JSON string literal with Go's escaping (quotes included).
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace vigie::api
