#include "promql/parser/printer.h"

#include <algorithm>
#include <cmath>

#include "core/labels.h"
#include "promql/parser/functions.h"
#include "promql/parser/go_format.h"

namespace vigie::promql::parser {

namespace {

void AppendJoined(std::string* out, const std::vector<std::string>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) *out += ", ";
    *out += items[i];
  }
}

// " @ 123.000 offset 5m" (the order Prometheus prints them in).
void AppendModifiers(std::string* out, const TimeModifiers& m) {
  if (m.at) {
    *out += " @ ";
    *out += GoFormatFixed(static_cast<double>(*m.at) / 1000.0, 3);
  } else if (m.anchor == AtAnchor::kStart) {
    *out += " @ start()";
  } else if (m.anchor == AtAnchor::kEnd) {
    *out += " @ end()";
  }
  if (m.offset > 0) {
    *out += " offset ";
    *out += FormatPromDuration(m.offset);
  } else if (m.offset < 0) {
    *out += " offset -";
    *out += FormatPromDuration(-m.offset);
  }
}

// The selector without its modifiers: name{sorted matchers other than the name's}.
void AppendSelectorBody(std::string* out, const VectorSelector& vs) {
  std::vector<std::string> parts;
  for (const auto& m : vs.matchers) {
    // The name written before the braces. (Prometheus 2.42 also drops an explicit
    // {__name__=""} here, which changes the selector; we keep it.)
    if (!vs.name.empty() && m.name() == kMetricNameLabel && m.type() == MatchType::kEqual &&
        m.value() == vs.name) {
      continue;
    }
    parts.push_back(m.ToString());
  }
  *out += vs.name;
  if (parts.empty()) return;
  std::sort(parts.begin(), parts.end());
  *out += "{";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) *out += ",";
    *out += parts[i];
  }
  *out += "}";
}

std::string AggregatePrefix(const AggregateExpr& a) {
  std::string out(AggregateOpString(a.op));
  if (a.without) {
    out += " without (";
    AppendJoined(&out, a.grouping);
    out += ") ";
  } else if (!a.grouping.empty()) {
    out += " by (";
    AppendJoined(&out, a.grouping);
    out += ") ";
  }
  return out;
}

// " bool on (a) group_left (b)" between the operator and the right-hand side.
std::string BinaryModifiers(const BinaryExpr& b) {
  std::string out;
  if (b.return_bool) out += " bool";
  if (!b.matching) return out;
  const VectorMatching& vm = *b.matching;
  bool grouped = vm.card == Cardinality::kManyToOne || vm.card == Cardinality::kOneToMany;
  // Unlike Prometheus 2.42, "ignoring ()" is kept when a group modifier needs it, so that the
  // output parses back to the same tree.
  if (!vm.matching_labels.empty() || vm.on || grouped) {
    out += vm.on ? " on (" : " ignoring (";
    AppendJoined(&out, vm.matching_labels);
    out += ")";
  }
  if (grouped) {
    out += vm.card == Cardinality::kManyToOne ? " group_left (" : " group_right (";
    AppendJoined(&out, vm.include);
    out += ")";
  }
  return out;
}

std::string SubquerySuffix(const SubqueryExpr& s) {
  std::string out = "[";
  out += FormatPromDuration(s.range);
  out += ":";
  if (s.step != 0) out += FormatPromDuration(s.step);
  out += "]";
  AppendModifiers(&out, s.modifiers);
  return out;
}

// "+Inf ^ x" would parse as +(Inf ^ x): a unary plus binds looser than ^. So +Inf as the base of
// a power is printed "Inf" (Prometheus prints "+Inf"), which parses back to the same tree.
bool IsPlusInfBase(const BinaryExpr& b) {
  const auto* lhs = b.lhs->As<NumberLiteral>();
  return b.op == BinaryOp::kPow && lhs != nullptr && std::isinf(lhs->value) && lhs->value > 0;
}

void Print(std::string* out, const Expr& e) {
  if (const auto* n = e.As<NumberLiteral>()) {
    *out += GoFormatFloat(n->value);
  } else if (const auto* s = e.As<StringLiteral>()) {
    *out += GoQuote(s->value);
  } else if (const auto* vs = e.As<VectorSelector>()) {
    AppendSelectorBody(out, *vs);
    AppendModifiers(out, vs->modifiers);
  } else if (const auto* ms = e.As<MatrixSelector>()) {
    AppendSelectorBody(out, ms->selector);
    *out += "[";
    *out += FormatPromDuration(ms->range);
    *out += "]";
    AppendModifiers(out, ms->selector.modifiers);
  } else if (const auto* sq = e.As<SubqueryExpr>()) {
    Print(out, *sq->expr);
    *out += SubquerySuffix(*sq);
  } else if (const auto* p = e.As<ParenExpr>()) {
    *out += "(";
    Print(out, *p->expr);
    *out += ")";
  } else if (const auto* u = e.As<UnaryExpr>()) {
    *out += u->op == UnaryOp::kMinus ? "-" : "+";
    Print(out, *u->expr);
  } else if (const auto* b = e.As<BinaryExpr>()) {
    if (IsPlusInfBase(*b)) {
      *out += "Inf";
    } else {
      Print(out, *b->lhs);
    }
    *out += " ";
    *out += BinaryOpString(b->op);
    *out += BinaryModifiers(*b);
    *out += " ";
    Print(out, *b->rhs);
  } else if (const auto* c = e.As<Call>()) {
    *out += c->func->name;
    *out += "(";
    for (size_t i = 0; i < c->args.size(); ++i) {
      if (i > 0) *out += ", ";
      Print(out, *c->args[i]);
    }
    *out += ")";
  } else if (const auto* a = e.As<AggregateExpr>()) {
    *out += AggregatePrefix(*a);
    *out += "(";
    if (a->param) {
      Print(out, *a->param);
      *out += ", ";
    }
    Print(out, *a->expr);
    *out += ")";
  } else if (const auto* si = e.As<StepInvariantExpr>()) {
    Print(out, *si->expr);
  }
}

constexpr size_t kMaxLineLength = 100;

std::string Indent(int level) { return std::string(static_cast<size_t>(level) * 2, ' '); }

std::string Pretty(const Expr& e, int level) {
  std::string flat = ToString(e);
  bool split = flat.size() > kMaxLineLength;
  if (const auto* si = e.As<StepInvariantExpr>()) return Pretty(*si->expr, level);
  if (const auto* u = e.As<UnaryExpr>()) {
    std::string child = Pretty(*u->expr, level);
    child.erase(0, child.find_first_not_of(" \t\n"));
    while (!child.empty() && (child.back() == ' ' || child.back() == '\n')) child.pop_back();
    return Indent(level) + (u->op == UnaryOp::kMinus ? "-" : "+") + child;
  }
  if (const auto* sq = e.As<SubqueryExpr>()) {
    if (!split) return flat;
    return Pretty(*sq->expr, level) + SubquerySuffix(*sq);
  }
  if (!split) return Indent(level) + flat;
  if (const auto* a = e.As<AggregateExpr>()) {
    std::string out = Indent(level) + AggregatePrefix(*a) + "(\n";
    if (a->param) out += Pretty(*a->param, level + 1) + ",\n";
    return out + Pretty(*a->expr, level + 1) + "\n" + Indent(level) + ")";
  }
  if (const auto* b = e.As<BinaryExpr>()) {
    std::string lhs = IsPlusInfBase(*b) ? Indent(level + 1) + "Inf" : Pretty(*b->lhs, level + 1);
    return lhs + "\n" + Indent(level) + std::string(BinaryOpString(b->op)) + BinaryModifiers(*b) +
           "\n" + Pretty(*b->rhs, level + 1);
  }
  if (const auto* c = e.As<Call>()) {
    std::string out = Indent(level) + std::string(c->func->name) + "(\n";
    for (size_t i = 0; i < c->args.size(); ++i) {
      out += Pretty(*c->args[i], level + 1);
      if (i + 1 < c->args.size()) out += ",\n";
    }
    return out + "\n" + Indent(level) + ")";
  }
  if (const auto* p = e.As<ParenExpr>()) {
    return Indent(level) + "(\n" + Pretty(*p->expr, level + 1) + "\n" + Indent(level) + ")";
  }
  return Indent(level) + flat;
}

}  // namespace

std::string ToString(const Expr& e) {
  std::string out;
  Print(&out, e);
  return out;
}

std::string Prettify(const Expr& e) { return Pretty(e, 0); }

std::string FormatPromDuration(DurationMs d) {
  if (d == 0) return "0s";
  std::string out;
  int64_t ms = d;
  auto unit = [&](std::string_view name, int64_t mult, bool exact) {
    if (exact && ms % mult != 0) return;
    if (int64_t v = ms / mult; v > 0) {
      out += std::to_string(v);
      out += name;
      ms -= v * mult;
    }
  };
  unit("y", 365LL * 24 * 3600 * 1000, true);
  unit("w", 7LL * 24 * 3600 * 1000, true);
  unit("d", 24LL * 3600 * 1000, false);
  unit("h", 3600LL * 1000, false);
  unit("m", 60LL * 1000, false);
  unit("s", 1000, false);
  unit("ms", 1, false);
  return out;
}

}  // namespace vigie::promql::parser
