// Grouping labels, binary operator modifiers, offset, @ and range/subquery brackets.
#include <cmath>
#include <limits>

#include "promql/parser/go_format.h"
#include "promql/parser/parser.h"
#include "promql/parser/parser_impl.h"

namespace vigie::promql::parser {

namespace {

// Tokens accepted as a label name in by/without/on/ignoring/group_x lists (Prometheus's
// maybe_label: identifiers and most keywords, but not "without", numbers or strings).
bool IsMaybeLabelTok(Tok t) {
  switch (t) {
    case Tok::kIdentifier:
    case Tok::kMetricIdentifier:
    case Tok::kBool:
    case Tok::kBy:
    case Tok::kGroupLeft:
    case Tok::kGroupRight:
    case Tok::kIgnoring:
    case Tok::kLand:
    case Tok::kLor:
    case Tok::kLunless:
    case Tok::kOffset:
    case Tok::kOn:
    case Tok::kStart:
    case Tok::kEnd:
    case Tok::kAtan2:
      return true;
    default:
      return IsAggregatorTok(t);
  }
}

// timestamp.FromFloatSeconds: round(ts * 1000) as int64 (out-of-range wraps to INT64_MIN as
// Go's conversion does on amd64; the caller has already rejected such timestamps).
TimestampMs FromFloatSeconds(double ts) {
  double ms = std::round(ts * 1000.0);
  if (!(ms >= -9223372036854775808.0 && ms < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<TimestampMs>(ms);
}

}  // namespace

bool Parser::ParseGroupingLabels(std::vector<std::string>* out) {
  if (!PeekIs(Tok::kLeftParen)) {
    Unexpected("grouping opts", "\"(\"");
    return false;
  }
  Consume();
  if (PeekIs(Tok::kRightParen)) {
    Consume();
    return true;
  }
  while (true) {
    const Token& t = Peek();
    if (!IsMaybeLabelTok(t.type) || !IsLabelName(t.text)) {
      Unexpected("grouping opts", "label");
      return false;
    }
    out->push_back(std::string(Consume().text));
    if (PeekIs(Tok::kComma)) {
      Consume();
      if (PeekIs(Tok::kRightParen)) {
        Consume();
        return true;
      }
      continue;
    }
    if (PeekIs(Tok::kRightParen)) {
      Consume();
      return true;
    }
    Unexpected("grouping opts", "\",\" or \")\"");
    return false;
  }
}

bool Parser::ParseBinaryModifiers(BinaryExpr* bin) {
  VectorMatching vm;
  if (PeekIs(Tok::kBool)) {
    Consume();
    bin->return_bool = true;
  }
  if (PeekIs(Tok::kOn) || PeekIs(Tok::kIgnoring)) {
    vm.on = Consume().type == Tok::kOn;
    if (!ParseGroupingLabels(&vm.matching_labels)) return false;
    if (PeekIs(Tok::kGroupLeft) || PeekIs(Tok::kGroupRight)) {
      vm.card =
          Consume().type == Tok::kGroupLeft ? Cardinality::kManyToOne : Cardinality::kOneToMany;
      // The label list is optional; anything that can start the right-hand side ends the
      // modifier, anything else is reported as a bad label list.
      if ((PeekIs(Tok::kLeftParen) || !StartsExpression(Peek().type)) &&
          !ParseGroupingLabels(&vm.include)) {
        return false;
      }
    }
  }
  bin->matching = std::move(vm);
  return !failed();
}

bool Parser::ConsumeDuration(DurationMs* out) {
  Token t = Consume();
  auto d = ParsePromDuration(t.text);
  if (!d.ok()) {
    Fail(t.pos, d.error().message());
    return false;
  }
  if (*d == 0) {
    Fail(t.pos, "duration must be greater than 0");
    return false;
  }
  *out = *d;
  return true;
}

TimeModifiers* Parser::ModifiersFor(Expr& e, std::string_view what) {
  if (auto* vs = e.As<VectorSelector>()) return &vs->modifiers;
  if (auto* ms = e.As<MatrixSelector>()) return &ms->selector.modifiers;
  if (auto* sq = e.As<SubqueryExpr>()) return &sq->modifiers;
  Fail(e.pos.start, std::string(what) +
                        " must be preceded by an instant vector selector or range vector "
                        "selector or a subquery");
  return nullptr;
}

Parser::Node Parser::ParseOffset(Node operand) {
  Consume();  // offset
  bool negative = false;
  if (PeekIs(Tok::kSub)) {
    Consume();
    negative = true;
  }
  if (!PeekIs(Tok::kDuration)) return Unexpected("offset", "duration");
  DurationMs d = 0;
  if (!ConsumeDuration(&d)) return Node{};
  TimeModifiers* mods = ModifiersFor(*operand.expr, "offset modifier");
  if (!mods) return Node{};
  if (mods->offset != 0)
    return Fail(operand.expr->pos.start, "offset may not be set multiple times");
  mods->offset = negative ? -d : d;
  operand.expr->pos.end = last_closing_;
  return operand;
}

Parser::Node Parser::ParseAt(Node operand) {
  Consume();  // @
  const Token& t = Peek();
  if (t.type == Tok::kStart || t.type == Tok::kEnd) {
    AtAnchor anchor = Consume().type == Tok::kStart ? AtAnchor::kStart : AtAnchor::kEnd;
    if (!PeekIs(Tok::kLeftParen)) return Unexpected("@", "timestamp");
    Consume();
    if (!PeekIs(Tok::kRightParen)) return Unexpected("@", "timestamp");
    Consume();
    TimeModifiers* mods = ModifiersFor(*operand.expr, "@ modifier");
    if (!mods) return Node{};
    if (mods->HasAt())
      return Fail(operand.expr->pos.start, "@ <timestamp> may not be set multiple times");
    mods->anchor = anchor;
    operand.expr->pos.end = last_closing_;
    return operand;
  }
  double sign = 1;
  if (t.type == Tok::kAdd || t.type == Tok::kSub) {
    sign = Consume().type == Tok::kSub ? -1 : 1;
  }
  if (!PeekIs(Tok::kNumber)) return Unexpected("@", "timestamp");
  Token num = Consume();
  double ts = 0;
  std::string err;
  if (!ParseNumber(num.text, &ts, &err)) return Fail(num.pos, "error parsing number: " + err);
  ts *= sign;
  if (std::isinf(ts) || std::isnan(ts) || ts >= 9223372036854775807.0 ||
      ts <= -9223372036854775808.0) {
    return Fail(operand.expr->pos.start,
                "timestamp out of bounds for @ modifier: " + GoFormatFixed(ts, 6));
  }
  TimeModifiers* mods = ModifiersFor(*operand.expr, "@ modifier");
  if (!mods) return Node{};
  if (mods->HasAt())
    return Fail(operand.expr->pos.start, "@ <timestamp> may not be set multiple times");
  mods->at = FromFloatSeconds(ts);
  operand.expr->pos.end = last_closing_;
  return operand;
}

Parser::Node Parser::ParseRangeOrSubquery(Node operand) {
  Token open = Consume();  // [
  if (!PeekIs(Tok::kDuration)) return Unexpected("subquery selector", "duration");
  DurationMs range = 0;
  if (!ConsumeDuration(&range)) return Node{};
  if (PeekIs(Tok::kRightBracket)) {
    Token close = Consume();
    auto* vs = operand.expr->As<VectorSelector>();
    if (!vs) return Fail(open.pos, "ranges only allowed for vector selectors");
    if (vs->modifiers.offset != 0)
      return Fail(open.pos, "no offset modifiers allowed before range");
    if (vs->modifiers.at) return Fail(open.pos, "no @ modifiers allowed before range");
    PosRange pos{operand.expr->pos.start, close.end()};
    return Make(MatrixSelector{std::move(*vs), range}, pos, 0);
  }
  if (!PeekIs(Tok::kColon)) return Unexpected("subquery or range", "\":\" or \"]\"");
  Consume();
  DurationMs step = 0;
  if (PeekIs(Tok::kDuration)) {
    if (!ConsumeDuration(&step)) return Node{};
    if (!PeekIs(Tok::kRightBracket)) return Unexpected("subquery selector", "\"]\"");
  } else if (!PeekIs(Tok::kRightBracket)) {
    return Unexpected("subquery selector", "duration or \"]\"");
  }
  Token close = Consume();
  PosRange pos{operand.expr->pos.start, close.end()};
  return Make(SubqueryExpr{std::move(operand.expr), range, step, {}}, pos, operand.depth);
}

}  // namespace vigie::promql::parser
