#include "promql/parser/matcher.h"

#include <re2/re2.h>

#include "promql/parser/go_format.h"

namespace vigie::promql::parser {

namespace {

bool IsRegexMeta(char c) {
  switch (c) {
    case '\\':
    case '.':
    case '+':
    case '*':
    case '?':
    case '(':
    case ')':
    case '|':
    case '[':
    case ']':
    case '{':
    case '}':
    case '^':
    case '$':
      return true;
    default:
      return false;
  }
}

bool IsPlainLiteral(std::string_view s) {
  for (char c : s) {
    if (IsRegexMeta(c)) return false;
  }
  return true;
}

// Go's regexp/syntax wording for each RE2 error code.
const char* GoRegexpErrorText(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case RE2::ErrorBadCharClass:
      return "invalid character class";
    case RE2::ErrorBadCharRange:
      return "invalid character class range";
    case RE2::ErrorMissingBracket:
      return "missing closing ]";
    case RE2::ErrorMissingParen:
      return "missing closing )";
    case RE2::ErrorUnexpectedParen:
      return "unexpected )";
    case RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    case RE2::ErrorPatternTooLarge:
      return "expression too large";
    default:
      return "regexp/syntax: internal error";
  }
}

RE2::Options RegexOptions() {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_encoding(RE2::Options::EncodingUTF8);
  return opts;
}

std::string GoRegexpError(RE2::ErrorCode code, std::string_view arg) {
  std::string out = "error parsing regexp: ";
  out += GoRegexpErrorText(code);
  out += ": `";
  out += arg;
  out += "`";
  return out;
}

// Checks what Go's regexp/syntax rejects but RE2 accepts: invalid UTF-8 (Go names the rest of
// the pattern from the bad byte) and the \C escape (any byte).
bool CheckGoOnlyRules(const std::string& pattern, std::string* error) {
  for (size_t i = 0; i < pattern.size();) {
    size_t width = 1;
    if (DecodeRune(pattern, i, &width) == 0xFFFD && width == 1) {
      *error = GoRegexpError(RE2::ErrorBadUTF8, std::string_view(pattern).substr(i));
      return false;
    }
    i += width;
  }
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    if (pattern[i + 1] == 'C') {
      *error = GoRegexpError(RE2::ErrorBadEscape, "\\C");
      return false;
    }
    ++i;  // skip the escaped character (an escaped backslash must not start another escape)
  }
  return true;
}

std::shared_ptr<const RE2> Compile(const std::string& pattern, std::string* error) {
  if (!CheckGoOnlyRules(pattern, error)) return nullptr;
  auto re = std::make_shared<const RE2>(pattern, RegexOptions());
  if (!re->ok()) {
    *error = GoRegexpError(re->error_code(), re->error_arg());
    return nullptr;
  }
  return re;
}

}  // namespace

std::string_view MatchTypeString(MatchType type) {
  switch (type) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexp:
      return "=~";
    case MatchType::kNotRegexp:
      return "!~";
  }
  return "?";
}

Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (m.IsRegexp()) {
    std::string error;
    m.re_ = Compile("^(?:" + m.value_ + ")$", &error);
    if (!m.re_) return InvalidArgument(error);
    // Like Prometheus, also require the pattern to be valid on its own: "a)|(b" only becomes
    // valid once wrapped in the anchoring group.
    if (m.value_.find(')') != std::string::npos && !Compile(m.value_, &error)) {
      return InvalidArgument(error);
    }
    const std::string& v = m.value_;
    if (v == ".*") {
      m.fast_ = Fast::kAnyNoNewline;
    } else if (v == ".+") {
      m.fast_ = Fast::kNonEmptyNoNewline;
    } else if (v.size() > 2 && v.ends_with(".*") && IsPlainLiteral(v.substr(0, v.size() - 2))) {
      m.fast_ = Fast::kPrefixAnyNoNewline;
      m.prefix_ = v.substr(0, v.size() - 2);
    } else {
      bool plain = true;
      for (char c : v) {
        if (c != '|' && IsRegexMeta(c)) plain = false;
      }
      if (plain) {
        m.fast_ = Fast::kLiteralSet;
        size_t start = 0;
        while (true) {
          size_t bar = v.find('|', start);
          m.set_matches_.push_back(v.substr(start, bar - start));
          if (bar == std::string::npos) break;
          start = bar + 1;
        }
      }
    }
  }
  m.matches_empty_ = m.Matches("");
  return m;
}

bool Matcher::RegexMatches(std::string_view v) const {
  switch (fast_) {
    case Fast::kLiteralSet:
      for (const auto& s : set_matches_) {
        if (s == v) return true;
      }
      return false;
    case Fast::kAnyNoNewline:
      return v.find('\n') == std::string_view::npos;
    case Fast::kNonEmptyNoNewline:
      return !v.empty() && v.find('\n') == std::string_view::npos;
    case Fast::kPrefixAnyNoNewline:
      return v.starts_with(prefix_) && v.find('\n', prefix_.size()) == std::string_view::npos;
    case Fast::kRegex:
      break;
  }
  return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual:
      return v == value_;
    case MatchType::kNotEqual:
      return v != value_;
    case MatchType::kRegexp:
      return RegexMatches(v);
    case MatchType::kNotRegexp:
      return !RegexMatches(v);
  }
  return false;
}

std::string Matcher::RegexString() const { return re_ ? re_->pattern() : std::string(); }

std::string Matcher::ToString() const {
  std::string out = name_;
  out += MatchTypeString(type_);
  out += GoQuote(value_);
  return out;
}

}  // namespace vigie::promql::parser
