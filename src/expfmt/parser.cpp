#include "expfmt/parser.h"

#include <algorithm>
#include <cstring>

#include "expfmt/number.h"
#include "expfmt/parse_lex.h"

namespace vigie::expfmt {

using lex::Found;
using lex::Is;
using lex::kLabelChar;
using lex::kLabelStart;
using lex::kNameChar;
using lex::kNameStart;
using lex::kValueStop;
using lex::Quoted;
using lex::StartsWith;
using lex::Unescape;
using lex::Utf8SequenceLength;

Parser::Parser(std::string_view input, Format format)
    : p_(input.data()),
      end_(input.data() + input.size()),
      om_(format == Format::kOpenMetrics1),
      line_start_(input.data()) {}

Error Parser::Fail(const char* where, std::string_view what) {
  size_t column = static_cast<size_t>(where - line_start_) + 1;
  std::string msg = "line " + std::to_string(line_) + ", column " + std::to_string(column) + ": " +
                    std::string(what);
  error_ = InvalidArgument(msg);
  return *error_;
}

Error Parser::FailGot(const char* where, std::string_view expected) {
  return Fail(where, std::string(expected) + ", got " + Found(where, end_));
}

std::string Parser::LabelValue(size_t i) const {
  const LabelRef& l = labels_[i];
  if (!l.escaped) return std::string(l.value);
  std::string out;
  Unescape(l.value, true, &out);
  return out;
}

void Parser::FillLabels(Labels* out) const {
  std::vector<Label> v;
  v.reserve(labels_.size() + 1);
  v.push_back(Label{std::string(kMetricNameLabel), std::string(name_)});
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (labels_[i].value.empty()) continue;
    v.push_back(Label{std::string(labels_[i].name), LabelValue(i)});
  }
  // Names are unique (checked while parsing); exposition usually lists them sorted already.
  auto by_name = [](const Label& a, const Label& b) { return a.name < b.name; };
  if (!std::is_sorted(v.begin(), v.end(), by_name)) std::sort(v.begin(), v.end(), by_name);
  *out = Labels::FromSorted(std::move(v));
}

Result<Entry> Parser::Next() {
  if (error_) return *error_;
  if (done_) return Entry::kEof;
  labels_.clear();
  has_timestamp_ = false;
  for (;;) {
    entry_line_ = line_;
    if (p_ >= end_) {
      if (om_) return Fail(p_, "unexpected end of input: OpenMetrics must end with \"# EOF\"");
      done_ = true;
      return Entry::kEof;
    }
    if (om_) {
      if (*p_ == '#') return ParseOpenMetricsHashLine();
      if (*p_ == '\n') return Fail(p_, "blank line (OpenMetrics allows none)");
      return ParseSeries();
    }
    SkipBlanks();
    if (p_ == end_) continue;
    if (*p_ == '\n') {
      ++p_;
      NewLine(p_);
      continue;
    }
    if (*p_ == '#') return ParseTextHashLine();
    return ParseSeries();
  }
}

Result<Entry> Parser::ParseSeries() {
  const char* start = p_;
  if (!Is(*p_, kNameStart)) return FailGot(p_, "expected a metric name or '#'");
  ++p_;
  while (p_ < end_ && Is(*p_, kNameChar)) ++p_;
  name_ = std::string_view(start, static_cast<size_t>(p_ - start));
  series_ = name_;
  if (!om_) SkipBlanks();
  if (p_ < end_ && *p_ == '{') {
    ++p_;
    VIGIE_RETURN_IF_ERROR(ParseLabels(/*record=*/true, name_));
    series_ = std::string_view(start, static_cast<size_t>(p_ - start));
  }

  // The value.
  if (om_) {
    if (p_ >= end_ || *p_ != ' ') {
      return FailGot(p_, "expected a space and the sample value after " + Quoted(series_));
    }
    ++p_;
  } else {
    SkipBlanks();
  }
  const char* value_start = p_;
  if (om_) {
    while (p_ < end_ && *p_ != ' ' && *p_ != '\n') ++p_;
  } else {
    while (p_ < end_ && *p_ != ' ' && *p_ != '\t' && *p_ != '\n' && *p_ != '{') ++p_;
  }
  std::string_view value_text(value_start, static_cast<size_t>(p_ - value_start));
  if (value_text.empty()) {
    return FailGot(value_start, "expected the sample value after " + Quoted(series_));
  }
  switch (ParseFloatValue(value_text, &value_)) {
    case NumberStatus::kOk:
      break;
    case NumberStatus::kSyntax:
      return Fail(value_start, "invalid sample value " + Found(value_start, p_) +
                                   ": expected a float such as 1, -2.5e3, NaN, +Inf or -Inf");
    case NumberStatus::kOutOfRange:
      return Fail(value_start, "sample value " + Found(value_start, p_) + " is out of range");
  }

  if (om_) {
    VIGIE_RETURN_IF_ERROR(ParseOpenMetricsSuffix());
    NoteSampleForOrder();
    return Entry::kSeries;
  }

  // 0.0.4: optional integer timestamp, then the end of the line.
  SkipBlanks();
  if (p_ < end_ && *p_ != '\n') {
    const char* ts_start = p_;
    while (p_ < end_ && *p_ != ' ' && *p_ != '\t' && *p_ != '\n') ++p_;
    std::string_view ts(ts_start, static_cast<size_t>(p_ - ts_start));
    switch (ParseTimestampMs(ts, &timestamp_ms_)) {
      case NumberStatus::kOk:
        break;
      case NumberStatus::kSyntax:
        return Fail(ts_start, "invalid timestamp " + Found(ts_start, p_) +
                                  ": expected milliseconds since the epoch as digits");
      case NumberStatus::kOutOfRange:
        return Fail(ts_start, "timestamp " + Found(ts_start, p_) + " is out of range");
    }
    has_timestamp_ = true;
    SkipBlanks();
    if (p_ < end_ && *p_ != '\n') return FailGot(p_, "expected the end of the line");
  }
  if (p_ < end_) {
    ++p_;
    NewLine(p_);
  }
  return Entry::kSeries;
}

Status Parser::ParseLabels(bool record, std::string_view metric) {
  // p_ is just past '{'.
  for (;;) {
    if (!om_) SkipBlanks();
    if (p_ >= end_ || !Is(*p_, kLabelStart)) {
      if (p_ < end_ && *p_ == '}') {
        ++p_;
        return record ? CheckDuplicateLabels() : OkStatus();
      }
      return FailGot(p_, "expected a label name or '}'");
    }
    const char* name_start = p_;
    ++p_;
    while (p_ < end_ && Is(*p_, kLabelChar)) ++p_;
    std::string_view name(name_start, static_cast<size_t>(p_ - name_start));
    if (!om_) SkipBlanks();
    if (p_ >= end_ || *p_ != '=') {
      return FailGot(p_, "expected '=' after label name " + Quoted(name));
    }
    ++p_;
    if (!om_) SkipBlanks();
    if (p_ >= end_ || *p_ != '"') {
      return FailGot(p_, "expected '\"' to open the value of label " + Quoted(name));
    }
    ++p_;
    const char* value_start = p_;
    bool escaped = false;
    for (;;) {
      while (p_ < end_ && !Is(*p_, kValueStop)) ++p_;
      if (p_ >= end_) {
        return Fail(p_, "unterminated value of label " + Quoted(name) +
                            ": expected a closing '\"' before the end of input");
      }
      char c = *p_;
      if (c == '"') break;
      if (c == '\\') {
        escaped = true;
        if (p_ + 1 >= end_) {
          return Fail(end_, "unterminated value of label " + Quoted(name) +
                                ": expected a closing '\"' before the end of input");
        }
        char next = p_[1];
        if (next == '\n') {
          return Fail(p_,
                      "a backslash may not end a line inside the value of label " + Quoted(name));
        }
        // Skip the escaped byte unless it starts a multi-byte character (checked next turn).
        p_ += static_cast<unsigned char>(next) < 0x80 ? 2 : 1;
        continue;
      }
      if (c == '\n') {
        if (om_) {
          return Fail(
              p_, "line break inside the value of label " + Quoted(name) + " (write it as \\n)");
        }
        ++p_;
        NewLine(p_);
        continue;
      }
      size_t n = Utf8SequenceLength(p_, end_);
      if (n == 0) return Fail(p_, "invalid UTF-8 in the value of label " + Quoted(name));
      p_ += n;
    }
    std::string_view value(value_start, static_cast<size_t>(p_ - value_start));
    ++p_;  // closing quote
    if (record) {
      if (name == kMetricNameLabel) {
        return Fail(name_start, "label \"__name__\" repeats the metric name " + Quoted(metric));
      }
      labels_.push_back(LabelRef{name, value, escaped});
    }
    if (!om_) SkipBlanks();
    if (p_ < end_ && *p_ == ',') {
      ++p_;
      continue;
    }
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return record ? CheckDuplicateLabels() : OkStatus();
    }
    return FailGot(p_, "expected ',' or '}' after the value of label " + Quoted(name));
  }
}

Status Parser::CheckDuplicateLabels() {
  const size_t n = labels_.size();
  // The error names the later of two equal names, so report the smallest such position.
  const char* first_dup = nullptr;
  if (n <= 16) {
    for (size_t i = 1; i < n && first_dup == nullptr; ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (labels_[j].name == labels_[i].name) {
          first_dup = labels_[i].name.data();
          break;
        }
      }
    }
  } else {
    // Many labels: sort a scratch copy so a hostile line cannot make this quadratic.
    sorted_names_.clear();
    for (const LabelRef& l : labels_) sorted_names_.push_back(l.name);
    std::sort(sorted_names_.begin(), sorted_names_.end(),
              [](std::string_view a, std::string_view b) {
                return a == b ? a.data() < b.data() : a < b;
              });
    for (size_t i = 1; i < n; ++i) {
      if (sorted_names_[i] == sorted_names_[i - 1] &&
          (first_dup == nullptr || sorted_names_[i].data() < first_dup)) {
        first_dup = sorted_names_[i].data();
      }
    }
  }
  if (first_dup == nullptr) return OkStatus();
  for (const LabelRef& l : labels_) {
    if (l.name.data() == first_dup) {
      return Fail(first_dup, "duplicate label name " + Quoted(l.name));
    }
  }
  return OkStatus();
}

Status Parser::ParseOpenMetricsSuffix() {
  // After the value: "\n", " <timestamp>", " # {exemplar}", or both.
  static constexpr std::string_view kExemplarStart = " # {";
  if (p_ >= end_) {
    return Fail(p_, "unexpected end of input: OpenMetrics must end with \"# EOF\"");
  }
  if (*p_ == ' ' && !StartsWith(p_, end_, kExemplarStart)) {
    ++p_;
    const char* ts_start = p_;
    while (p_ < end_ && *p_ != ' ' && *p_ != '\n') ++p_;
    std::string_view ts(ts_start, static_cast<size_t>(p_ - ts_start));
    if (ts.empty()) return FailGot(ts_start, "expected a timestamp after the space");
    switch (ParseTimestampSeconds(ts, &timestamp_ms_)) {
      case NumberStatus::kOk:
        break;
      case NumberStatus::kSyntax:
        return Fail(ts_start, "invalid timestamp " + Found(ts_start, p_) +
                                  ": expected seconds since the epoch such as 1700000000.123");
      case NumberStatus::kOutOfRange:
        return Fail(ts_start, "timestamp " + Found(ts_start, p_) + " is out of range");
    }
    has_timestamp_ = true;
  }
  if (StartsWith(p_, end_, kExemplarStart)) {
    p_ += kExemplarStart.size();
    VIGIE_RETURN_IF_ERROR(ParseExemplar());
  }
  if (p_ >= end_) {
    return Fail(p_, "unexpected end of input: OpenMetrics must end with \"# EOF\"");
  }
  if (*p_ != '\n') return FailGot(p_, "expected the end of the line");
  ++p_;
  NewLine(p_);
  return OkStatus();
}

Status Parser::ParseExemplar() {
  // p_ is just past " # {". Labels, " value", optional " timestamp".
  VIGIE_RETURN_IF_ERROR(ParseLabels(/*record=*/false, name_));
  if (p_ >= end_ || *p_ != ' ') return FailGot(p_, "expected a space and the exemplar value");
  ++p_;
  const char* start = p_;
  while (p_ < end_ && *p_ != ' ' && *p_ != '\n') ++p_;
  double v = 0;
  std::string_view text(start, static_cast<size_t>(p_ - start));
  if (text.empty() || ParseFloatValue(text, &v) != NumberStatus::kOk) {
    return Fail(start, "invalid exemplar value " + Found(start, p_));
  }
  if (p_ < end_ && *p_ == ' ') {
    ++p_;
    start = p_;
    while (p_ < end_ && *p_ != ' ' && *p_ != '\n') ++p_;
    int64_t ts = 0;
    text = std::string_view(start, static_cast<size_t>(p_ - start));
    if (text.empty() || ParseTimestampSeconds(text, &ts) != NumberStatus::kOk) {
      return Fail(start, "invalid exemplar timestamp " + Found(start, p_));
    }
  }
  return OkStatus();
}

}  // namespace vigie::expfmt
