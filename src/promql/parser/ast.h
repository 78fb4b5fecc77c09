// The typed PromQL syntax tree, as produced by ParseExpr (parser.h): an Expr is a node (a
// std::variant of the node structs below) plus its byte range in the query. Children are owned
// through ExprPtr. The tree mirrors Prometheus's promql/parser AST so the evaluator can follow
// Prometheus's semantics node by node.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/time.h"
#include "promql/parser/matcher.h"

namespace vigie::promql::parser {

struct Function;

enum class ValueType { kNone, kScalar, kVector, kMatrix, kString };
// Prometheus's internal names: "none", "scalar", "vector", "matrix", "string".
std::string_view ValueTypeName(ValueType t);
// The user-facing names: "scalar", "instant vector", "range vector", "string", "none".
std::string_view DocumentedType(ValueType t);

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAtan2,  // arithmetic
  kEql,
  kNeq,
  kGtr,
  kLss,
  kGte,
  kLte,  // comparison
  kAnd,
  kOr,
  kUnless,  // set
};
// The operator as written in canonical PromQL: "+", "==", "and", "atan2", ...
std::string_view BinaryOpString(BinaryOp op);
bool IsComparisonOp(BinaryOp op);
bool IsSetOp(BinaryOp op);
// Binding strength, higher binds tighter: or=1, and/unless=2, comparisons=3, +-=4, */%atan2=5, ^=6.
int Precedence(BinaryOp op);
bool IsRightAssociative(BinaryOp op);

enum class AggregateOp {
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kCountValues,
  kQuantile,
};
std::string_view AggregateOpString(AggregateOp op);
// topk, bottomk, quantile and count_values take a parameter before the vector.
bool AggregateTakesParam(AggregateOp op);

enum class UnaryOp { kPlus, kMinus };

// Byte offsets into the query, [start, end).
struct PosRange {
  int start = 0;
  int end = 0;
};

// The `@` and `offset` modifiers of a vector selector, matrix selector or subquery.
enum class AtAnchor { kNone, kStart, kEnd };  // @ start(), @ end()
struct TimeModifiers {
  DurationMs offset = 0;          // as written; negative for `offset -5m`
  std::optional<TimestampMs> at;  // @ <timestamp>; also set when start()/end() are resolved
  AtAnchor anchor = AtAnchor::kNone;

  // True when evaluation time does not matter (a fixed @ or an unresolved start()/end()).
  bool HasAt() const { return at.has_value() || anchor != AtAnchor::kNone; }
  friend bool operator==(const TimeModifiers&, const TimeModifiers&) = default;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct NumberLiteral {
  double value = 0;
};

struct StringLiteral {
  std::string value;
};

struct VectorSelector {
  std::string name;               // metric name written before the braces, or ""
  std::vector<Matcher> matchers;  // all matchers; a given name adds __name__="name" (last)
  TimeModifiers modifiers;
};

struct MatrixSelector {
  VectorSelector selector;  // carries the offset and @ of the range selector
  DurationMs range = 0;
};

struct SubqueryExpr {
  ExprPtr expr;
  DurationMs range = 0;
  DurationMs step = 0;  // 0: the query's default resolution (`[1h:]`)
  TimeModifiers modifiers;
};

struct ParenExpr {
  ExprPtr expr;
};

struct UnaryExpr {
  UnaryOp op = UnaryOp::kMinus;
  ExprPtr expr;
};

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };
std::string_view CardinalityString(Cardinality c);  // "one-to-one", ...

struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> matching_labels;  // on(...) / ignoring(...)
  bool on = false;
  std::vector<std::string> include;  // group_left(...) / group_right(...)
  friend bool operator==(const VectorMatching&, const VectorMatching&) = default;
};

struct BinaryExpr {
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool return_bool = false;
  // Present only when both sides are instant vectors (set after type checking); set operators
  // then have kManyToMany.
  std::optional<VectorMatching> matching;
};

struct Call {
  const Function* func = nullptr;  // never null in a parsed tree; points into the static table
  std::vector<ExprPtr> args;
};

struct AggregateExpr {
  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  ExprPtr param;  // topk/bottomk/quantile (scalar), count_values (string); null otherwise
  std::vector<std::string> grouping;
  bool without = false;
};

// Wraps a subtree whose value is the same at every step of a range query (see PreprocessExpr).
struct StepInvariantExpr {
  ExprPtr expr;
};

using ExprNode =
    std::variant<NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, SubqueryExpr,
                 ParenExpr, UnaryExpr, BinaryExpr, Call, AggregateExpr, StepInvariantExpr>;

struct Expr {
  ExprNode node;
  PosRange pos;

  template <typename T>
  bool Is() const {
    return std::holds_alternative<T>(node);
  }
  template <typename T>
  T* As() {
    return std::get_if<T>(&node);
  }
  template <typename T>
  const T* As() const {
    return std::get_if<T>(&node);
  }

  // The type the expression evaluates to.
  ValueType Type() const;
};

template <typename T>
ExprPtr MakeExpr(T node, PosRange pos = {}) {
  return std::make_unique<Expr>(Expr{ExprNode(std::move(node)), pos});
}

// Deep copy (matchers share their compiled regexes).
ExprPtr Clone(const Expr& e);

// Structural equality ignoring positions; matchers compare as a set, NaN equals NaN.
bool Equal(const Expr& a, const Expr& b);

// The direct children, in Prometheus's order: lhs then rhs; an aggregation's expr then param;
// call arguments left to right.
std::vector<const Expr*> Children(const Expr& e);
std::vector<Expr*> MutableChildren(Expr& e);

// Pre-order walk; `path` holds the ancestors of `e` (outermost first). Returning false from `f`
// skips the node's children.
void Inspect(const Expr& e,
             const std::function<bool(const Expr&, const std::vector<const Expr*>&)>& f);

// The matchers of every vector selector (including inside matrix selectors), in tree order.
std::vector<std::vector<Matcher>> ExtractSelectors(const Expr& e);

}  // namespace vigie::promql::parser
