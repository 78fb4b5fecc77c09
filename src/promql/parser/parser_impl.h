// The recursive-descent / precedence-climbing parser behind parser.h (internal).
//
// It reproduces the observable behaviour of Prometheus's yacc grammar: which token an error is
// reported at, the context named in the message ("in grouping opts", "in aggregation", ...),
// and the order in which errors are found (only the first one is reported, as Prometheus does).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "promql/parser/ast.h"
#include "promql/parser/lexer.h"

namespace vigie::promql::parser {

// "line:col: parse error: message" for a byte offset into the query.
std::string FormatParseError(std::string_view input, int pos, std::string_view message);

// Interprets a lexed string literal ("...", '...' or `...`) as Go would; the lexer has already
// validated the escapes.
std::string UnquoteString(std::string_view token_text);

// Prometheus's parser.number(): ints (decimal, 0x hex, 0 octal) via int64, else float; Inf/NaN.
// Returns false with Go's error text when the literal is not a valid number.
bool ParseNumber(std::string_view text, double* out, std::string* error);

// Type checks a parsed tree the way Prometheus's checkAST does, fixing up vector matching
// (dropped unless both sides are vectors; set operators become many-to-many). Returns the first
// error as "line:col: parse error: ...".
Status CheckAst(Expr& root, std::string_view input);

// Tokens that may name a metric (Prometheus's metric_identifier rule).
bool IsMetricIdentifierTok(Tok t);
// Tokens that may start an expression.
bool StartsExpression(Tok t);

class Parser {
 public:
  explicit Parser(std::string_view input) : input_(input), lexer_(input) {}

  Result<ExprPtr> ParseExpression();
  Result<std::vector<Matcher>> ParseSelectorOnly();

 private:
  // A subtree and its depth (number of nodes on the longest path down).
  struct Node {
    ExprPtr expr;
    int depth = 0;
    explicit operator bool() const { return expr != nullptr; }
  };

  // Token stream. Reading a lexer error records it (as Prometheus does when its parser reads
  // the token) and turns it into the end of input.
  const Token& Peek();
  Token Consume();
  bool PeekIs(Tok t) { return Peek().type == t; }

  // Error recording; only the first error counts, and parsing stops at it.
  Node Fail(int pos, const std::string& message);
  // "unexpected <token>[ in <context>][, expected <expected>]" at the lookahead token. An empty
  // context means the generic message, which becomes "in aggregation" inside an aggregation's
  // argument list, like Prometheus's error recovery.
  Node Unexpected(std::string_view context, std::string_view expected);
  bool failed() const { return error_.has_value(); }
  Node TooDeep(int pos);

  Node ParseBinary(int min_precedence);
  Node ParseUnary();
  Node ParsePrimary();
  Node ParsePostfix(Node operand);
  Node ParseParen();
  Node ParseNumberLiteral();
  Node ParseStringLiteral();
  Node ParseFunctionCall(const Token& ident);
  Node ParseAggregation(const Token& op);
  // function_call_body: "(" [expr {"," expr}] ")". False on error.
  bool ParseCallBody(std::vector<Node>* args);

  // Selectors and matchers (parse_selector.cpp).
  // After an optional metric name (already consumed): optional {matchers}.
  Node ParseVectorSelector(std::optional<Token> name);
  bool ParseLabelMatchers(std::vector<Matcher>* out, int* end);

  // Modifiers (parse_modifiers.cpp).
  bool ParseGroupingLabels(std::vector<std::string>* out);
  bool ParseBinaryModifiers(BinaryExpr* bin);
  Node ParseOffset(Node operand);
  Node ParseAt(Node operand);
  Node ParseRangeOrSubquery(Node operand);
  // A DURATION token as a positive duration; false (error recorded) otherwise.
  bool ConsumeDuration(DurationMs* out);
  // The time modifiers an `offset`/`@` applies to, or null with an error recorded.
  TimeModifiers* ModifiersFor(Expr& e, std::string_view what);

  Node Make(ExprNode node, PosRange pos, int child_depth);

  std::string_view input_;
  Lexer lexer_;
  Token lookahead_;
  bool have_lookahead_ = false;
  int last_closing_ = 0;  // end of the last ) ] } number or duration read (Prometheus lastClosing)
  int aggregation_depth_ = 0;
  int recursion_ = 0;
  std::optional<Error> error_;
};

}  // namespace vigie::promql::parser
