// The exposition data model shared by the parser, the writer and instrument/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"

namespace vigie::expfmt {

enum class MetricType {
  kUnknown,  // "untyped" in 0.0.4, "unknown" in OpenMetrics
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateSet,
};

std::string_view MetricTypeName(MetricType t, bool openmetrics);

enum class Format {
  kText004,       // text/plain; version=0.0.4
  kOpenMetrics1,  // application/openmetrics-text; version=1.0.0
};

// Content-Type header value for a format, with charset.
std::string_view ContentType(Format f);
// Picks the format a client asked for in its Accept header (OpenMetrics only when asked).
Format NegotiateFormat(std::string_view accept_header);
// Detects the format of a scrape response from its Content-Type (text 0.0.4 when unknown).
Format FormatFromContentType(std::string_view content_type);

struct Sample {
  // Full series labels, including __name__ with any suffix (_total, _bucket, _sum, ...).
  Labels labels;
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

struct MetricFamily {
  std::string name;  // family name without suffixes (OpenMetrics: counters without _total)
  MetricType type = MetricType::kUnknown;
  std::string help;
  std::string unit;  // OpenMetrics only
  std::vector<Sample> samples;
  // More samples, already in exposition text: lines "name{labels} value\n" as the writer
  // spells them (AppendSeries + AppendFloat), which text 0.0.4 and OpenMetrics 1.0 share; no
  // timestamps; counter samples named <name>_total. The writer appends them after `samples`.
  // For producers that keep each series' encoded name and labels between scrapes instead of
  // rebuilding label sets; ExpandEncodedSamples turns them into `samples` for other consumers.
  std::string encoded_samples;
};

}  // namespace vigie::expfmt

namespace vigie::expfmt {

// True if a sample named `sample_name` belongs to family `family` of type `type`: the family
// name itself, or the family name plus a suffix the type allows (see ParseAll in parser.h).
bool IsSampleOfFamily(std::string_view sample_name, std::string_view family, MetricType type);

}  // namespace vigie::expfmt
