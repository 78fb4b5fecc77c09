#include "promql/parser/preprocess.h"

#include <gtest/gtest.h>

#include "promql/parser/functions.h"
#include "promql/parser/parser.h"
#include "promql/parser/printer.h"

namespace vigie::promql::parser {
namespace {

ExprPtr Parse(std::string_view q) {
  auto r = ParseExpr(q);
  EXPECT_TRUE(r.ok()) << q;
  return std::move(r).value();
}

// Marks step-invariant subtrees with [[...]] to make the expected shapes readable.
std::string Marked(const Expr& e) {
  if (const auto* si = e.As<StepInvariantExpr>()) return "[[" + Marked(*si->expr) + "]]";
  if (const auto* b = e.As<BinaryExpr>()) {
    return Marked(*b->lhs) + " " + std::string(BinaryOpString(b->op)) + " " + Marked(*b->rhs);
  }
  if (const auto* c = e.As<Call>()) {
    std::string out = std::string(c->func->name) + "(";
    for (size_t i = 0; i < c->args.size(); ++i) out += (i ? ", " : "") + Marked(*c->args[i]);
    return out + ")";
  }
  if (const auto* sq = e.As<SubqueryExpr>()) {
    return Marked(*sq->expr) + "[" + FormatPromDuration(sq->range) + ":]";
  }
  if (const auto* a = e.As<AggregateExpr>()) {
    return std::string(AggregateOpString(a->op)) + "(" + Marked(*a->expr) + ")";
  }
  return ToString(e);
}

TEST(Preprocess, ResolvesStartAndEnd) {
  ExprPtr e = Parse("a @ start() + rate(b[5m] @ end()) + max_over_time(c[1h:] @ start()) + d @ 5");
  ResolveAtModifiers(*e, 1000, 2000);
  EXPECT_EQ(ToString(*e),
            "a @ 1.000 + rate(b[5m] @ 2.000) + max_over_time(c[1h:] @ 1.000) + d @ 5.000");
}

TEST(Preprocess, WrapsStepInvariantSubtrees) {
  struct Case {
    const char* q;
    const char* marked;
  } cases[] = {
      {"1", "[[1]]"},
      {"\"s\"", "[[\"s\"]]"},
      {"x", "x"},
      {"x @ 10", "[[x @ 10.000]]"},
      {"x @ start()", "[[x @ 1.000]]"},
      {"x + 1", "x + [[1]]"},
      {"x @ 10 + 1", "[[x @ 10.000 + 1]]"},
      {"x @ 10 + y", "[[x @ 10.000]] + y"},
      {"rate(x[5m] @ 10)", "[[rate(x[5m] @ 10.000)]]"},
      {"rate(x[5m])", "rate(x[5m])"},
      {"timestamp(x @ 10)", "timestamp([[x @ 10.000]])"},
      {"time()", "time()"},
      {"sum(x @ 10)", "[[sum(x @ 10.000)]]"},
      {"sum(rate(x[5m]))[1h:] @ 10", "[[sum(rate(x[5m]))[1h:]]]"},
      {"max_over_time((x @ 10)[1h:])", "max_over_time([[(x @ 10.000)]][1h:])"},
  };
  for (const auto& c : cases) {
    ExprPtr e = PreprocessExpr(Parse(c.q), 1000, 2000);
    EXPECT_EQ(Marked(*e), c.marked) << c.q;
  }
}

TEST(Preprocess, EffectiveOffset) {
  TimeModifiers plain;
  plain.offset = 60000;
  EXPECT_EQ(EffectiveOffset(plain, 1000000, {}), 60000);
  TimeModifiers at;
  at.offset = 60000;
  at.at = 400000;
  // Evaluated at 1000s, "@ 400s offset 1m" reads at 340s: an offset of 660s.
  EXPECT_EQ(EffectiveOffset(at, 1000000, {}), 660000);
  // Inside a subquery with its own @, the subquery's shift is already applied.
  ExprPtr sq = Parse("x[1h:] @ 700 offset 10s");
  std::vector<const Expr*> path = {sq.get()};
  EXPECT_EQ(EffectiveOffset(at, 1000000, path), 660000 - (10000 + 300000));
}

}  // namespace
}  // namespace vigie::promql::parser
