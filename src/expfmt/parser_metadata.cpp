// The parser's '#' lines (HELP, TYPE, UNIT, comments, EOF) and OpenMetrics metadata ordering.
#include <cstring>

#include "expfmt/parse_lex.h"
#include "expfmt/parser.h"

namespace vigie::expfmt {

using lex::FindInvalidUtf8;
using lex::Found;
using lex::Is;
using lex::kNameChar;
using lex::kNameStart;
using lex::ParseTypeName;
using lex::Quoted;
using lex::StartsWith;
using lex::Unescape;

Result<Entry> Parser::ParseTextHashLine() {
  // p_ at '#'. "# HELP name text" / "# TYPE name type"; anything else is a comment.
  const char* hash = p_;
  const char* q = p_ + 1;
  while (q < end_ && (*q == ' ' || *q == '\t')) ++q;
  Entry kind = Entry::kComment;
  if (q > p_ + 1 && static_cast<size_t>(end_ - q) > 4 && (q[4] == ' ' || q[4] == '\t')) {
    if (std::memcmp(q, "HELP", 4) == 0) kind = Entry::kHelp;
    if (std::memcmp(q, "TYPE", 4) == 0) kind = Entry::kType;
  }
  if (kind == Entry::kComment) {
    const char* eol = static_cast<const char*>(std::memchr(hash, '\n', end_ - hash));
    if (eol == nullptr) eol = end_;
    text_ = std::string_view(hash, static_cast<size_t>(eol - hash));
    if (size_t bad = FindInvalidUtf8(text_); bad != std::string_view::npos) {
      return Fail(hash + bad, "invalid UTF-8 in comment");
    }
    p_ = eol;
    if (p_ < end_) {
      ++p_;
      NewLine(p_);
    }
    return Entry::kComment;
  }
  p_ = q + 4;
  SkipBlanks();
  const char* name_start = p_;
  if (p_ >= end_ || !Is(*p_, kNameStart)) {
    return FailGot(p_, std::string("expected a metric name after ") +
                           (kind == Entry::kHelp ? "HELP" : "TYPE"));
  }
  ++p_;
  while (p_ < end_ && Is(*p_, kNameChar)) ++p_;
  name_ = std::string_view(name_start, static_cast<size_t>(p_ - name_start));
  if (p_ < end_ && *p_ != '\n') {
    if (*p_ != ' ' && *p_ != '\t') return FailGot(p_, "expected a space after the metric name");
    ++p_;  // one separator; further blanks belong to the text, as in Prometheus
  }
  const char* text_start = p_;
  const char* eol = static_cast<const char*>(std::memchr(p_, '\n', end_ - p_));
  if (eol == nullptr) eol = end_;
  std::string_view raw(text_start, static_cast<size_t>(eol - text_start));
  if (kind == Entry::kHelp) {
    if (size_t bad = FindInvalidUtf8(raw); bad != std::string_view::npos) {
      return Fail(text_start + bad, "invalid UTF-8 in help text");
    }
    if (raw.find('\\') != std::string_view::npos) {
      Unescape(raw, /*quote=*/false, &text_buf_);
      text_ = text_buf_;
    } else {
      text_ = raw;
    }
  } else if (!ParseTypeName(raw, false, &type_)) {
    return Fail(text_start, "invalid metric type " + Found(text_start, eol) +
                                ": expected counter, gauge, histogram, summary or untyped");
  }
  p_ = eol;
  if (p_ < end_) {
    ++p_;
    NewLine(p_);
  }
  return kind;
}

Result<Entry> Parser::ParseOpenMetricsHashLine() {
  // p_ at '#'. "# HELP name text", "# TYPE name type", "# UNIT name unit", "# EOF".
  if (p_ + 1 >= end_ || p_[1] != ' ') return FailGot(p_ + 1, "expected a space after '#'");
  const char* kw = p_ + 2;
  if (StartsWith(kw, end_, "EOF")) {
    const char* after = kw + 3;
    if (after < end_ && *after == '\n') ++after;
    if (after != end_) {
      return Fail(after, "unexpected data after \"# EOF\" (it must be the last line)");
    }
    p_ = end_;
    done_ = true;
    return Entry::kEof;
  }
  Entry kind;
  if (StartsWith(kw, end_, "HELP ")) {
    kind = Entry::kHelp;
  } else if (StartsWith(kw, end_, "TYPE ")) {
    kind = Entry::kType;
  } else if (StartsWith(kw, end_, "UNIT ")) {
    kind = Entry::kUnit;
  } else {
    return FailGot(kw,
                   "expected HELP, TYPE, UNIT or EOF after \"# \" (OpenMetrics has no "
                   "other comments)");
  }
  p_ = kw + 5;
  const char* name_start = p_;
  if (p_ >= end_ || !Is(*p_, kNameStart)) return FailGot(p_, "expected a metric name");
  ++p_;
  while (p_ < end_ && Is(*p_, kNameChar)) ++p_;
  name_ = std::string_view(name_start, static_cast<size_t>(p_ - name_start));
  if (p_ >= end_ || *p_ != ' ') return FailGot(p_, "expected a space after the metric name");
  ++p_;
  const char* text_start = p_;
  const char* eol = static_cast<const char*>(std::memchr(p_, '\n', end_ - p_));
  if (eol == nullptr) {
    return Fail(end_, "unexpected end of input: OpenMetrics must end with \"# EOF\"");
  }
  std::string_view raw(text_start, static_cast<size_t>(eol - text_start));
  if (size_t bad = FindInvalidUtf8(raw); bad != std::string_view::npos) {
    return Fail(text_start + bad, "invalid UTF-8 in metadata text");
  }
  MetricType declared = MetricType::kUnknown;
  switch (kind) {
    case Entry::kHelp:
      if (raw.find('\\') != std::string_view::npos) {
        Unescape(raw, /*quote=*/true, &text_buf_);
        text_ = text_buf_;
      } else {
        text_ = raw;
      }
      break;
    case Entry::kType:
      if (!ParseTypeName(raw, true, &type_)) {
        return Fail(text_start, "invalid metric type " + Found(text_start, eol) +
                                    ": expected counter, gauge, histogram, gaugehistogram, "
                                    "summary, info, stateset or unknown");
      }
      declared = type_;
      break;
    default:  // kUnit
      text_ = raw;
      if (!raw.empty() &&
          !(name_.size() > raw.size() && name_.substr(name_.size() - raw.size()) == raw &&
            name_[name_.size() - raw.size() - 1] == '_')) {
        return Fail(text_start, "unit " + Quoted(raw) + " is not a suffix \"_" + std::string(raw) +
                                    "\" of metric name " + Quoted(name_));
      }
      break;
  }
  Status order = CheckMetadataOrder(kind, declared);
  if (!order.ok()) return Fail(name_start, order.error().message());
  p_ = eol + 1;
  NewLine(p_);
  return kind;
}

Status Parser::CheckMetadataOrder(Entry kind, MetricType declared) {
  const char* what = kind == Entry::kHelp ? "HELP" : kind == Entry::kType ? "TYPE" : "UNIT";
  bool same_family = family_ == name_;
  if (family_has_samples_ && family_implicit_) {
    // Samples without metadata came first, under this name or (for a TYPE) under a name the
    // type makes part of this family. A family that had its own metadata may be followed by
    // another of the same name: client_golang writes "x" (gauge) then "x" (counter, samples
    // x_total) in OpenMetrics, and Prometheus reads it, so that is a new family, not an error.
    if (same_family || (kind == Entry::kType && IsSampleOfFamily(family_, name_, declared))) {
      return InvalidArgument(std::string(what) + " for " + Quoted(name_) +
                             " comes after its samples (metadata must come first)");
    }
  }
  if (!same_family || family_has_samples_) {
    family_.assign(name_);
    family_type_ = MetricType::kUnknown;
    family_has_samples_ = false;
    family_implicit_ = false;
    seen_help_ = seen_type_ = seen_unit_ = false;
  }
  bool* seen = kind == Entry::kHelp   ? &seen_help_
               : kind == Entry::kType ? &seen_type_
                                      : &seen_unit_;
  if (*seen) return InvalidArgument(std::string("duplicate ") + what + " for " + Quoted(name_));
  *seen = true;
  if (kind == Entry::kType) family_type_ = declared;
  return OkStatus();
}

void Parser::NoteSampleForOrder() {
  if (!family_.empty() && IsSampleOfFamily(name_, family_, family_type_)) {
    family_has_samples_ = true;
    return;
  }
  family_.assign(name_);
  family_type_ = MetricType::kUnknown;
  family_has_samples_ = true;
  family_implicit_ = true;
  seen_help_ = seen_type_ = seen_unit_ = false;
}

}  // namespace vigie::expfmt
