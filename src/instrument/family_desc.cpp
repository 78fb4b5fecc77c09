// Validation of MetricOpts: names, labels and units, with errors that name the metric.
#include <algorithm>

#include "instrument/family.h"

namespace vigie::instrument {
namespace {

constexpr std::string_view kTotal = "_total";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsValidUnit(std::string_view unit) {
  if (unit.empty()) return false;
  return std::all_of(unit.begin(), unit.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Status CheckLabelName(const std::string& metric, std::string_view label, expfmt::MetricType type) {
  if (!IsValidLabelName(label)) {
    return InvalidArgument("metric " + metric + ": invalid label name \"" +
                           EscapeLabelValue(label) + "\" (must match [a-zA-Z_][a-zA-Z0-9_]*)");
  }
  if (label.substr(0, 2) == "__") {
    return InvalidArgument("metric " + metric + ": label name \"" + std::string(label) +
                           "\" is reserved (names starting with __ are internal)");
  }
  if (type == expfmt::MetricType::kHistogram && label == "le") {
    return InvalidArgument("metric " + metric +
                           ": label name \"le\" is reserved for histogram buckets");
  }
  return OkStatus();
}

}  // namespace

Result<FamilyDesc> MakeFamilyDesc(MetricOpts opts, expfmt::MetricType type) {
  if (!IsValidMetricName(opts.name)) {
    return InvalidArgument("invalid metric name \"" + EscapeLabelValue(opts.name) +
                           "\" (must match [a-zA-Z_:][a-zA-Z0-9_:]*)");
  }
  FamilyDesc d;
  d.type = type;
  d.name = opts.name;
  d.family_name = opts.name;
  if (type == expfmt::MetricType::kCounter) {
    if (EndsWith(opts.name, kTotal)) {
      d.family_name.resize(d.family_name.size() - kTotal.size());
    } else {
      d.name += kTotal;
    }
    if (d.family_name.empty()) {
      return InvalidArgument("invalid counter name \"" + opts.name +
                             "\": nothing left before the _total suffix");
    }
  }
  if (!opts.unit.empty()) {
    if (!IsValidUnit(opts.unit)) {
      return InvalidArgument("metric " + d.name + ": invalid unit \"" +
                             EscapeLabelValue(opts.unit) + "\" (must match [a-zA-Z0-9_]+)");
    }
    if (!EndsWith(d.family_name, "_" + opts.unit)) {
      return InvalidArgument("metric " + d.name + ": with unit \"" + opts.unit +
                             "\" the name must end in _" + opts.unit + " (OpenMetrics rule)");
    }
  }
  for (const Label& l : opts.const_labels) {
    VIGIE_RETURN_IF_ERROR(CheckLabelName(d.name, l.name, type));
    if (!IsValidUtf8(l.value)) {
      return InvalidArgument("metric " + d.name + ": value of constant label " + l.name +
                             " is not valid UTF-8");
    }
  }
  std::vector<std::string> seen;
  for (const std::string& n : opts.label_names) {
    VIGIE_RETURN_IF_ERROR(CheckLabelName(d.name, n, type));
    if (std::find(seen.begin(), seen.end(), n) != seen.end() || opts.const_labels.Has(n)) {
      return InvalidArgument("metric " + d.name + ": label name \"" + n + "\" given twice");
    }
    seen.push_back(n);
  }
  d.help = std::move(opts.help);
  d.unit = std::move(opts.unit);
  d.label_names = std::move(opts.label_names);
  d.const_labels = std::move(opts.const_labels);
  return d;
}

}  // namespace vigie::instrument
