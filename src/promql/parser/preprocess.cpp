#include "promql/parser/preprocess.h"

#include "promql/parser/functions.h"

namespace vigie::promql::parser {

namespace {

void Resolve(TimeModifiers& m, TimestampMs start, TimestampMs end) {
  if (m.anchor == AtAnchor::kStart) m.at = start;
  if (m.anchor == AtAnchor::kEnd) m.at = end;
}

ExprPtr Wrap(ExprPtr e) {
  PosRange pos = e->pos;
  return MakeExpr(StepInvariantExpr{std::move(e)}, pos);
}

// Returns whether `e` is step invariant; wraps invariant children of variant nodes.
bool Preprocess(Expr& e, TimestampMs start, TimestampMs end) {
  if (auto* vs = e.As<VectorSelector>()) {
    Resolve(vs->modifiers, start, end);
    return vs->modifiers.at.has_value();
  }
  if (auto* ms = e.As<MatrixSelector>()) {
    Resolve(ms->selector.modifiers, start, end);
    return ms->selector.modifiers.at.has_value();
  }
  if (auto* agg = e.As<AggregateExpr>()) {
    // Like Prometheus, only the vector argument decides (the parameter is evaluated per step).
    return Preprocess(*agg->expr, start, end);
  }
  if (auto* bin = e.As<BinaryExpr>()) {
    bool l = Preprocess(*bin->lhs, start, end);
    bool r = Preprocess(*bin->rhs, start, end);
    if (l && r) return true;
    if (l) bin->lhs = Wrap(std::move(bin->lhs));
    if (r) bin->rhs = Wrap(std::move(bin->rhs));
    return false;
  }
  if (auto* call = e.As<Call>()) {
    bool invariant = !call->func->at_modifier_unsafe;
    std::vector<bool> arg_invariant(call->args.size());
    for (size_t i = 0; i < call->args.size(); ++i) {
      arg_invariant[i] = Preprocess(*call->args[i], start, end);
      invariant = invariant && arg_invariant[i];
    }
    if (invariant) return true;
    for (size_t i = 0; i < call->args.size(); ++i) {
      if (arg_invariant[i]) call->args[i] = Wrap(std::move(call->args[i]));
    }
    return false;
  }
  if (auto* sq = e.As<SubqueryExpr>()) {
    // The inside is wrapped whatever the subquery's own @, so that it is evaluated once per
    // subquery start (the @ adjusts offsets, which would be wrong to redo per step).
    if (Preprocess(*sq->expr, start, end)) sq->expr = Wrap(std::move(sq->expr));
    Resolve(sq->modifiers, start, end);
    return sq->modifiers.at.has_value();
  }
  if (auto* p = e.As<ParenExpr>()) return Preprocess(*p->expr, start, end);
  if (auto* u = e.As<UnaryExpr>()) return Preprocess(*u->expr, start, end);
  if (auto* si = e.As<StepInvariantExpr>()) {
    Preprocess(*si->expr, start, end);
    return true;
  }
  return true;  // number and string literals
}

}  // namespace

void ResolveAtModifiers(Expr& e, TimestampMs start, TimestampMs end) {
  if (auto* vs = e.As<VectorSelector>()) Resolve(vs->modifiers, start, end);
  if (auto* ms = e.As<MatrixSelector>()) Resolve(ms->selector.modifiers, start, end);
  if (auto* sq = e.As<SubqueryExpr>()) Resolve(sq->modifiers, start, end);
  for (Expr* c : MutableChildren(e)) ResolveAtModifiers(*c, start, end);
}

ExprPtr PreprocessExpr(ExprPtr e, TimestampMs start, TimestampMs end) {
  if (Preprocess(*e, start, end) && !e->Is<StepInvariantExpr>()) return Wrap(std::move(e));
  return e;
}

DurationMs EffectiveOffset(const TimeModifiers& m, TimestampMs eval_time,
                           const std::vector<const Expr*>& path) {
  if (!m.at) return m.offset;
  DurationMs subq_offset = 0;
  std::optional<TimestampMs> subq_at;
  for (const Expr* n : path) {
    const auto* sq = n->As<SubqueryExpr>();
    if (!sq) continue;
    subq_offset += sq->modifiers.offset;
    if (sq->modifiers.at) {
      // An @ on a subquery resets what the enclosing ones contributed.
      subq_offset = sq->modifiers.offset;
      subq_at = sq->modifiers.at;
    }
  }
  if (subq_at) subq_offset += eval_time - *subq_at;
  DurationMs offset_for_at = eval_time - *m.at;
  return m.offset + offset_for_at - subq_offset;
}

}  // namespace vigie::promql::parser
