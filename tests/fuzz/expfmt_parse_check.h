// The property the expfmt_parse fuzzer checks, shared with the unit test that replays the seed
// corpus and every past crash (tests/unit/expfmt/fuzz_regressions_test.cpp).
//
// For both formats: the streaming parser never loops, every error names a line and column and
// is sticky, accepted names/values are valid; and whatever ParseAll accepts, WriteAll writes in
// both formats and ParseAll reads back to the same samples (labels, value bit for bit or both
// NaN, timestamp).
#pragma once

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "expfmt/parser.h"
#include "expfmt/writer.h"

namespace vigie::expfmt::fuzz {

// "" when the input behaves, else what went wrong.
inline std::string StreamCheck(std::string_view data, Format format) {
  Parser p(data, format);
  for (size_t guard = 0;; ++guard) {
    if (guard > data.size() + 2) return "parser made no progress";
    auto e = p.Next();
    if (!e.ok()) {
      const std::string& msg = e.error().message();
      if (msg.rfind("line ", 0) != 0) return "error without a position: " + msg;
      auto again = p.Next();
      if (again.ok() || again.error().message() != msg) return "error is not sticky: " + msg;
      return "";
    }
    if (*e == Entry::kEof) return "";
    if (*e != Entry::kSeries) continue;
    Labels labels;
    p.FillLabels(&labels);
    if (!IsValidMetricName(p.MetricName())) return "bad metric name accepted";
    for (size_t i = 0; i < p.LabelCount(); ++i) {
      if (!IsValidLabelName(p.LabelName(i))) return "bad label name accepted";
      if (!IsValidUtf8(p.LabelValue(i))) return "invalid UTF-8 accepted";
    }
    std::string_view series = p.Series();
    if (series.empty() || series.data() < data.data() ||
        series.data() + series.size() > data.data() + data.size()) {
      return "series text outside the input";
    }
  }
}

inline bool SameValue(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

inline std::vector<const Sample*> Flatten(const std::vector<MetricFamily>& families) {
  std::vector<const Sample*> out;
  for (const auto& f : families) {
    for (const auto& s : f.samples) out.push_back(&s);
  }
  return out;
}

inline std::string RoundTripCheck(std::string_view data, Format in) {
  auto first = ParseAll(data, in);
  if (!first.ok()) return "";
  auto a = Flatten(*first);
  for (Format out : {Format::kText004, Format::kOpenMetrics1}) {
    std::string written = WriteAll(*first, out);
    auto second = ParseAll(written, out);
    if (!second.ok()) {
      const std::string& msg = second.error().message();
      // OpenMetrics cannot hold a family that reappears after other samples (0.0.4 can), and the
      // writer does not reorder: this one structural difference is allowed.
      if (out == Format::kOpenMetrics1 &&
          (msg.find("comes after its samples") != std::string::npos ||
           msg.find("duplicate ") != std::string::npos)) {
        continue;
      }
      return "written output does not parse: " + msg + "\n--- written:\n" + written;
    }
    auto b = Flatten(*second);
    if (a.size() != b.size()) return "sample count changed\n--- written:\n" + written;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!(a[i]->labels == b[i]->labels)) {
        return "series changed: " + a[i]->labels.ToString() + " vs " + b[i]->labels.ToString();
      }
      if (!SameValue(a[i]->value, b[i]->value)) return "value changed: " + a[i]->labels.ToString();
      if (a[i]->timestamp_ms != b[i]->timestamp_ms) {
        return "timestamp changed: " + a[i]->labels.ToString() + "\n--- written:\n" + written;
      }
    }
  }
  return "";
}

inline std::string CheckInput(std::string_view data) {
  for (Format f : {Format::kText004, Format::kOpenMetrics1}) {
    const char* name = f == Format::kText004 ? "0.0.4: " : "OpenMetrics: ";
    if (std::string err = StreamCheck(data, f); !err.empty()) return name + err;
    if (std::string err = RoundTripCheck(data, f); !err.empty()) return name + err;
  }
  return "";
}

}  // namespace vigie::expfmt::fuzz
