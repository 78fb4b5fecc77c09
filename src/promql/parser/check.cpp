// Type checking of a parsed tree, following Prometheus's checkAST rule by rule and in the same
// order, so that the first error reported is the one Prometheus reports.
#include <optional>

#include "core/labels.h"
#include "promql/parser/functions.h"
#include "promql/parser/go_format.h"
#include "promql/parser/parser_impl.h"

namespace vigie::promql::parser {

namespace {

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Checker {
 public:
  explicit Checker(std::string_view input) : input_(input) {}

  ValueType Check(Expr& e);
  const std::optional<Error>& error() const { return error_; }

 private:
  void Fail(int pos, const std::string& message) {
    if (!error_) error_ = InvalidArgument(FormatParseError(input_, pos, message));
  }
  // `context` names where the value is used; for a call it is the function's name.
  void ExpectType(Expr& e, ValueType want, std::string_view context, bool is_call = false) {
    ValueType got = Check(e);
    if (got != want) {
      std::string where = is_call ? "call to function " + GoQuote(context) : std::string(context);
      Fail(e.pos.start, "expected type " + std::string(DocumentedType(want)) + " in " + where +
                            ", got " + std::string(DocumentedType(got)));
    }
  }
  // Start of the operator between lhs and rhs, skipping white space (Prometheus's opRange).
  int OperatorPos(const BinaryExpr& b) const {
    int p = b.lhs->pos.end;
    while (p < static_cast<int>(input_.size()) && IsSpaceByte(input_[p])) ++p;
    return p;
  }

  void CheckBinary(Expr& e, BinaryExpr& b);
  void CheckCall(Expr& e, Call& c);
  void CheckSelector(const Expr& e, const VectorSelector& vs);

  std::string_view input_;
  std::optional<Error> error_;
};

ValueType Checker::Check(Expr& e) {
  ValueType type = e.Type();
  if (auto* agg = e.As<AggregateExpr>()) {
    ExpectType(*agg->expr, ValueType::kVector, "aggregation expression");
    switch (agg->op) {
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk:
      case AggregateOp::kQuantile:
        ExpectType(*agg->param, ValueType::kScalar, "aggregation parameter");
        break;
      case AggregateOp::kCountValues:
        ExpectType(*agg->param, ValueType::kString, "aggregation parameter");
        break;
      default:
        break;
    }
  } else if (auto* bin = e.As<BinaryExpr>()) {
    CheckBinary(e, *bin);
  } else if (auto* call = e.As<Call>()) {
    CheckCall(e, *call);
  } else if (auto* paren = e.As<ParenExpr>()) {
    Check(*paren->expr);
  } else if (auto* unary = e.As<UnaryExpr>()) {
    ValueType t = Check(*unary->expr);
    if (t != ValueType::kScalar && t != ValueType::kVector) {
      Fail(e.pos.start,
           "unary expression only allowed on expressions of type scalar or instant vector, got " +
               GoQuote(DocumentedType(t)));
    }
  } else if (auto* sq = e.As<SubqueryExpr>()) {
    ValueType t = Check(*sq->expr);
    if (t != ValueType::kVector) {
      Fail(e.pos.start, "subquery is only allowed on instant vector, got " +
                            std::string(ValueTypeName(t)) + " instead");
    }
  } else if (auto* ms = e.As<MatrixSelector>()) {
    CheckSelector(e, ms->selector);
  } else if (auto* vs = e.As<VectorSelector>()) {
    CheckSelector(e, *vs);
  } else if (auto* si = e.As<StepInvariantExpr>()) {
    Check(*si->expr);
  }
  return type;
}

void Checker::CheckBinary(Expr& e, BinaryExpr& b) {
  ValueType lt = Check(*b.lhs);
  ValueType rt = Check(*b.rhs);
  if (b.return_bool && !IsComparisonOp(b.op)) {
    Fail(OperatorPos(b), "bool modifier can only be used on comparison operators");
  }
  if (IsComparisonOp(b.op) && !b.return_bool && b.rhs->Type() == ValueType::kScalar &&
      b.lhs->Type() == ValueType::kScalar) {
    Fail(OperatorPos(b), "comparisons between scalars must use BOOL modifier");
  }
  if (!b.matching) b.matching = VectorMatching{};
  VectorMatching& vm = *b.matching;
  if (IsSetOp(b.op) && vm.card == Cardinality::kOneToOne) vm.card = Cardinality::kManyToMany;
  if (vm.on) {
    for (const auto& l1 : vm.matching_labels) {
      for (const auto& l2 : vm.include) {
        if (l1 == l2) {
          Fail(OperatorPos(b),
               "label " + GoQuote(l1) + " must not occur in ON and GROUP clause at once");
        }
      }
    }
  }
  if (lt != ValueType::kScalar && lt != ValueType::kVector) {
    Fail(b.lhs->pos.start, "binary expression must contain only scalar and instant vector types");
  }
  if (rt != ValueType::kScalar && rt != ValueType::kVector) {
    Fail(b.rhs->pos.start, "binary expression must contain only scalar and instant vector types");
  }
  auto op_name = [&] { return GoQuote(BinaryOpString(b.op)); };
  if (lt != ValueType::kVector || rt != ValueType::kVector) {
    if (!vm.matching_labels.empty()) {
      Fail(e.pos.start, "vector matching only allowed between instant vectors");
    }
    b.matching.reset();
  } else if (IsSetOp(b.op)) {
    if (vm.card == Cardinality::kOneToMany || vm.card == Cardinality::kManyToOne) {
      Fail(e.pos.start, "no grouping allowed for " + op_name() + " operation");
    }
    if (vm.card != Cardinality::kManyToMany) {
      Fail(e.pos.start, "set operations must always be many-to-many");
    }
  }
  if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOp(b.op)) {
    Fail(e.pos.start, "set operator " + op_name() + " not allowed in binary scalar expression");
  }
}

void Checker::CheckCall(Expr& e, Call& c) {
  const Function& f = *c.func;
  size_t nargs = f.arg_types.size();
  auto name = [&] { return GoQuote(f.name); };
  if (f.variadic == 0) {
    if (nargs != c.args.size()) {
      Fail(e.pos.start, "expected " + std::to_string(nargs) + " argument(s) in call to " + name() +
                            ", got " + std::to_string(c.args.size()));
    }
  } else {
    size_t na = nargs - 1;
    if (na > c.args.size()) {
      Fail(e.pos.start, "expected at least " + std::to_string(na) + " argument(s) in call to " +
                            name() + ", got " + std::to_string(c.args.size()));
    } else if (f.variadic > 0 && na + static_cast<size_t>(f.variadic) < c.args.size()) {
      Fail(e.pos.start, "expected at most " + std::to_string(na + f.variadic) +
                            " argument(s) in call to " + name() + ", got " +
                            std::to_string(c.args.size()));
    }
  }
  for (size_t i = 0; i < c.args.size(); ++i) {
    if (i >= nargs && f.variadic == 0) break;
    ExpectType(*c.args[i], f.ArgType(i), f.name, /*is_call=*/true);
  }
}

void Checker::CheckSelector(const Expr& e, const VectorSelector& vs) {
  if (!vs.name.empty()) {
    // The last matcher is the one for the name written before the braces.
    for (size_t i = 0; i + 1 < vs.matchers.size(); ++i) {
      if (vs.matchers[i].name() == kMetricNameLabel) {
        Fail(e.pos.start, "metric name must not be set twice: " + GoQuote(vs.name) + " or " +
                              GoQuote(vs.matchers[i].value()));
      }
    }
    return;
  }
  for (const auto& m : vs.matchers) {
    if (!m.MatchesEmpty()) return;
  }
  Fail(e.pos.start, "vector selector must contain at least one non-empty matcher");
}

}  // namespace

Status CheckAst(Expr& root, std::string_view input) {
  Checker c(input);
  c.Check(root);
  if (c.error()) return *c.error();
  return OkStatus();
}

}  // namespace vigie::promql::parser
