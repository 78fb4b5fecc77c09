// Text formatting that reproduces Go's fmt verbs where PromQL output depends on them, so that
// printed expressions and error messages read exactly like Prometheus's. Internal to the parser.
#pragma once

#include <string>
#include <string_view>

namespace vigie::promql::parser {

// strconv.Quote / %q: double-quoted, Go escapes, invalid UTF-8 bytes as \xNN.
std::string GoQuote(std::string_view s);
// %.Nq: like GoQuote but only the first `max_runes` runes, then "..." is NOT added (caller does).
std::string GoQuotePrefix(std::string_view s, size_t max_runes);
// strconv.QuoteRune / %q on a rune: 'x'.
std::string GoQuoteRune(char32_t r);
// %#U on a rune: U+0063 'c' (the quoted char only when printable).
std::string GoRuneWithCode(char32_t r);
// %v / fmt.Sprint of a float64: shortest round-trip digits; exponent form (1e+06) when the
// decimal exponent is < -4 or >= 6, as Go does.
std::string GoFormatFloat(double v);
// %.<prec>f of a float64, with Go's spelling of infinities and NaN (+Inf, -Inf, NaN).
std::string GoFormatFixed(double v, int prec);

// Decodes one UTF-8 rune at s[i]; returns U+FFFD with width 1 on invalid input, as Go does.
char32_t DecodeRune(std::string_view s, size_t i, size_t* width);
void AppendRune(std::string* out, char32_t r);
// Approximation of unicode.IsPrint (letters, marks, numbers, punctuation, symbols, ASCII space).
bool IsPrintRune(char32_t r);

}  // namespace vigie::promql::parser
