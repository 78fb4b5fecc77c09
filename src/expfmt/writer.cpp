#include "expfmt/writer.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iterator>

#include "expfmt/parser.h"

namespace vigie::expfmt {
namespace {

constexpr std::string_view kTotalSuffix = "_total";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// HELP text: 0.0.4 escapes backslash and newline; OpenMetrics also escapes double quotes.
void AppendEscapedHelp(std::string* out, std::string_view text, bool openmetrics) {
  // Runs without anything to escape (most help texts whole) are appended at once.
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' && c != '\n' && (c != '"' || !openmetrics)) continue;
    out->append(text.substr(start, i - start));
    out->append(c == '\\' ? "\\\\" : c == '\n' ? "\\n" : "\\\"");
    start = i + 1;
  }
  out->append(text.substr(start));
}

void AppendEscapedLabelValue(std::string* out, std::string_view value) {
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out->append(value.substr(start, i - start));
    out->append(c == '\\' ? "\\\\" : c == '"' ? "\\\"" : "\\n");
    start = i + 1;
  }
  out->append(value.substr(start));
}

void AppendLabel(std::string* out, std::string_view name, std::string_view value, bool* first) {
  out->push_back(*first ? '{' : ',');
  *first = false;
  AppendLabelPair(out, name, value);
}

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, end);
}

// OpenMetrics timestamps are seconds; milliseconds become a fraction of up to 3 digits.
void AppendSecondsFromMs(std::string* out, int64_t ms) {
  uint64_t magnitude = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  if (ms < 0) out->push_back('-');
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), magnitude / 1000);
  out->append(buf, end);
  unsigned frac = static_cast<unsigned>(magnitude % 1000);
  if (frac != 0) {
    char digits[4] = {'.', static_cast<char>('0' + frac / 100),
                      static_cast<char>('0' + frac / 10 % 10), static_cast<char>('0' + frac % 10)};
    int len = 4;
    while (digits[len - 1] == '0') --len;
    out->append(digits, len);
  }
}

// The name used on HELP/TYPE/UNIT lines.
std::string_view MetadataName(std::string_view name, MetricType type, bool openmetrics) {
  // A counter named just "_total" keeps its name: stripping would leave none.
  if (openmetrics && type == MetricType::kCounter && EndsWith(name, kTotalSuffix) &&
      name.size() > kTotalSuffix.size()) {
    name.remove_suffix(kTotalSuffix.size());
  }
  return name;
}

bool IsValidOpenMetricsCounterSample(std::string_view family, std::string_view sample) {
  if (sample.size() <= family.size() || sample.substr(0, family.size()) != family) return false;
  std::string_view suffix = sample.substr(family.size());
  return suffix == "_total" || suffix == "_created";
}

}  // namespace

void AppendLabelPair(std::string* out, std::string_view name, std::string_view value) {
  out->append(name);
  out->append("=\"");
  AppendEscapedLabelValue(out, value);
  out->push_back('"');
}

// The fixed-notation range (1e-4 <= |v| < 1e6) without a general shortest-digits conversion:
// the fewest decimals k for which some integer m has m / 10^k == v. That decimal reads back to
// `v` (m and 10^k are exact doubles and division rounds correctly), and no shorter one does.
// Limited to m < 2^49: there v * 10^k is within 1/16 of m, so rounding it finds m, and the
// decimals are coarser than the doubles, so m is the only candidate (no tie to break). Covers
// counters kept in integer units (CPU nanoseconds or ticks shown as seconds). False when it
// does not apply.
bool AppendShortFixed(std::string* out, double v) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  constexpr double kLimit = 562949953421312.0;  // 2^49
  const double a = std::fabs(v);
  if (!(a >= 1e-4 && a < 1e6)) return false;
  for (size_t k = 1; k < std::size(kPow10); ++k) {
    const double scaled = a * kPow10[k];
    if (scaled >= kLimit) return false;
    const double m = std::nearbyint(scaled);
    if (m / kPow10[k] != a) continue;
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), static_cast<uint64_t>(m));
    const size_t len = static_cast<size_t>(end - buf);
    if (v < 0) out->push_back('-');
    if (len > k) {
      out->append(buf, len - k);
      out->push_back('.');
      out->append(buf + len - k, k);
    } else {
      out->append("0.");
      out->append(k - len, '0');
      out->append(buf, len);
    }
    return true;
  }
  return false;
}

void AppendFloat(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  // Integers up to 2^53 are exact in a double: print them without exponent or fraction.
  constexpr double kExactIntLimit = 9007199254740992.0;
  if (v == std::trunc(v) && std::fabs(v) <= kExactIntLimit) {
    if (v == 0 && std::signbit(v)) {
      out->append("-0");
      return;
    }
    AppendInt(out, static_cast<int64_t>(v));
    return;
  }
  if (AppendShortFixed(out, v)) return;
  // Otherwise the shortest digits that read back to `v`, laid out like Go's
  // strconv.FormatFloat(v, 'g', -1, 64): an exponent when it is below -4 or at least 6.
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const char* e = end;
  while (e > buf && *(e - 1) != 'e') --e;
  int exponent = 0;
  std::from_chars(e + (*e == '+' ? 1 : 0), end, exponent);
  if (exponent < -4 || exponent >= 6) {
    out->append(buf, end);
    return;
  }
  // Fixed notation from the same digits ("-d.ddd" before the 'e'), rather than converting
  // again: the digits are the shortest either way, only the point moves. Not an integer (those
  // were written above), so with exponent >= 0 there are digits after the point.
  const char* p = buf;
  if (*p == '-') out->push_back(*p++);
  char digits[24];
  size_t n = 0;
  for (const char* q = p; q < e - 1; ++q) {
    if (*q != '.') digits[n++] = *q;
  }
  std::string_view d(digits, n);
  if (exponent >= 0) {
    const size_t int_digits = static_cast<size_t>(exponent) + 1;
    out->append(d.substr(0, int_digits));
    out->push_back('.');
    out->append(d.substr(int_digits));
  } else {
    out->append("0.");
    out->append(static_cast<size_t>(-exponent - 1), '0');
    out->append(d);
  }
}

void Writer::BeginFamily(std::string_view name, MetricType type, std::string_view help,
                         std::string_view unit) {
  WriteMetadata(MetadataName(name, type, format_ == Format::kOpenMetrics1), type, help, unit);
}

void Writer::WriteMetadata(std::string_view meta_name, MetricType type, std::string_view help,
                           std::string_view unit) {
  const bool om = format_ == Format::kOpenMetrics1;
  if (!help.empty()) {
    out_->append("# HELP ");
    out_->append(meta_name);
    out_->push_back(' ');
    AppendEscapedHelp(out_, help, om);
    out_->push_back('\n');
  }
  out_->append("# TYPE ");
  out_->append(meta_name);
  out_->push_back(' ');
  out_->append(MetricTypeName(type, om));
  out_->push_back('\n');
  // OpenMetrics requires the unit to be a suffix "_<unit>" of the name; a family renamed for
  // the format may no longer carry it, so such a unit is left out rather than written wrong.
  if (om && !unit.empty() && meta_name.size() > unit.size() &&
      meta_name.substr(meta_name.size() - unit.size()) == unit &&
      meta_name[meta_name.size() - unit.size() - 1] == '_') {
    out_->append("# UNIT ");
    out_->append(meta_name);
    out_->push_back(' ');
    out_->append(unit);
    out_->push_back('\n');
  }
}

void AppendSeries(std::string* out, std::string_view name, const Labels& labels,
                  std::string_view extra_name, std::string_view extra_value) {
  out->append(name);
  bool first = true;
  for (const Label& l : labels) {
    if (l.name == kMetricNameLabel) continue;
    AppendLabel(out, l.name, l.value, &first);
  }
  if (!extra_name.empty()) AppendLabel(out, extra_name, extra_value, &first);
  if (!first) out->push_back('}');
  out->push_back(' ');
}

Status ExpandEncodedSamples(MetricFamily* family) {
  if (family->encoded_samples.empty()) return OkStatus();
  Parser p(family->encoded_samples, Format::kText004);
  std::vector<Sample> parsed;
  for (;;) {
    VIGIE_ASSIGN_OR_RETURN(Entry e, p.Next());
    if (e == Entry::kEof) break;
    if (e != Entry::kSeries) continue;
    Sample s;
    p.FillLabels(&s.labels);
    s.value = p.Value();
    parsed.push_back(std::move(s));
  }
  family->samples.insert(family->samples.end(), std::make_move_iterator(parsed.begin()),
                         std::make_move_iterator(parsed.end()));
  family->encoded_samples.clear();
  return OkStatus();
}

void Writer::WriteSample(std::string_view name, const Labels& labels, double value,
                         std::optional<int64_t> timestamp_ms) {
  WriteSample(name, labels, {}, {}, value, timestamp_ms);
}

void Writer::WriteSample(std::string_view name, const Labels& labels, std::string_view extra_name,
                         std::string_view extra_value, double value,
                         std::optional<int64_t> timestamp_ms) {
  std::string* out = out_;
  AppendSeries(out, name, labels, extra_name, extra_value);
  AppendFloat(out, value);
  if (timestamp_ms) {
    out->push_back(' ');
    if (format_ == Format::kOpenMetrics1) {
      AppendSecondsFromMs(out, *timestamp_ms);
    } else {
      AppendInt(out, *timestamp_ms);
    }
  }
  out->push_back('\n');
}

bool IsCounterTotalSample(std::string_view sample, std::string_view family) {
  if (EndsWith(family, kTotalSuffix)) return sample == family;
  return sample.size() == family.size() + kTotalSuffix.size() && sample.starts_with(family) &&
         EndsWith(sample, kTotalSuffix);
}

MetricType WrittenAs(const MetricFamily& family, Format format, std::string* name) {
  const bool om = format == Format::kOpenMetrics1;
  name->assign(family.name);
  if (family.type != MetricType::kCounter) return family.type;
  // Sample names: the structured samples', and for encoded ones the first line's (they all
  // share it, see MetricFamily::encoded_samples).
  std::string_view encoded = family.encoded_samples;
  std::string_view encoded_name = encoded.substr(0, encoded.find_first_of("{ "));
  if (family.samples.empty() && encoded_name.empty()) {
    name->assign(MetadataName(family.name, MetricType::kCounter, om));
    return MetricType::kCounter;
  }
  auto all_names = [&](auto&& pred) {
    for (const Sample& s : family.samples) {
      if (!pred(s.labels.MetricName())) return false;
    }
    return encoded_name.empty() || pred(encoded_name);
  };
  std::string_view family_name = family.name;
  std::string_view first =
      family.samples.empty() ? encoded_name : family.samples.front().labels.MetricName();
  if (om) {
    // OpenMetrics counters need samples named <family>_total / _created; a counter whose
    // samples do not fit (legal in 0.0.4) is written as unknown so no series is renamed.
    std::string_view base = MetadataName(family_name, MetricType::kCounter, true);
    if (!all_names([&](std::string_view n) { return IsValidOpenMetricsCounterSample(base, n); })) {
      if (all_names([&](std::string_view n) { return n == first; })) name->assign(first);
      return MetricType::kUnknown;
    }
    name->assign(base);
  } else if (!EndsWith(family_name, kTotalSuffix)) {
    // A family parsed from OpenMetrics ("foo" with samples "foo_total"): in 0.0.4 the
    // metadata carries the sample name so Prometheus attaches it to the series.
    bool all_total =
        all_names([&](std::string_view n) { return IsCounterTotalSample(n, family_name); });
    if (all_total) name->append(kTotalSuffix);
  }
  return MetricType::kCounter;
}

void Writer::WriteFamily(const MetricFamily& family) {
  MetricType type = WrittenAs(family, format_, &name_scratch_);
  WriteMetadata(name_scratch_, type, family.help, family.unit);
  for (const Sample& s : family.samples) {
    WriteSample(s.labels.MetricName(), s.labels, s.value, s.timestamp_ms);
  }
  out_->append(family.encoded_samples);
}

void Writer::Finish() {
  if (format_ == Format::kOpenMetrics1) out_->append("# EOF\n");
}

std::string WriteAll(const std::vector<MetricFamily>& families, Format format) {
  std::string out;
  Writer w(format, &out);
  for (const MetricFamily& f : families) w.WriteFamily(f);
  w.Finish();
  return out;
}

}  // namespace vigie::expfmt
