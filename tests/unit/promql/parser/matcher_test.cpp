#include "promql/parser/matcher.h"

#include <gtest/gtest.h>

namespace vigie::promql::parser {
namespace {

Matcher Must(MatchType t, std::string name, std::string value) {
  auto m = Matcher::Make(t, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok()) << m.error().message();
  return std::move(m).value();
}

TEST(Matcher, EqualityMatchers) {
  Matcher eq = Must(MatchType::kEqual, "job", "api");
  EXPECT_TRUE(eq.Matches("api"));
  EXPECT_FALSE(eq.Matches("api2"));
  EXPECT_FALSE(eq.MatchesEmpty());
  Matcher ne = Must(MatchType::kNotEqual, "job", "api");
  EXPECT_FALSE(ne.Matches("api"));
  EXPECT_TRUE(ne.Matches(""));
  EXPECT_TRUE(ne.MatchesEmpty());
  EXPECT_TRUE(Must(MatchType::kEqual, "job", "").MatchesEmpty());
}

TEST(Matcher, RegexIsFullyAnchored) {
  Matcher re = Must(MatchType::kRegexp, "job", "api|web");
  EXPECT_TRUE(re.Matches("api"));
  EXPECT_TRUE(re.Matches("web"));
  EXPECT_FALSE(re.Matches("xapi"));
  EXPECT_FALSE(re.Matches("apix"));
  EXPECT_FALSE(re.Matches("api|web"));
  EXPECT_EQ(re.RegexString(), "^(?:api|web)$");
  Matcher pre = Must(MatchType::kRegexp, "path", "/api/.*");
  EXPECT_TRUE(pre.Matches("/api/v1"));
  EXPECT_TRUE(pre.Matches("/api/"));
  EXPECT_FALSE(pre.Matches("/ap"));
  EXPECT_FALSE(pre.Matches("x/api/v1"));
}

TEST(Matcher, RegexFeatures) {
  Matcher ci = Must(MatchType::kRegexp, "a", "(?i)ERROR");
  EXPECT_TRUE(ci.Matches("error"));
  Matcher cls = Must(MatchType::kRegexp, "a", "[0-9]{3}");
  EXPECT_TRUE(cls.Matches("500"));
  EXPECT_FALSE(cls.Matches("50"));
  Matcher utf = Must(MatchType::kRegexp, "a", "caf.");
  EXPECT_TRUE(utf.Matches("caf\xc3\xa9"));  // "." is one rune, not one byte
  Matcher unicode_class = Must(MatchType::kRegexp, "a", "\\p{Greek}+");
  EXPECT_TRUE(unicode_class.Matches("\xce\xb1\xce\xb2"));
}

TEST(Matcher, DotDoesNotMatchNewlineLikeGo) {
  for (const char* v : {".*", ".+", "a.*", "(.*)"}) {
    Matcher m = Must(MatchType::kRegexp, "a", v);
    EXPECT_FALSE(m.Matches("a\nb")) << v;
    EXPECT_TRUE(m.Matches("ab")) << v;
  }
  EXPECT_TRUE(Must(MatchType::kRegexp, "a", ".*").Matches(""));
  EXPECT_FALSE(Must(MatchType::kRegexp, "a", ".+").Matches(""));
  EXPECT_TRUE(Must(MatchType::kRegexp, "a", "(?s).*").Matches("a\nb"));
}

TEST(Matcher, NegativeRegex) {
  Matcher m = Must(MatchType::kNotRegexp, "code", "5..");
  EXPECT_TRUE(m.Matches("200"));
  EXPECT_FALSE(m.Matches("503"));
  EXPECT_TRUE(m.MatchesEmpty());
  EXPECT_FALSE(Must(MatchType::kNotRegexp, "a", ".*").MatchesEmpty());
  EXPECT_FALSE(Must(MatchType::kNotRegexp, "a", "").MatchesEmpty());
}

TEST(Matcher, SetMatchesForLiteralAlternations) {
  EXPECT_EQ(Must(MatchType::kRegexp, "a", "x|y|z").SetMatches(),
            (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(Must(MatchType::kRegexp, "a", "solo").SetMatches(), (std::vector<std::string>{"solo"}));
  EXPECT_TRUE(Must(MatchType::kRegexp, "a", "x.|y").SetMatches().empty());
  EXPECT_TRUE(Must(MatchType::kEqual, "a", "x").SetMatches().empty());
  // The shortcut agrees with the regex.
  Matcher m = Must(MatchType::kRegexp, "a", "x||y");
  EXPECT_TRUE(m.Matches(""));
  EXPECT_TRUE(m.Matches("y"));
  EXPECT_FALSE(m.Matches("xy"));
}

TEST(Matcher, InvalidRegexReadsLikeGo) {
  struct Case {
    const char* regex;
    const char* error;
  } cases[] = {
      {"(", "error parsing regexp: missing closing ): `^(?:()$`"},
      {"[a", "error parsing regexp: missing closing ]: `[a)$`"},
      {"a**", "error parsing regexp: invalid nested repetition operator: `**`"},
      {"*", "error parsing regexp: missing argument to repetition operator: `*`"},
      {"\\q", "error parsing regexp: invalid escape sequence: `\\q`"},
      {"\\C", "error parsing regexp: invalid escape sequence: `\\C`"},
      {"a)|(b", "error parsing regexp: unexpected ): `a)|(b`"},
      {"\xff", "error parsing regexp: invalid UTF-8: `\xff)$`"},
  };
  for (const auto& c : cases) {
    auto m = Matcher::Make(MatchType::kRegexp, "a", c.regex);
    ASSERT_FALSE(m.ok()) << c.regex;
    EXPECT_EQ(m.error().message(), c.error);
  }
  EXPECT_TRUE(Matcher::Make(MatchType::kRegexp, "a", "\\\\C").ok());  // an escaped backslash
}

TEST(Matcher, ToStringAndEquality) {
  EXPECT_EQ(Must(MatchType::kEqual, "job", "a\"b").ToString(), "job=\"a\\\"b\"");
  EXPECT_EQ(Must(MatchType::kNotEqual, "job", "x").ToString(), "job!=\"x\"");
  EXPECT_EQ(Must(MatchType::kRegexp, "job", "x\ny").ToString(), "job=~\"x\\ny\"");
  EXPECT_EQ(Must(MatchType::kNotRegexp, "job", "x").ToString(), "job!~\"x\"");
  EXPECT_EQ(Must(MatchType::kRegexp, "a", "x"), Must(MatchType::kRegexp, "a", "x"));
  EXPECT_FALSE(Must(MatchType::kRegexp, "a", "x") == Must(MatchType::kEqual, "a", "x"));
}

TEST(Matcher, CopiesShareTheCompiledRegex) {
  Matcher a = Must(MatchType::kRegexp, "a", "[ab]+c");
  Matcher b = a;
  EXPECT_TRUE(b.Matches("abac"));
  EXPECT_FALSE(b.Matches("abad"));
}

}  // namespace
}  // namespace vigie::promql::parser
