#include "promql/parser/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigie::promql::parser {
namespace {

struct Lexed {
  Tok type;
  std::string text;
  int pos;
  friend bool operator==(const Lexed&, const Lexed&) = default;
};

std::ostream& operator<<(std::ostream& os, const Lexed& l) {
  return os << "{" << static_cast<int>(l.type) << ", \"" << l.text << "\", " << l.pos << "}";
}

std::vector<Lexed> LexAll(std::string_view input) {
  Lexer lexer(input);
  std::vector<Lexed> out;
  while (true) {
    Token t = lexer.Next();
    out.push_back({t.type, std::string(t.text), t.pos});
    if (t.type == Tok::kEof || t.type == Tok::kError) break;
  }
  return out;
}

TEST(Lexer, SelectorWithMatchersAndRange) {
  std::vector<Lexed> want = {
      {Tok::kIdentifier, "up", 0},   {Tok::kLeftBrace, "{", 2},    {Tok::kIdentifier, "job", 3},
      {Tok::kEqlRegex, "=~", 6},     {Tok::kString, "\"a\"", 8},   {Tok::kComma, ",", 11},
      {Tok::kIdentifier, "sum", 12}, {Tok::kNeq, "!=", 15},        {Tok::kString, "'b'", 17},
      {Tok::kRightBrace, "}", 20},   {Tok::kLeftBracket, "[", 21}, {Tok::kDuration, "5m", 22},
      {Tok::kColon, ":", 24},        {Tok::kDuration, "1m", 25},   {Tok::kRightBracket, "]", 27},
      {Tok::kEof, "", 28},
  };
  EXPECT_EQ(LexAll("up{job=~\"a\",sum!='b'}[5m:1m]"), want);
}

TEST(Lexer, KeywordsAreCaseInsensitiveAndInfNanAreNumbers) {
  auto got = LexAll("SUM By OffSet inf NaN group_left foo:bar");
  ASSERT_EQ(got.size(), 8u);
  EXPECT_EQ(got[0].type, Tok::kSum);
  EXPECT_EQ(got[1].type, Tok::kBy);
  EXPECT_EQ(got[2].type, Tok::kOffset);
  EXPECT_EQ(got[3].type, Tok::kNumber);
  EXPECT_EQ(got[4].type, Tok::kNumber);
  EXPECT_EQ(got[5].type, Tok::kGroupLeft);
  EXPECT_EQ(got[6].type, Tok::kMetricIdentifier);
}

TEST(Lexer, KeywordsInsideBracesAreIdentifiers) {
  auto got = LexAll("{sum=\"x\",offset=\"y\"}");
  EXPECT_EQ(got[1].type, Tok::kIdentifier);
  EXPECT_EQ(got[5].type, Tok::kIdentifier);
}

TEST(Lexer, NumbersAndDurations) {
  auto got = LexAll("1 0x1F 1.5e-3 .5 5m 1h30m 100ms");
  std::vector<Tok> types;
  for (const auto& l : got) types.push_back(l.type);
  EXPECT_EQ(types, (std::vector<Tok>{Tok::kNumber, Tok::kNumber, Tok::kNumber, Tok::kNumber,
                                     Tok::kDuration, Tok::kDuration, Tok::kDuration, Tok::kEof}));
}

TEST(Lexer, CommentsRunToEndOfLine) {
  auto got = LexAll("a # note\n+ b");
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[1].type, Tok::kComment);
  EXPECT_EQ(got[1].text, "# note");
  EXPECT_EQ(got[2].type, Tok::kAdd);
}

TEST(Lexer, ErrorsCarryPrometheusTextAndPosition) {
  struct Case {
    std::string_view input;
    std::string_view message;
    int pos;
  } cases[] = {
      {"a $", "unexpected character: '$'", 2},
      {"(a))", "unexpected right parenthesis ')'", 4},
      {"(a", "unclosed left parenthesis", 2},
      {"a[5m", "unclosed left bracket", 4},
      {"a{b=\"c\"", "unexpected end of input inside braces", 7},
      {"\"abc", "unterminated quoted string", 0},
      {"x `abc", "unterminated raw string", 2},
      {"\"\\q\"", "unknown escape sequence U+0071 'q'", 0},
      {"a[5x]", "bad duration syntax: \"5\"", 2},
      {"a[5mx]", "bad duration syntax: \"5mx\"", 2},
      {"a[5]", "missing unit character in duration", 2},
      {"0xyz", "bad number or duration syntax: \"0xyz\"", 0},
      {"a[1m:1m:", "unexpected colon ':'", 7},
      {"a =~ b", "unexpected character after '=': '~'", 2},
      {"a ! b", "unexpected character after '!': ' '", 2},
      {"{a!b}", "unexpected character after '!' inside braces: 'b'", 2},
      {"{{", "unexpected left brace '{'", 1},
      {"a]", "unexpected right bracket ']'", 1},
      {"a[[", "missing unit character in duration", 2},
      {"a[5m[", "unexpected left bracket '['", 4},
  };
  for (const auto& c : cases) {
    auto got = LexAll(c.input);
    ASSERT_EQ(got.back().type, Tok::kError) << c.input;
    EXPECT_EQ(got.back().text, c.message) << c.input;
    EXPECT_EQ(got.back().pos, c.pos) << c.input;
  }
}

TEST(Lexer, StopsAfterError) {
  Lexer lexer(")");
  EXPECT_EQ(lexer.Next().type, Tok::kError);
  EXPECT_EQ(lexer.Next().type, Tok::kEof);
  EXPECT_EQ(lexer.Next().type, Tok::kEof);
}

TEST(Lexer, DescribesTokensLikePrometheus) {
  EXPECT_EQ(DescribeToken({Tok::kIdentifier, 0, "foo"}), "identifier \"foo\"");
  EXPECT_EQ(DescribeToken({Tok::kMetricIdentifier, 0, "a:b"}), "metric identifier \"a:b\"");
  EXPECT_EQ(DescribeToken({Tok::kNumber, 0, "12345678901"}), "number \"1234567890\"...");
  EXPECT_EQ(DescribeToken({Tok::kString, 0, "\"x\""}), "string \"\\\"x\\\"\"");
  EXPECT_EQ(DescribeToken({Tok::kDuration, 0, "5m"}), "duration \"5m\"");
  EXPECT_EQ(DescribeToken({Tok::kMul, 0, "*"}), "<op:*>");
  EXPECT_EQ(DescribeToken({Tok::kLand, 0, "AND"}), "<op:AND>");
  EXPECT_EQ(DescribeToken({Tok::kSum, 0, "sum"}), "<aggr:sum>");
  EXPECT_EQ(DescribeToken({Tok::kBy, 0, "by"}), "<by>");
  EXPECT_EQ(DescribeToken({Tok::kLeftParen, 0, "("}), "\"(\"");
  EXPECT_EQ(DescribeToken({Tok::kStart, 0, "start"}), "\"start\"");
  EXPECT_EQ(DescribeToken({Tok::kEof, 0, ""}), "end of input");
}

TEST(Lexer, IsLabelName) {
  EXPECT_TRUE(IsLabelName("job"));
  EXPECT_TRUE(IsLabelName("_x9"));
  EXPECT_FALSE(IsLabelName(""));
  EXPECT_FALSE(IsLabelName("9x"));
  EXPECT_FALSE(IsLabelName("a:b"));
}

}  // namespace
}  // namespace vigie::promql::parser
