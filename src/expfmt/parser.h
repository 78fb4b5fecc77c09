// Streaming pull parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0 text.
//
//   Parser p(body, FormatFromContentType(content_type));
//   for (;;) {
//     VIGIE_ASSIGN_OR_RETURN(Entry e, p.Next());
//     if (e == Entry::kEof) break;
//     if (e == Entry::kSeries) use(p.Series(), p.Value(), p.TimestampMs());
//   }
//
// The parser never copies the input: string_views it returns point into it (or, for decoded
// text, into the parser) and stay valid until the next call to Next(). Memory use is bounded by
// the current entry (its label positions and decoded help text), never by the whole input.
//
// What is accepted follows Prometheus's own text parsers (model/textparse):
// - 0.0.4: blank lines; spaces/tabs between tokens; "# HELP name text", "# TYPE name
//   counter|gauge|histogram|summary|untyped", any other '#' line is a comment; label values may
//   hold raw line breaks; HELP unescapes \\ and \n; integer millisecond timestamps (a '-' is
//   allowed); a missing newline at the end of input is fine.
// - OpenMetrics: single spaces only, no blank lines, no comments besides HELP, TYPE, UNIT and the
//   final "# EOF" after which nothing may follow; HELP unescapes \\, \" and \n; UNIT must be a
//   suffix "_<unit>" of the family name; float timestamps in seconds (normalised to ms);
//   exemplars (" # {labels} value [timestamp]") are checked and skipped; metadata for a family
//   must come before its samples and appear at most once.
// - Both: label values unescape \\, \" and \n (other escapes are kept as written); values follow
//   Go's ParseFloat (see number.h); duplicate label names, invalid UTF-8 in label values, help or
//   comments, and a trailing comma-less label pair ("a=\"1\" b=\"2\"", which Prometheus's
//   0.0.4 lexer lets through) are errors.
//
// Errors read "line L, column C: <what was expected>, got <what was found>" (columns count
// bytes from 1). After an error, Next() keeps returning it.
//
// A Parser is used by one thread at a time; the input must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/result.h"
#include "expfmt/metric_family.h"

namespace vigie::expfmt {

enum class Entry {
  kHelp,     // MetricName(), Help()
  kType,     // MetricName(), Type()
  kUnit,     // MetricName(), Unit()  (OpenMetrics only)
  kSeries,   // MetricName(), Series(), Value(), TimestampMs(), labels
  kComment,  // Comment()  (0.0.4 only)
  kEof,      // end of input (OpenMetrics: after "# EOF"); Next() keeps returning it
};

class Parser {
 public:
  Parser(std::string_view input, Format format);

  Result<Entry> Next();

  // Line (from 1) on which the current entry starts.
  size_t line() const { return entry_line_; }

  // kHelp/kType/kUnit: the family name as written. kSeries: the metric name (with suffixes).
  std::string_view MetricName() const { return name_; }
  // kHelp: help text with escapes decoded.
  std::string_view Help() const { return text_; }
  MetricType Type() const { return type_; }
  std::string_view Unit() const { return text_; }
  // kComment: the whole comment line starting with '#', without the line break.
  std::string_view Comment() const { return text_; }

  // kSeries: the metric name and label text exactly as written ("name{a=\"1\"}"): a stable key
  // for a scrape cache, so labels need not be rebuilt when a series is seen again.
  std::string_view Series() const { return series_; }
  double Value() const { return value_; }
  std::optional<int64_t> TimestampMs() const {
    return has_timestamp_ ? std::optional<int64_t>(timestamp_ms_) : std::nullopt;
  }
  // Labels between the braces, in written order (no __name__).
  size_t LabelCount() const { return labels_.size(); }
  std::string_view LabelName(size_t i) const { return labels_[i].name; }
  // The value as written between the quotes (escapes not decoded).
  std::string_view RawLabelValue(size_t i) const { return labels_[i].value; }
  // The value with \\, \" and \n decoded.
  std::string LabelValue(size_t i) const;
  // The full label set: __name__ plus the written labels, sorted; labels with an empty value are
  // left out (Prometheus treats empty and absent alike).
  void FillLabels(Labels* out) const;

 private:
  struct LabelRef {
    std::string_view name;
    std::string_view value;  // raw
    bool escaped;
  };

  Result<Entry> ParseSeries();
  Result<Entry> ParseTextHashLine();
  Result<Entry> ParseOpenMetricsHashLine();
  Status ParseLabels(bool record, std::string_view metric);
  Status CheckDuplicateLabels();
  Status ParseOpenMetricsSuffix();
  Status ParseExemplar();
  Status CheckMetadataOrder(Entry kind, MetricType declared);
  void NoteSampleForOrder();

  Error Fail(const char* where, std::string_view what);
  Error FailGot(const char* where, std::string_view expected);
  void NewLine(const char* line_start) {
    ++line_;
    line_start_ = line_start;
  }
  void SkipBlanks() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t')) ++p_;
  }

  const char* p_;
  const char* end_;
  bool om_;
  size_t line_ = 1;
  const char* line_start_;
  size_t entry_line_ = 1;
  std::optional<Error> error_;
  bool done_ = false;

  // Current entry.
  std::string_view name_;
  std::string_view text_;
  std::string_view series_;
  std::string text_buf_;
  MetricType type_ = MetricType::kUnknown;
  double value_ = 0;
  int64_t timestamp_ms_ = 0;
  bool has_timestamp_ = false;
  std::vector<LabelRef> labels_;
  std::vector<std::string_view> sorted_names_;  // scratch for the duplicate check

  // OpenMetrics ordering: the family whose metadata or samples were seen last.
  std::string family_;
  MetricType family_type_ = MetricType::kUnknown;
  bool family_has_samples_ = false;
  bool family_implicit_ = false;  // started by a sample without metadata
  bool seen_help_ = false;
  bool seen_type_ = false;
  bool seen_unit_ = false;
};

// Parses a whole exposition into families, grouped as Prometheus's client libraries model them:
// a sample joins the family whose metadata came last when its name is the family name plus a
// suffix its type allows (counter: _total, _created; histogram: _bucket, _count, _sum,
// _created; gauge histogram: _bucket, _gcount, _gsum; summary: _count, _sum, _created; info:
// _info); other samples start an untyped family of their own name (consecutive samples of one
// name share it). Comments are dropped. Families keep input order.
Result<std::vector<MetricFamily>> ParseAll(std::string_view input, Format format);

}  // namespace vigie::expfmt
