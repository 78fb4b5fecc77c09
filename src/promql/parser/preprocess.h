// Query-time preparation of a parsed tree for the evaluator: resolving `@ start()` / `@ end()`
// and marking step-invariant subtrees, as Prometheus's engine does before evaluation.
#pragma once

#include "core/time.h"
#include "promql/parser/ast.h"

namespace vigie::promql::parser {

// Sets the timestamp of every `@ start()` / `@ end()` in the tree to the query's start / end
// (ms). Other @ timestamps are left as they are.
void ResolveAtModifiers(Expr& e, TimestampMs start, TimestampMs end);

// Prometheus's PreprocessExpr: resolves start()/end() and wraps each maximal subtree whose value
// does not depend on the evaluation step (literals, selectors with @, and anything built only
// from those, except through time-dependent functions such as time() or timestamp()) in a
// StepInvariantExpr, so a range query evaluates it once. Returns the (possibly wrapped) root.
ExprPtr PreprocessExpr(ExprPtr e, TimestampMs start, TimestampMs end);

// The offset a selector or subquery evaluated at `eval_time` should use, folding an @ timestamp
// into it as Prometheus does (setOffsetForAtModifier): original offset + (eval_time - at), minus
// what enclosing subqueries in `path` (outermost first) already account for.
DurationMs EffectiveOffset(const TimeModifiers& m, TimestampMs eval_time,
                           const std::vector<const Expr*>& path);

}  // namespace vigie::promql::parser
