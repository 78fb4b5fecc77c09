#include "promql/parser/parser.h"

#include <algorithm>

#include "promql/parser/functions.h"
#include "promql/parser/go_format.h"
#include "promql/parser/parser_impl.h"

namespace vigie::promql::parser {

namespace {

std::optional<BinaryOp> BinaryOpFor(Tok t) {
  switch (t) {
    case Tok::kAdd:
      return BinaryOp::kAdd;
    case Tok::kSub:
      return BinaryOp::kSub;
    case Tok::kMul:
      return BinaryOp::kMul;
    case Tok::kDiv:
      return BinaryOp::kDiv;
    case Tok::kMod:
      return BinaryOp::kMod;
    case Tok::kPow:
      return BinaryOp::kPow;
    case Tok::kAtan2:
      return BinaryOp::kAtan2;
    case Tok::kEqlc:
      return BinaryOp::kEql;
    case Tok::kNeq:
      return BinaryOp::kNeq;
    case Tok::kGtr:
      return BinaryOp::kGtr;
    case Tok::kLss:
      return BinaryOp::kLss;
    case Tok::kGte:
      return BinaryOp::kGte;
    case Tok::kLte:
      return BinaryOp::kLte;
    case Tok::kLand:
      return BinaryOp::kAnd;
    case Tok::kLor:
      return BinaryOp::kOr;
    case Tok::kLunless:
      return BinaryOp::kUnless;
    default:
      return std::nullopt;
  }
}

AggregateOp AggregateOpFor(Tok t) {
  switch (t) {
    case Tok::kAvg:
      return AggregateOp::kAvg;
    case Tok::kBottomk:
      return AggregateOp::kBottomk;
    case Tok::kCount:
      return AggregateOp::kCount;
    case Tok::kCountValues:
      return AggregateOp::kCountValues;
    case Tok::kGroup:
      return AggregateOp::kGroup;
    case Tok::kMax:
      return AggregateOp::kMax;
    case Tok::kMin:
      return AggregateOp::kMin;
    case Tok::kQuantile:
      return AggregateOp::kQuantile;
    case Tok::kStddev:
      return AggregateOp::kStddev;
    case Tok::kStdvar:
      return AggregateOp::kStdvar;
    case Tok::kTopk:
      return AggregateOp::kTopk;
    default:
      return AggregateOp::kSum;
  }
}

}  // namespace

// Tokens that may name a metric (Prometheus's metric_identifier rule).
bool IsMetricIdentifierTok(Tok t) {
  switch (t) {
    case Tok::kIdentifier:
    case Tok::kMetricIdentifier:
    case Tok::kBy:
    case Tok::kLand:
    case Tok::kLor:
    case Tok::kLunless:
    case Tok::kOffset:
    case Tok::kWithout:
    case Tok::kStart:
    case Tok::kEnd:
      return true;
    default:
      return IsAggregatorTok(t);
  }
}

bool StartsExpression(Tok t) {
  switch (t) {
    case Tok::kNumber:
    case Tok::kString:
    case Tok::kLeftParen:
    case Tok::kLeftBrace:
    case Tok::kAdd:
    case Tok::kSub:
      return true;
    default:
      return IsMetricIdentifierTok(t);
  }
}

std::string FormatParseError(std::string_view input, int pos, std::string_view message) {
  std::string out;
  if (pos < 0 || pos > static_cast<int>(input.size())) {
    out = "invalid position:";
  } else {
    int line = 1, last_break = -1;
    for (int i = 0; i < pos; ++i) {
      if (input[i] == '\n') {
        last_break = i;
        ++line;
      }
    }
    out = std::to_string(line) + ":" + std::to_string(pos - last_break) + ":";
  }
  out += " parse error: ";
  out += message;
  return out;
}

const Token& Parser::Peek() {
  if (!have_lookahead_) {
    do {
      lookahead_ = lexer_.Next();
    } while (lookahead_.type == Tok::kComment);
    have_lookahead_ = true;
    switch (lookahead_.type) {
      case Tok::kError:
        Fail(lookahead_.pos, std::string(lookahead_.text));
        lookahead_ = Token{Tok::kEof, static_cast<int>(input_.size()), {}};
        break;
      case Tok::kRightBrace:
      case Tok::kRightParen:
      case Tok::kRightBracket:
      case Tok::kDuration:
      case Tok::kNumber:
        last_closing_ = lookahead_.end();
        break;
      default:
        break;
    }
  }
  return lookahead_;
}

Token Parser::Consume() {
  Peek();
  have_lookahead_ = false;
  return lookahead_;
}

Parser::Node Parser::Fail(int pos, const std::string& message) {
  if (!error_) error_ = InvalidArgument(FormatParseError(input_, pos, message));
  return Node{};
}

Parser::Node Parser::Unexpected(std::string_view context, std::string_view expected) {
  const Token& t = Peek();
  if (failed()) return Node{};
  if (context.empty() && aggregation_depth_ > 0) context = "aggregation";
  std::string msg = "unexpected " + DescribeToken(t);
  if (!context.empty()) {
    msg += " in ";
    msg += context;
  }
  if (!expected.empty()) {
    msg += ", expected ";
    msg += expected;
  }
  return Fail(t.pos, msg);
}

Parser::Node Parser::TooDeep(int pos) {
  return Fail(
      pos, "expression nested too deeply (more than " + std::to_string(kMaxExprDepth) + " levels)");
}

Parser::Node Parser::Make(ExprNode node, PosRange pos, int child_depth) {
  if (child_depth + 1 > kMaxExprDepth) {
    return TooDeep(pos.start);
  }
  return Node{std::make_unique<Expr>(Expr{std::move(node), pos}), child_depth + 1};
}

Result<ExprPtr> Parser::ParseExpression() {
  if (PeekIs(Tok::kEof)) {
    if (!failed()) Fail(0, "no expression found in input");
    return *error_;
  }
  Node n = ParseBinary(0);
  if (n && !PeekIs(Tok::kEof)) Unexpected("", "");
  if (failed()) return *error_;
  VIGIE_RETURN_IF_ERROR(CheckAst(*n.expr, input_));
  return std::move(n.expr);
}

Result<std::vector<Matcher>> Parser::ParseSelectorOnly() {
  const Token& t = Peek();
  Node n;
  if (IsMetricIdentifierTok(t.type) || t.type == Tok::kLeftBrace) {
    n = ParseVectorSelector(t.type == Tok::kLeftBrace ? std::nullopt : std::optional(Consume()));
  } else {
    Unexpected("", "");
  }
  if (n && !PeekIs(Tok::kEof)) Unexpected("", "");
  if (failed()) return *error_;
  return std::move(n.expr->As<VectorSelector>()->matchers);
}

Parser::Node Parser::ParseBinary(int min_precedence) {
  Node lhs = ParseUnary();
  while (lhs) {
    std::optional<BinaryOp> op = BinaryOpFor(Peek().type);
    if (!op || Precedence(*op) < min_precedence) break;
    Consume();
    BinaryExpr bin;
    bin.op = *op;
    if (!ParseBinaryModifiers(&bin)) return Node{};
    int next = IsRightAssociative(*op) ? Precedence(*op) : Precedence(*op) + 1;
    Node rhs = ParseBinary(next);
    if (!rhs) return Node{};
    PosRange pos{lhs.expr->pos.start, rhs.expr->pos.end};
    int depth = std::max(lhs.depth, rhs.depth);
    bin.lhs = std::move(lhs.expr);
    bin.rhs = std::move(rhs.expr);
    lhs = Make(std::move(bin), pos, depth);
  }
  return lhs;
}

Parser::Node Parser::ParseUnary() {
  const Token& t = Peek();
  if (t.type != Tok::kAdd && t.type != Tok::kSub) return ParsePrimary();
  if (++recursion_ > kMaxExprDepth) {
    return TooDeep(t.pos);
  }
  Token op = Consume();
  // The operand binds like a multiplication: only ^ (and postfix modifiers) bind tighter.
  Node operand = ParseBinary(Precedence(BinaryOp::kPow));
  --recursion_;
  if (!operand) return Node{};
  if (auto* num = operand.expr->As<NumberLiteral>()) {
    if (op.type == Tok::kSub) num->value = -num->value;
    operand.expr->pos.start = op.pos;
    return operand;
  }
  PosRange pos{op.pos, operand.expr->pos.end};
  UnaryOp uop = op.type == Tok::kSub ? UnaryOp::kMinus : UnaryOp::kPlus;
  return Make(UnaryExpr{uop, std::move(operand.expr)}, pos, operand.depth);
}

Parser::Node Parser::ParsePrimary() {
  const Token& t = Peek();
  if (failed()) return Node{};
  if (++recursion_ > kMaxExprDepth) {
    return TooDeep(t.pos);
  }
  Node n;
  switch (t.type) {
    case Tok::kNumber:
      n = ParseNumberLiteral();
      break;
    case Tok::kString:
      n = ParseStringLiteral();
      break;
    case Tok::kLeftParen:
      n = ParseParen();
      break;
    case Tok::kLeftBrace:
      n = ParseVectorSelector(std::nullopt);
      break;
    case Tok::kIdentifier: {
      // A function call if "(" follows, else a metric name.
      Token ident = Consume();
      n = PeekIs(Tok::kLeftParen) ? ParseFunctionCall(ident) : ParseVectorSelector(ident);
      break;
    }
    default:
      if (IsAggregatorTok(t.type)) {
        // An aggregation if "(", "by" or "without" follows, else a metric name.
        Token op = Consume();
        Tok next = Peek().type;
        if (next == Tok::kLeftParen || next == Tok::kBy || next == Tok::kWithout) {
          n = ParseAggregation(op);
        } else {
          n = ParseVectorSelector(op);
        }
      } else if (IsMetricIdentifierTok(t.type)) {
        n = ParseVectorSelector(Consume());
      } else {
        n = Unexpected("", "");
      }
      break;
  }
  --recursion_;
  if (!n) return n;
  return ParsePostfix(std::move(n));
}

Parser::Node Parser::ParsePostfix(Node operand) {
  while (operand) {
    switch (Peek().type) {
      case Tok::kLeftBracket:
        operand = ParseRangeOrSubquery(std::move(operand));
        break;
      case Tok::kOffset:
        operand = ParseOffset(std::move(operand));
        break;
      case Tok::kAt:
        operand = ParseAt(std::move(operand));
        break;
      default:
        return operand;
    }
  }
  return operand;
}

Parser::Node Parser::ParseParen() {
  Token open = Consume();
  Node inner = ParseBinary(0);
  if (!inner) return inner;
  if (!PeekIs(Tok::kRightParen)) return Unexpected("", "");
  Token close = Consume();
  return Make(ParenExpr{std::move(inner.expr)}, PosRange{open.pos, close.end()}, inner.depth);
}

Parser::Node Parser::ParseNumberLiteral() {
  Token t = Consume();
  double v = 0;
  std::string err;
  if (!ParseNumber(t.text, &v, &err)) return Fail(t.pos, "error parsing number: " + err);
  return Make(NumberLiteral{v}, PosRange{t.pos, t.end()}, 0);
}

Parser::Node Parser::ParseStringLiteral() {
  Token t = Consume();
  return Make(StringLiteral{UnquoteString(t.text)}, PosRange{t.pos, t.end()}, 0);
}

bool Parser::ParseCallBody(std::vector<Node>* args) {
  if (!PeekIs(Tok::kLeftParen)) {
    Unexpected("", "");
    return false;
  }
  Consume();
  if (PeekIs(Tok::kRightParen)) {
    Consume();
    return true;
  }
  while (true) {
    Node arg = ParseBinary(0);
    if (!arg) return false;
    args->push_back(std::move(arg));
    const Token& t = Peek();
    if (t.type == Tok::kComma) {
      Token comma = Consume();
      // Anything that cannot start an argument makes the comma a trailing one.
      if (!StartsExpression(Peek().type)) {
        Fail(comma.pos, "trailing commas not allowed in function call args");
        return false;
      }
      continue;
    }
    if (t.type == Tok::kRightParen) {
      Consume();
      return true;
    }
    Unexpected("", "");
    return false;
  }
}

Parser::Node Parser::ParseFunctionCall(const Token& ident) {
  std::vector<Node> args;
  if (!ParseCallBody(&args)) return Node{};
  const Function* fn = FindFunction(ident.text);
  if (!fn) return Fail(ident.pos, "unknown function with name " + GoQuote(ident.text));
  Call call{fn, {}};
  int depth = 0;
  for (auto& a : args) {
    depth = std::max(depth, a.depth);
    call.args.push_back(std::move(a.expr));
  }
  return Make(std::move(call), PosRange{ident.pos, last_closing_}, depth);
}

Parser::Node Parser::ParseAggregation(const Token& op_tok) {
  AggregateExpr agg;
  agg.op = AggregateOpFor(op_tok.type);
  std::vector<Node> args;
  bool modifier_first = PeekIs(Tok::kBy) || PeekIs(Tok::kWithout);
  ++aggregation_depth_;
  if (modifier_first) {
    agg.without = Consume().type == Tok::kWithout;
    if (!ParseGroupingLabels(&agg.grouping)) return Node{};
  }
  bool ok = ParseCallBody(&args);
  --aggregation_depth_;
  if (!ok) return Node{};
  if (!modifier_first && (PeekIs(Tok::kBy) || PeekIs(Tok::kWithout))) {
    agg.without = Consume().type == Tok::kWithout;
    if (!ParseGroupingLabels(&agg.grouping)) return Node{};
  }
  if (failed()) return Node{};
  PosRange pos{op_tok.pos, last_closing_};
  if (args.empty()) return Fail(pos.start, "no arguments for aggregate expression provided");
  size_t want = AggregateTakesParam(agg.op) ? 2 : 1;
  if (args.size() != want) {
    return Fail(pos.start,
                "wrong number of arguments for aggregate expression provided, "
                "expected " +
                    std::to_string(want) + ", got " + std::to_string(args.size()));
  }
  int depth = 0;
  for (auto& a : args) depth = std::max(depth, a.depth);
  if (want == 2) agg.param = std::move(args[0].expr);
  agg.expr = std::move(args[want - 1].expr);
  return Make(std::move(agg), pos, depth);
}

Result<ExprPtr> ParseExpr(std::string_view input) {
  if (input.size() > static_cast<size_t>(INT32_MAX)) return InvalidArgument("query too long");
  Parser p(input);
  return p.ParseExpression();
}

Result<std::vector<Matcher>> ParseMetricSelector(std::string_view input) {
  if (input.size() > static_cast<size_t>(INT32_MAX)) return InvalidArgument("selector too long");
  Parser p(input);
  return p.ParseSelectorOnly();
}

}  // namespace vigie::promql::parser
