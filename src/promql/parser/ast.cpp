#include "promql/parser/ast.h"

#include <algorithm>
#include <cmath>

#include "promql/parser/functions.h"

namespace vigie::promql::parser {

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kNone:
      return "none";
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "vector";
    case ValueType::kMatrix:
      return "matrix";
    case ValueType::kString:
      return "string";
  }
  return "none";
}

std::string_view DocumentedType(ValueType t) {
  switch (t) {
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kMatrix:
      return "range vector";
    default:
      return ValueTypeName(t);
  }
}

std::string_view BinaryOpString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
    case BinaryOp::kAtan2:
      return "atan2";
    case BinaryOp::kEql:
      return "==";
    case BinaryOp::kNeq:
      return "!=";
    case BinaryOp::kGtr:
      return ">";
    case BinaryOp::kLss:
      return "<";
    case BinaryOp::kGte:
      return ">=";
    case BinaryOp::kLte:
      return "<=";
    case BinaryOp::kAnd:
      return "and";
    case BinaryOp::kOr:
      return "or";
    case BinaryOp::kUnless:
      return "unless";
  }
  return "?";
}

bool IsComparisonOp(BinaryOp op) { return op >= BinaryOp::kEql && op <= BinaryOp::kLte; }
bool IsSetOp(BinaryOp op) { return op >= BinaryOp::kAnd; }

int Precedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return 1;
    case BinaryOp::kAnd:
    case BinaryOp::kUnless:
      return 2;
    case BinaryOp::kEql:
    case BinaryOp::kNeq:
    case BinaryOp::kGtr:
    case BinaryOp::kLss:
    case BinaryOp::kGte:
    case BinaryOp::kLte:
      return 3;
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
      return 4;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
    case BinaryOp::kAtan2:
      return 5;
    case BinaryOp::kPow:
      return 6;
  }
  return 0;
}

bool IsRightAssociative(BinaryOp op) { return op == BinaryOp::kPow; }

std::string_view AggregateOpString(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
      return "sum";
    case AggregateOp::kAvg:
      return "avg";
    case AggregateOp::kCount:
      return "count";
    case AggregateOp::kMin:
      return "min";
    case AggregateOp::kMax:
      return "max";
    case AggregateOp::kGroup:
      return "group";
    case AggregateOp::kStddev:
      return "stddev";
    case AggregateOp::kStdvar:
      return "stdvar";
    case AggregateOp::kTopk:
      return "topk";
    case AggregateOp::kBottomk:
      return "bottomk";
    case AggregateOp::kCountValues:
      return "count_values";
    case AggregateOp::kQuantile:
      return "quantile";
  }
  return "?";
}

bool AggregateTakesParam(AggregateOp op) {
  return op == AggregateOp::kTopk || op == AggregateOp::kBottomk ||
         op == AggregateOp::kCountValues || op == AggregateOp::kQuantile;
}

std::string_view CardinalityString(Cardinality c) {
  switch (c) {
    case Cardinality::kOneToOne:
      return "one-to-one";
    case Cardinality::kManyToOne:
      return "many-to-one";
    case Cardinality::kOneToMany:
      return "one-to-many";
    case Cardinality::kManyToMany:
      return "many-to-many";
  }
  return "?";
}

namespace {
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;
}  // namespace

ValueType Expr::Type() const {
  return std::visit(
      Overloaded{
          [](const NumberLiteral&) { return ValueType::kScalar; },
          [](const StringLiteral&) { return ValueType::kString; },
          [](const VectorSelector&) { return ValueType::kVector; },
          [](const MatrixSelector&) { return ValueType::kMatrix; },
          [](const SubqueryExpr&) { return ValueType::kMatrix; },
          [](const ParenExpr& n) { return n.expr->Type(); },
          [](const UnaryExpr& n) { return n.expr->Type(); },
          [](const BinaryExpr& n) {
            return n.lhs->Type() == ValueType::kScalar && n.rhs->Type() == ValueType::kScalar
                       ? ValueType::kScalar
                       : ValueType::kVector;
          },
          [](const Call& n) { return n.func ? n.func->return_type : ValueType::kNone; },
          [](const AggregateExpr&) { return ValueType::kVector; },
          [](const StepInvariantExpr& n) { return n.expr->Type(); },
      },
      node);
}

namespace {
ExprPtr CloneOrNull(const ExprPtr& e) { return e ? Clone(*e) : nullptr; }
}  // namespace

ExprPtr Clone(const Expr& e) {
  ExprNode copy =
      std::visit(Overloaded{
                     [](const NumberLiteral& n) -> ExprNode { return n; },
                     [](const StringLiteral& n) -> ExprNode { return n; },
                     [](const VectorSelector& n) -> ExprNode { return n; },
                     [](const MatrixSelector& n) -> ExprNode { return n; },
                     [](const SubqueryExpr& n) -> ExprNode {
                       return SubqueryExpr{CloneOrNull(n.expr), n.range, n.step, n.modifiers};
                     },
                     [](const ParenExpr& n) -> ExprNode { return ParenExpr{CloneOrNull(n.expr)}; },
                     [](const UnaryExpr& n) -> ExprNode {
                       return UnaryExpr{n.op, CloneOrNull(n.expr)};
                     },
                     [](const BinaryExpr& n) -> ExprNode {
                       return BinaryExpr{n.op, CloneOrNull(n.lhs), CloneOrNull(n.rhs),
                                         n.return_bool, n.matching};
                     },
                     [](const Call& n) -> ExprNode {
                       Call c{n.func, {}};
                       for (const auto& a : n.args) c.args.push_back(CloneOrNull(a));
                       return c;
                     },
                     [](const AggregateExpr& n) -> ExprNode {
                       return AggregateExpr{n.op, CloneOrNull(n.expr), CloneOrNull(n.param),
                                            n.grouping, n.without};
                     },
                     [](const StepInvariantExpr& n) -> ExprNode {
                       return StepInvariantExpr{CloneOrNull(n.expr)};
                     },
                 },
                 e.node);
  return std::make_unique<Expr>(Expr{std::move(copy), e.pos});
}

namespace {

bool EqualPtr(const ExprPtr& a, const ExprPtr& b) {
  if (!a || !b) return !a && !b;
  return Equal(*a, *b);
}

bool SameMatchers(const std::vector<Matcher>& a, const std::vector<Matcher>& b) {
  if (a.size() != b.size()) return false;
  auto key = [](const std::vector<Matcher>& ms) {
    std::vector<std::string> k;
    k.reserve(ms.size());
    for (const auto& m : ms) k.push_back(m.ToString());
    std::sort(k.begin(), k.end());
    return k;
  };
  return key(a) == key(b);
}

bool SameSelector(const VectorSelector& a, const VectorSelector& b) {
  return a.name == b.name && a.modifiers == b.modifiers && SameMatchers(a.matchers, b.matchers);
}

}  // namespace

bool Equal(const Expr& a, const Expr& b) {
  if (a.node.index() != b.node.index()) return false;
  return std::visit(
      Overloaded{
          [&](const NumberLiteral& x) {
            double y = std::get<NumberLiteral>(b.node).value;
            return (std::isnan(x.value) && std::isnan(y)) ||
                   (x.value == y && std::signbit(x.value) == std::signbit(y));
          },
          [&](const StringLiteral& x) { return x.value == std::get<StringLiteral>(b.node).value; },
          [&](const VectorSelector& x) {
            return SameSelector(x, std::get<VectorSelector>(b.node));
          },
          [&](const MatrixSelector& x) {
            const auto& y = std::get<MatrixSelector>(b.node);
            return x.range == y.range && SameSelector(x.selector, y.selector);
          },
          [&](const SubqueryExpr& x) {
            const auto& y = std::get<SubqueryExpr>(b.node);
            return x.range == y.range && x.step == y.step && x.modifiers == y.modifiers &&
                   EqualPtr(x.expr, y.expr);
          },
          [&](const ParenExpr& x) { return EqualPtr(x.expr, std::get<ParenExpr>(b.node).expr); },
          [&](const UnaryExpr& x) {
            const auto& y = std::get<UnaryExpr>(b.node);
            return x.op == y.op && EqualPtr(x.expr, y.expr);
          },
          [&](const BinaryExpr& x) {
            const auto& y = std::get<BinaryExpr>(b.node);
            return x.op == y.op && x.return_bool == y.return_bool && x.matching == y.matching &&
                   EqualPtr(x.lhs, y.lhs) && EqualPtr(x.rhs, y.rhs);
          },
          [&](const Call& x) {
            const auto& y = std::get<Call>(b.node);
            if (x.func != y.func || x.args.size() != y.args.size()) return false;
            for (size_t i = 0; i < x.args.size(); ++i) {
              if (!EqualPtr(x.args[i], y.args[i])) return false;
            }
            return true;
          },
          [&](const AggregateExpr& x) {
            const auto& y = std::get<AggregateExpr>(b.node);
            return x.op == y.op && x.grouping == y.grouping && x.without == y.without &&
                   EqualPtr(x.expr, y.expr) && EqualPtr(x.param, y.param);
          },
          [&](const StepInvariantExpr& x) {
            return EqualPtr(x.expr, std::get<StepInvariantExpr>(b.node).expr);
          },
      },
      a.node);
}

std::vector<Expr*> MutableChildren(Expr& e) {
  std::vector<Expr*> out;
  auto add = [&](ExprPtr& p) {
    if (p) out.push_back(p.get());
  };
  std::visit(Overloaded{
                 [](NumberLiteral&) {},
                 [](StringLiteral&) {},
                 [](VectorSelector&) {},
                 [](MatrixSelector&) {},
                 [&](SubqueryExpr& n) { add(n.expr); },
                 [&](ParenExpr& n) { add(n.expr); },
                 [&](UnaryExpr& n) { add(n.expr); },
                 [&](BinaryExpr& n) {
                   add(n.lhs);
                   add(n.rhs);
                 },
                 [&](Call& n) {
                   for (auto& a : n.args) add(a);
                 },
                 [&](AggregateExpr& n) {
                   add(n.expr);
                   add(n.param);
                 },
                 [&](StepInvariantExpr& n) { add(n.expr); },
             },
             e.node);
  return out;
}

std::vector<const Expr*> Children(const Expr& e) {
  auto mutable_children = MutableChildren(const_cast<Expr&>(e));
  return {mutable_children.begin(), mutable_children.end()};
}

namespace {
void InspectRec(const Expr& e, std::vector<const Expr*>& path,
                const std::function<bool(const Expr&, const std::vector<const Expr*>&)>& f) {
  if (!f(e, path)) return;
  path.push_back(&e);
  for (const Expr* c : Children(e)) InspectRec(*c, path, f);
  path.pop_back();
}
}  // namespace

void Inspect(const Expr& e,
             const std::function<bool(const Expr&, const std::vector<const Expr*>&)>& f) {
  std::vector<const Expr*> path;
  InspectRec(e, path, f);
}

std::vector<std::vector<Matcher>> ExtractSelectors(const Expr& e) {
  std::vector<std::vector<Matcher>> out;
  Inspect(e, [&](const Expr& n, const std::vector<const Expr*>&) {
    if (const auto* vs = n.As<VectorSelector>()) out.push_back(vs->matchers);
    if (const auto* ms = n.As<MatrixSelector>()) out.push_back(ms->selector.matchers);
    return true;
  });
  return out;
}

}  // namespace vigie::promql::parser
