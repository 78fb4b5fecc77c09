#include "expfmt/metric_family.h"

#include <cctype>

namespace vigie::expfmt {
namespace {

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && std::tolower(static_cast<unsigned char>(haystack[i + j])) ==
                                    std::tolower(static_cast<unsigned char>(needle[j]))) {
      ++j;
    }
    if (j == needle.size()) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Media type of one Accept/Content-Type element, without parameters, lower-cased.
std::string MediaType(std::string_view element) {
  std::string_view type = element.substr(0, element.find(';'));
  type = Trim(type);
  std::string out(type);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The q= parameter of an Accept element (1 when absent or malformed).
double Quality(std::string_view element) {
  size_t pos = element.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = element.substr(pos + 1);
    size_t next = rest.find(';');
    std::string_view param = Trim(rest.substr(0, next));
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string_view num = param.substr(2);
      double q = 0;
      double scale = 1;
      bool frac = false;
      for (char c : num) {
        if (c == '.') {
          frac = true;
        } else if (c >= '0' && c <= '9') {
          if (frac) {
            scale /= 10;
            q += (c - '0') * scale;
          } else {
            q = q * 10 + (c - '0');
          }
        } else {
          return 1;
        }
      }
      return q;
    }
    pos = next == std::string_view::npos ? next : pos + 1 + next;
  }
  return 1;
}

}  // namespace

std::string_view MetricTypeName(MetricType t, bool openmetrics) {
  switch (t) {
    case MetricType::kUnknown:
      return openmetrics ? "unknown" : "untyped";
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kGaugeHistogram:
      // 0.0.4 has no gauge histogram; Prometheus's text parser knows only the five classic types.
      return openmetrics ? "gaugehistogram" : "histogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kInfo:
      return openmetrics ? "info" : "gauge";
    case MetricType::kStateSet:
      return openmetrics ? "stateset" : "gauge";
  }
  return openmetrics ? "unknown" : "untyped";
}

std::string_view ContentType(Format f) {
  switch (f) {
    case Format::kOpenMetrics1:
      return "application/openmetrics-text; version=1.0.0; charset=utf-8";
    case Format::kText004:
      break;
  }
  return "text/plain; version=0.0.4; charset=utf-8";
}

Format NegotiateFormat(std::string_view accept_header) {
  // OpenMetrics only when the client lists it with a quality at least that of any text/plain.
  double best_om = -1;
  double best_text = -1;
  size_t start = 0;
  while (start <= accept_header.size()) {
    size_t comma = accept_header.find(',', start);
    std::string_view element = accept_header.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::string type = MediaType(element);
    double q = Quality(element);
    if (type == "application/openmetrics-text") {
      if (q > best_om) best_om = q;
    } else if (!type.empty()) {
      if (q > best_text) best_text = q;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (best_om > 0 && best_om >= best_text) return Format::kOpenMetrics1;
  return Format::kText004;
}

Format FormatFromContentType(std::string_view content_type) {
  if (ContainsIgnoreCase(MediaType(content_type), "application/openmetrics-text")) {
    return Format::kOpenMetrics1;
  }
  return Format::kText004;
}

}  // namespace vigie::expfmt

namespace vigie::expfmt {

bool IsSampleOfFamily(std::string_view sample_name, std::string_view family, MetricType type) {
  if (sample_name.size() < family.size() || sample_name.substr(0, family.size()) != family) {
    return false;
  }
  std::string_view suffix = sample_name.substr(family.size());
  if (suffix.empty()) return true;
  switch (type) {
    case MetricType::kCounter:
      return suffix == "_total" || suffix == "_created";
    case MetricType::kHistogram:
      return suffix == "_bucket" || suffix == "_count" || suffix == "_sum" || suffix == "_created";
    case MetricType::kGaugeHistogram:
      return suffix == "_bucket" || suffix == "_gcount" || suffix == "_gsum" ||
             suffix == "_created";
    case MetricType::kSummary:
      return suffix == "_count" || suffix == "_sum" || suffix == "_created";
    case MetricType::kInfo:
      return suffix == "_info";
    case MetricType::kGauge:
    case MetricType::kStateSet:
    case MetricType::kUnknown:
      return false;
  }
  return false;
}

}  // namespace vigie::expfmt
