// Writes metric families in the Prometheus text format 0.0.4 or OpenMetrics 1.0.
// Streaming: append one family at a time to an output string, then Finish().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "expfmt/metric_family.h"

namespace vigie::expfmt {

class Writer {
 public:
  Writer(Format format, std::string* out) : format_(format), out_(out) {}

  // HELP/TYPE(/UNIT) lines for a family; call before its samples.
  void BeginFamily(std::string_view name, MetricType type, std::string_view help,
                   std::string_view unit = {});
  // One sample line. `labels` must not contain __name__; `name` is the full sample name.
  // Numbers are written so they parse back to the same double (NaN, +Inf, -Inf spelled out).
  void WriteSample(std::string_view name, const Labels& labels, double value,
                   std::optional<int64_t> timestamp_ms = std::nullopt);
  // Same, with extra label pairs appended after `labels` (e.g. le="0.5", quantile="0.9").
  void WriteSample(std::string_view name, const Labels& labels, std::string_view extra_name,
                   std::string_view extra_value, double value,
                   std::optional<int64_t> timestamp_ms = std::nullopt);
  void WriteFamily(const MetricFamily& family);
  // OpenMetrics: writes "# EOF". Text 0.0.4: nothing.
  void Finish();

 private:
  // HELP/TYPE(/UNIT) lines under `meta_name` as given (already the format's spelling).
  void WriteMetadata(std::string_view meta_name, MetricType type, std::string_view help,
                     std::string_view unit);
  Format format_;
  std::string* out_;
  std::string name_scratch_;  // WriteFamily's family name, reused
};

// The name (into *name) and type on a family's HELP/TYPE lines as WriteFamily writes them in
// `format`: a counter's name loses its _total in OpenMetrics (or gains it in 0.0.4 when its
// samples carry it), and a counter whose samples do not fit OpenMetrics is written there as
// unknown, named after its samples. Two families must not share a written name in one
// exposition.
MetricType WrittenAs(const MetricFamily& family, Format format, std::string* name);

// Whether `sample` is named as a counter family's `_total` samples: "x_total" for a family
// named "x_total" (as 0.0.4 names it) and for one named "x" (as OpenMetrics does).
bool IsCounterTotalSample(std::string_view sample, std::string_view family);

// Writes all families and finishes.
std::string WriteAll(const std::vector<MetricFamily>& families, Format format);

// Formats a double as the text formats spell it: shortest round-trip form, "NaN", "+Inf", "-Inf".
void AppendFloat(std::string* out, double v);

// Appends one label as sample lines spell it: name="value" with \\, \" and \n escaped.
void AppendLabelPair(std::string* out, std::string_view name, std::string_view value);

// Appends a sample line's series part and the space before the value: name{a="1",b="2"} (the
// labels in their order, __name__ skipped, values escaped), as WriteSample spells it.
void AppendSeries(std::string* out, std::string_view name, const Labels& labels,
                  std::string_view extra_name = {}, std::string_view extra_value = {});

// Parses a family's encoded_samples into samples (appended to `samples`) and clears it; on a
// parse error the family is left as it was.
Status ExpandEncodedSamples(MetricFamily* family);

}  // namespace vigie::expfmt
