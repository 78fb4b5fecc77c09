// Tokens of the PromQL lexer (internal to the parser). Mirrors Prometheus's item types so that
// error messages can describe a token the way Prometheus does ("unexpected <op:*>").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigie::promql::parser {

enum class Tok : uint8_t {
  kError,
  kEof,
  kComment,
  kIdentifier,
  kMetricIdentifier,
  kNumber,
  kString,
  kDuration,
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kAssign,  // "=" (label matching); "==" is kEqlc
  kColon,
  // Operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,
  kNeq,
  kLss,
  kLte,
  kGtr,
  kGte,
  kEqlRegex,
  kNeqRegex,
  kLand,
  kLor,
  kLunless,
  kAt,
  kAtan2,
  // Aggregators.
  kAvg,
  kBottomk,
  kCount,
  kCountValues,
  kGroup,
  kMax,
  kMin,
  kQuantile,
  kStddev,
  kStdvar,
  kSum,
  kTopk,
  // Keywords.
  kBool,
  kBy,
  kGroupLeft,
  kGroupRight,
  kIgnoring,
  kOffset,
  kOn,
  kWithout,
  // Preprocessors (@ start(), @ end()).
  kStart,
  kEnd,
};

inline bool IsOperatorTok(Tok t) { return t >= Tok::kAdd && t <= Tok::kAtan2; }
inline bool IsAggregatorTok(Tok t) { return t >= Tok::kAvg && t <= Tok::kTopk; }
inline bool IsKeywordTok(Tok t) { return t >= Tok::kBool && t <= Tok::kWithout; }

struct Token {
  Tok type = Tok::kEof;
  int pos = 0;            // byte offset of the first character
  std::string_view text;  // the characters of the token (for kError: the error message)

  int end() const { return pos + static_cast<int>(text.size()); }
};

// How Prometheus names a token in "unexpected ..." errors: `identifier "foo"`, `<op:+>`,
// `<aggr:sum>`, `<by>`, `"("`, `number "1"`, `end of input`.
std::string DescribeToken(const Token& t);

}  // namespace vigie::promql::parser
