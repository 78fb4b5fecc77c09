// The PromQL lexer (internal to the parser): produces tokens on demand with the same rules,
// states and error messages as Prometheus's lexer (lex.go), including its context sensitivity
// (label matchers inside braces, durations inside brackets).
#pragma once

#include <string>
#include <string_view>

#include "promql/parser/token.h"

namespace vigie::promql::parser {

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  // The next token, comments included. After an error or the end of input, returns kEof
  // forever. For kError, text is the message and pos where Prometheus reports it.
  Token Next();

  std::string_view input() const { return input_; }

 private:
  Token LexStatements();
  Token LexInsideBraces();
  Token LexString(char quote, int start);
  Token LexRawString(int start);
  Token LexLineComment();
  Token LexNumberOrDuration();
  Token LexDuration();
  Token LexKeywordOrIdentifier();
  Token LexIdentifier();
  // Returns an escape error message, or "" when the escape sequence is valid.
  std::string LexEscape(char quote);

  bool ScanNumber();
  bool AcceptRemainingDuration();

  // Rune-level access; positions are byte offsets.
  char32_t NextRune();
  char32_t PeekRune();
  void Backup() { pos_ -= width_; }
  bool Accept(std::string_view valid);
  void AcceptRun(std::string_view valid);

  Token Emit(Tok type);
  Token Error(std::string message);

  std::string_view input_;
  int pos_ = 0;
  int start_ = 0;
  int width_ = 0;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  bool done_ = false;
  bool pending_duration_ = false;  // right after '[': a duration comes next
  std::string error_;              // backing store for the text of the last kError token
};

// Prometheus's isLabel: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsLabelName(std::string_view s);

}  // namespace vigie::promql::parser
