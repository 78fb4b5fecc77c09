// Parsing PromQL (Prometheus 2.42 syntax and type rules) into the typed tree of ast.h.
//
// Errors read like Prometheus's and carry the position of the first problem as line:column,
// e.g. `1:8: parse error: unexpected "}" in label matching, expected label matching operator`
// or `1:6: parse error: expected type range vector in call to function "rate", got instant
// vector`. All errors have ErrorCode::kInvalidArgument.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "promql/parser/ast.h"
#include "promql/parser/matcher.h"

namespace vigie::promql::parser {

// Deeper expressions are rejected (Prometheus has no limit; ours keeps every recursive walk of
// the tree, here and in the evaluator, off the end of a thread's stack: parsing the deepest
// accepted query takes about 1.5 MB of stack).
inline constexpr int kMaxExprDepth = 1000;

// Parses and type-checks an expression.
Result<ExprPtr> ParseExpr(std::string_view input);

// Parses a series selector such as the API's match[] parameters: `up`, `{job=~"api.*"}`,
// `http_requests_total{code!="200"}`. No offset, @ or range; not checked for emptiness (callers
// decide; Prometheus's API requires one matcher that does not match "").
Result<std::vector<Matcher>> ParseMetricSelector(std::string_view input);

// A duration as written in PromQL and Prometheus flags: units y w d h m s ms, largest first,
// each at most once ("1h30m"); "0" is allowed here. Errors as Prometheus words them:
// `not a valid duration string: "5x"`, `duration out of range`.
Result<DurationMs> ParsePromDuration(std::string_view s);

}  // namespace vigie::promql::parser
