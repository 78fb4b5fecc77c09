// The shape of parsed trees: precedence, associativity, modifiers, positions and types.
#include "promql/parser/ast.h"

#include <gtest/gtest.h>

#include <cmath>

#include "promql/parser/functions.h"
#include "promql/parser/parser.h"
#include "promql/parser/printer.h"

namespace vigie::promql::parser {
namespace {

ExprPtr Parse(std::string_view q) {
  auto r = ParseExpr(q);
  EXPECT_TRUE(r.ok()) << q << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? std::move(r).value() : nullptr;
}

// Fully parenthesised structure, to check how operators group.
std::string Shape(const Expr& e) {
  if (const auto* b = e.As<BinaryExpr>()) {
    return "(" + Shape(*b->lhs) + " " + std::string(BinaryOpString(b->op)) + " " + Shape(*b->rhs) +
           ")";
  }
  if (const auto* u = e.As<UnaryExpr>()) {
    return std::string(u->op == UnaryOp::kMinus ? "-" : "+") + "{" + Shape(*u->expr) + "}";
  }
  if (const auto* p = e.As<ParenExpr>()) return Shape(*p->expr);
  return ToString(e);
}

TEST(Ast, Precedence) {
  struct Case {
    const char* q;
    const char* shape;
  } cases[] = {
      {"a + b * c", "(a + (b * c))"},
      {"a * b + c", "((a * b) + c)"},
      {"a - b - c", "((a - b) - c)"},
      {"a / b * c % d", "(((a / b) * c) % d)"},
      {"a ^ b ^ c", "(a ^ (b ^ c))"},
      {"a * b ^ c", "(a * (b ^ c))"},
      {"a atan2 b * c", "((a atan2 b) * c)"},
      {"a + b == c", "((a + b) == c)"},
      {"a == b != c", "((a == b) != c)"},
      {"a > b and c", "((a > b) and c)"},
      {"a and b unless c", "((a and b) unless c)"},
      {"a unless b and c", "((a unless b) and c)"},
      {"a or b and c", "(a or (b and c))"},
      {"a and b or c and d", "((a and b) or (c and d))"},
      {"-a * b", "(-{a} * b)"},
      {"-a ^ b", "-{(a ^ b)}"},
      {"a ^ -b * c", "((a ^ -{b}) * c)"},
      {"a * -b ^ c", "(a * -{(b ^ c)})"},
      {"--a", "-{-{a}}"},
  };
  for (const auto& c : cases) {
    ExprPtr e = Parse(c.q);
    ASSERT_TRUE(e);
    EXPECT_EQ(Shape(*e), c.shape) << c.q;
  }
}

TEST(Ast, UnaryMinusFoldsIntoNumberLiterals) {
  ExprPtr e = Parse("-5");
  ASSERT_TRUE(e->Is<NumberLiteral>());
  EXPECT_EQ(e->As<NumberLiteral>()->value, -5);
  e = Parse("- -5");
  ASSERT_TRUE(e->Is<NumberLiteral>());
  EXPECT_EQ(e->As<NumberLiteral>()->value, 5);
  e = Parse("-(5)");
  EXPECT_TRUE(e->Is<UnaryExpr>());
  e = Parse("-2 ^ 2");  // -(2 ^ 2)
  EXPECT_TRUE(e->Is<UnaryExpr>());
}

TEST(Ast, NumberValues) {
  EXPECT_EQ(Parse("0x1f")->As<NumberLiteral>()->value, 31);
  EXPECT_EQ(Parse("010")->As<NumberLiteral>()->value, 8);
  EXPECT_EQ(Parse("09")->As<NumberLiteral>()->value, 9);
  EXPECT_EQ(Parse("1e3")->As<NumberLiteral>()->value, 1000);
  EXPECT_TRUE(std::isinf(Parse("Inf")->As<NumberLiteral>()->value));
  EXPECT_TRUE(std::isnan(Parse("nan")->As<NumberLiteral>()->value));
  EXPECT_EQ(Parse("1e-400")->As<NumberLiteral>()->value, 0);
}

TEST(Ast, StringValues) {
  EXPECT_EQ(Parse("\"a\\tb\"")->As<StringLiteral>()->value, "a\tb");
  EXPECT_EQ(Parse("'it\\'s'")->As<StringLiteral>()->value, "it's");
  EXPECT_EQ(Parse("`a\\tb`")->As<StringLiteral>()->value, "a\\tb");
  EXPECT_EQ(Parse("\"\\u00e9\\x41\\101\"")->As<StringLiteral>()->value,
            "\xc3\xa9"
            "AA");
  EXPECT_EQ(Parse("\"\\xff\"")->As<StringLiteral>()->value, "\xff");
}

TEST(Ast, VectorSelectorMatchers) {
  ExprPtr e = Parse("http_requests_total{code=~\"5..\", method!=\"GET\"}");
  const auto* vs = e->As<VectorSelector>();
  ASSERT_TRUE(vs);
  EXPECT_EQ(vs->name, "http_requests_total");
  ASSERT_EQ(vs->matchers.size(), 3u);
  EXPECT_EQ(vs->matchers[0].ToString(), "code=~\"5..\"");
  EXPECT_EQ(vs->matchers[1].ToString(), "method!=\"GET\"");
  EXPECT_EQ(vs->matchers[2].ToString(), "__name__=\"http_requests_total\"");
  EXPECT_TRUE(vs->matchers[0].Matches("503"));
  e = Parse("{__name__=~\"node_.+\"}");
  EXPECT_EQ(e->As<VectorSelector>()->name, "");
}

TEST(Ast, TimeModifiers) {
  ExprPtr e = Parse("up offset -5m @ 1.5");
  const auto& m = e->As<VectorSelector>()->modifiers;
  EXPECT_EQ(m.offset, -300000);
  ASSERT_TRUE(m.at.has_value());
  EXPECT_EQ(*m.at, 1500);
  EXPECT_EQ(m.anchor, AtAnchor::kNone);

  e = Parse("rate(up[5m] @ end() offset 1h)");
  const auto& ms = *e->As<Call>()->args[0]->As<MatrixSelector>();
  EXPECT_EQ(ms.range, 300000);
  EXPECT_EQ(ms.selector.modifiers.offset, 3600000);
  EXPECT_EQ(ms.selector.modifiers.anchor, AtAnchor::kEnd);
  EXPECT_FALSE(ms.selector.modifiers.at.has_value());
  EXPECT_TRUE(ms.selector.modifiers.HasAt());

  e = Parse("up @ start() [5m]");  // Prometheus accepts start()/end() before the range
  EXPECT_EQ(e->As<MatrixSelector>()->selector.modifiers.anchor, AtAnchor::kStart);

  e = Parse("up @ 1.0005");  // rounded to the millisecond
  EXPECT_EQ(*e->As<VectorSelector>()->modifiers.at, 1001);
}

TEST(Ast, Subqueries) {
  ExprPtr e = Parse("max_over_time(rate(x[1m])[1h:5m] offset 1d)");
  const auto* sq = e->As<Call>()->args[0]->As<SubqueryExpr>();
  ASSERT_TRUE(sq);
  EXPECT_EQ(sq->range, 3600000);
  EXPECT_EQ(sq->step, 300000);
  EXPECT_EQ(sq->modifiers.offset, 86400000);
  EXPECT_TRUE(sq->expr->Is<Call>());
  e = Parse("x[1h:]");
  EXPECT_EQ(e->As<SubqueryExpr>()->step, 0);
}

TEST(Ast, VectorMatching) {
  ExprPtr e = Parse("a * on(job, instance) group_left(team) b");
  const auto& b = *e->As<BinaryExpr>();
  ASSERT_TRUE(b.matching.has_value());
  EXPECT_TRUE(b.matching->on);
  EXPECT_EQ(b.matching->card, Cardinality::kManyToOne);
  EXPECT_EQ(b.matching->matching_labels, (std::vector<std::string>{"job", "instance"}));
  EXPECT_EQ(b.matching->include, (std::vector<std::string>{"team"}));

  e = Parse("a / ignoring(x) group_right b");
  EXPECT_FALSE(e->As<BinaryExpr>()->matching->on);
  EXPECT_EQ(e->As<BinaryExpr>()->matching->card, Cardinality::kOneToMany);

  e = Parse("a and b");
  EXPECT_EQ(e->As<BinaryExpr>()->matching->card, Cardinality::kManyToMany);
  e = Parse("a + b");
  EXPECT_EQ(e->As<BinaryExpr>()->matching->card, Cardinality::kOneToOne);
  // Matching only exists between two vectors.
  EXPECT_FALSE(Parse("a + 1")->As<BinaryExpr>()->matching.has_value());
  EXPECT_FALSE(Parse("1 + 1")->As<BinaryExpr>()->matching.has_value());
  EXPECT_TRUE(Parse("a > bool 1")->As<BinaryExpr>()->return_bool);
}

TEST(Ast, Aggregations) {
  ExprPtr e = Parse("topk without (instance) (5, rate(x[5m]))");
  const auto& a = *e->As<AggregateExpr>();
  EXPECT_EQ(a.op, AggregateOp::kTopk);
  EXPECT_TRUE(a.without);
  EXPECT_EQ(a.grouping, (std::vector<std::string>{"instance"}));
  ASSERT_TRUE(a.param);
  EXPECT_EQ(a.param->As<NumberLiteral>()->value, 5);
  EXPECT_TRUE(a.expr->Is<Call>());
  e = Parse("sum(x) by (job)");
  EXPECT_FALSE(e->As<AggregateExpr>()->without);
  EXPECT_EQ(e->As<AggregateExpr>()->grouping, (std::vector<std::string>{"job"}));
  EXPECT_FALSE(e->As<AggregateExpr>()->param);
  e = Parse("count_values(\"v\", x)");
  EXPECT_EQ(e->As<AggregateExpr>()->param->As<StringLiteral>()->value, "v");
}

TEST(Ast, Types) {
  struct Case {
    const char* q;
    ValueType type;
  } cases[] = {
      {"1", ValueType::kScalar},      {"\"s\"", ValueType::kString},
      {"x", ValueType::kVector},      {"x[5m]", ValueType::kMatrix},
      {"x[5m:]", ValueType::kMatrix}, {"1 + 1", ValueType::kScalar},
      {"x + 1", ValueType::kVector},  {"-x", ValueType::kVector},
      {"(1)", ValueType::kScalar},    {"scalar(x)", ValueType::kScalar},
      {"time()", ValueType::kScalar}, {"rate(x[5m])", ValueType::kVector},
      {"sum(x)", ValueType::kVector}, {"1 > bool 2", ValueType::kScalar},
  };
  for (const auto& c : cases) EXPECT_EQ(Parse(c.q)->Type(), c.type) << c.q;
}

TEST(Ast, Positions) {
  ExprPtr e = Parse("  sum(rate(x[5m]))  ");
  EXPECT_EQ(e->pos.start, 2);
  EXPECT_EQ(e->pos.end, 18);
  const Expr& call = *e->As<AggregateExpr>()->expr;
  EXPECT_EQ(call.pos.start, 6);
  EXPECT_EQ(call.pos.end, 17);
  const Expr& ms = *call.As<Call>()->args[0];
  EXPECT_EQ(ms.pos.start, 11);
  EXPECT_EQ(ms.pos.end, 16);
}

TEST(Ast, CloneIsDeepAndEqual) {
  ExprPtr e = Parse("sum by (a) (rate(x{y=~\"z.*\"}[5m] offset 1m)) / on(a) group_left vector(1)");
  ExprPtr c = Clone(*e);
  EXPECT_TRUE(Equal(*e, *c));
  c->As<BinaryExpr>()->rhs = Parse("vector(2)");
  EXPECT_FALSE(Equal(*e, *c));
}

TEST(Ast, EqualIgnoresPositionsAndMatcherOrder) {
  EXPECT_TRUE(Equal(*Parse("x{a=\"1\",b=\"2\"}"), *Parse(" x{ b=\"2\", a=\"1\" }")));
  EXPECT_FALSE(Equal(*Parse("x{a=\"1\"}"), *Parse("x{a=~\"1\"}")));
  EXPECT_TRUE(Equal(*Parse("NaN"), *Parse("nan")));
  EXPECT_FALSE(Equal(*Parse("x offset 1m"), *Parse("x")));
}

TEST(Ast, InspectAndExtractSelectors) {
  ExprPtr e = Parse("a + on(x) sum(rate(b[5m])) * max_over_time(c[1h:])");
  auto sel = ExtractSelectors(*e);
  ASSERT_EQ(sel.size(), 3u);
  EXPECT_EQ(sel[0].back().value(), "a");
  EXPECT_EQ(sel[1].back().value(), "b");
  EXPECT_EQ(sel[2].back().value(), "c");
  int max_depth = 0;
  Inspect(*e, [&](const Expr&, const std::vector<const Expr*>& path) {
    max_depth = std::max(max_depth, static_cast<int>(path.size()));
    return true;
  });
  EXPECT_EQ(max_depth, 4);  // b[5m] under +, *, sum, rate
}

TEST(Ast, DeepNestingIsRejectedNotCrashing) {
  std::string deep(5000, '(');
  deep += "1";
  deep += std::string(5000, ')');
  auto r = ParseExpr(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("nested too deeply"), std::string::npos);

  std::string chain = "x";
  for (int i = 0; i < 5000; ++i) chain += " + x";
  EXPECT_FALSE(ParseExpr(chain).ok());

  std::string minus(100000, '-');
  EXPECT_FALSE(ParseExpr(minus + "1").ok());

  std::string subqueries = "x";
  for (int i = 0; i < 5000; ++i) subqueries += "[1m:]";
  EXPECT_FALSE(ParseExpr(subqueries).ok());

  // Within the limit, deep trees are fine.
  std::string ok_chain = "x";
  for (int i = 0; i < 500; ++i) ok_chain += " + x";
  EXPECT_TRUE(ParseExpr(ok_chain).ok());
}

}  // namespace
}  // namespace vigie::promql::parser
