// Label matchers: the `name op "value"` terms of a PromQL selector, also used by the storage
// layer to select series. Regex matchers are fully anchored (^(?:value)$) and compiled with RE2
// when made, as Prometheus does with Go's regexp (same syntax, linear time).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace re2 {
class RE2;
}

namespace vigie::promql::parser {

enum class MatchType { kEqual, kNotEqual, kRegexp, kNotRegexp };

// "=", "!=", "=~", "!~".
std::string_view MatchTypeString(MatchType type);

// Immutable and cheap to copy (the compiled regex is shared). Thread-safe to use concurrently.
class Matcher {
 public:
  // Fails for an invalid regex with Go's wording, e.g.
  // "error parsing regexp: missing closing ): `^(?:(a)$`".
  static Result<Matcher> Make(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  bool Matches(std::string_view v) const;
  // Whether the matcher matches the empty string (a label that is absent); precomputed.
  bool MatchesEmpty() const { return matches_empty_; }
  bool IsRegexp() const { return type_ == MatchType::kRegexp || type_ == MatchType::kNotRegexp; }
  // For =~ and !~ whose regex is a plain alternation of literals ("a|b|c", or one literal):
  // the literals, so that storage can look them up directly. Empty otherwise.
  const std::vector<std::string>& SetMatches() const { return set_matches_; }
  // The anchored pattern "^(?:value)$" for regex matchers, "" otherwise.
  std::string RegexString() const;

  // name op "value" with Go quoting, e.g. job=~"api|web".
  std::string ToString() const;

  // Same type, name and value (the compiled regex follows from them).
  friend bool operator==(const Matcher& a, const Matcher& b) {
    return a.type_ == b.type_ && a.name_ == b.name_ && a.value_ == b.value_;
  }

 private:
  // How a regex is evaluated; everything but kRegex is an exact shortcut for the RE2 program.
  enum class Fast { kRegex, kLiteralSet, kPrefixAnyNoNewline, kAnyNoNewline, kNonEmptyNoNewline };

  Matcher() = default;
  bool RegexMatches(std::string_view v) const;

  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;
  Fast fast_ = Fast::kRegex;
  std::vector<std::string> set_matches_;
  std::string prefix_;  // for kPrefixAnyNoNewline: literal prefix before a trailing .*
  bool matches_empty_ = false;
};

}  // namespace vigie::promql::parser
