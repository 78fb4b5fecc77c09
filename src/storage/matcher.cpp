#include "storage/matcher.h"

#include <re2/re2.h>

#include <cstdlib>
#include <iostream>

#include "core/labels.h"

namespace vigie::storage {

namespace {
// "a|b|c" made only of literal characters: the exact set of values the regex matches.
std::vector<std::string> LiteralAlternatives(std::string_view re) {
  static constexpr std::string_view kMeta = "\\.+*?()[]{}^$";
  std::vector<std::string> out;
  std::string cur;
  for (char c : re) {
    if (kMeta.find(c) != std::string_view::npos) return {};
    if (c == '|') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(std::move(cur));
  return out;
}
}  // namespace

std::string_view MatchTypeString(MatchType t) {
  switch (t) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexMatch:
      return "=~";
    case MatchType::kRegexNoMatch:
      return "!~";
  }
  return "?";
}

Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch) {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_dot_nl(false);
    auto re = std::make_shared<RE2>("^(?:" + m.value_ + ")$", opts);
    if (!re->ok()) {
      return InvalidArgument("invalid regular expression \"" + m.value_ + "\" for label " +
                             m.name_ + ": " + re->error());
    }
    m.re_ = std::move(re);
    m.set_matches_ = LiteralAlternatives(m.value_);
  }
  m.matches_empty_ = m.Matches("");
  return m;
}

Matcher Matcher::MustMake(MatchType type, std::string name, std::string value) {
  auto m = Make(type, std::move(name), std::move(value));
  if (!m.ok()) {
    std::cerr << "Matcher::MustMake: " << m.error().message() << "\n";
    std::abort();
  }
  return std::move(m).value();
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual:
      return v == value_;
    case MatchType::kNotEqual:
      return v != value_;
    case MatchType::kRegexMatch:
      if (value_ == ".*") return true;
      return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
    case MatchType::kRegexNoMatch:
      if (value_ == ".*") return false;
      return !RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
  }
  return false;
}

std::string Matcher::ToString() const {
  return name_ + std::string(MatchTypeString(type_)) + "\"" + EscapeLabelValue(value_) + "\"";
}

}  // namespace vigie::storage
