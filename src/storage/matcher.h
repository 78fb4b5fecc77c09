// Label matchers on the storage side (name, op, value), with Prometheus semantics.
// The PromQL parser has its own AST type; cmd/promql convert into this one.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace re2 {
class RE2;
}

namespace vigie::storage {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// "=", "!=", "=~", "!~"
std::string_view MatchTypeString(MatchType t);

// Immutable once made; cheap to copy (the compiled regex is shared).
class Matcher {
 public:
  // Regexes are RE2 syntax, fully anchored as in Prometheus ("^(?:value)$"); a bad regex is
  // an error naming it.
  static Result<Matcher> Make(MatchType type, std::string name, std::string value);
  // For tests and literals known to be valid; aborts on a bad regex.
  static Matcher MustMake(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  // Whether a label value matches. An absent label has value "" (Prometheus semantics), so a
  // matcher for which Matches("") is true also selects series without the label.
  bool Matches(std::string_view v) const;
  bool MatchesEmpty() const { return matches_empty_; }
  // For regex matchers: the alternatives when the regex is a plain list "a|b|c" of literals
  // (fast path through the postings index); empty otherwise.
  const std::vector<std::string>& SetMatches() const { return set_matches_; }

  // name="value" style, as PromQL prints it.
  std::string ToString() const;

 private:
  Matcher() = default;
  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;
  std::vector<std::string> set_matches_;
  bool matches_empty_ = false;
};

using Matchers = std::vector<Matcher>;

}  // namespace vigie::storage
