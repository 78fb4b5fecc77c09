#include "promql/parser/token.h"

#include "promql/parser/go_format.h"

namespace vigie::promql::parser {

namespace {

// Go's %.10q followed by "..." for long values, %q otherwise (Item.String in Prometheus).
std::string QuoteValue(std::string_view v) {
  size_t runes = 0;
  for (size_t i = 0; i < v.size(); ++runes) {
    size_t w = 1;
    DecodeRune(v, i, &w);
    i += w;
  }
  if (runes > 10) return GoQuotePrefix(v, 10) + "...";
  return GoQuote(v);
}

}  // namespace

std::string DescribeToken(const Token& t) {
  switch (t.type) {
    case Tok::kEof:
      return "end of input";
    case Tok::kError:
      return std::string(t.text);
    case Tok::kIdentifier:
      return "identifier " + GoQuote(t.text);
    case Tok::kMetricIdentifier:
      return "metric identifier " + GoQuote(t.text);
    case Tok::kNumber:
      return "number " + QuoteValue(t.text);
    case Tok::kString:
      return "string " + QuoteValue(t.text);
    case Tok::kDuration:
      return "duration " + QuoteValue(t.text);
    case Tok::kComment:
      return "comment " + QuoteValue(t.text);
    // Prometheus has no display name for "@", so its description shows the yacc token number.
    case Tok::kAt:
      return "\"<Item 57385>\" <op:@>";
    default:
      break;
  }
  auto bracketed = [&](std::string_view prefix) {
    std::string out(prefix);
    out.append(t.text);
    out.push_back('>');
    return out;
  };
  if (IsKeywordTok(t.type)) return bracketed("<");
  if (IsOperatorTok(t.type)) return bracketed("<op:");
  if (IsAggregatorTok(t.type)) return bracketed("<aggr:");
  return QuoteValue(t.text);
}

}  // namespace vigie::promql::parser
