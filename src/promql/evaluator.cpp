// Evaluation dispatch and the per-step loop shared by functions, operators and aggregations.
#include "promql/evaluator.h"

#include <algorithm>

#include "promql/functions_eval.h"
#include "promql/parser/go_format.h"

namespace vigie::promql::internal {

using parser::Expr;

void Throw(Error e) { throw EvalError{std::move(e)}; }
void ThrowExec(std::string msg) { Throw(Error(ErrorCode::kOutOfRange, std::move(msg))); }

void QueryContext::CheckDone() {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
    Throw(Error(ErrorCode::kCanceled, "query was canceled in expression evaluation"));
  }
  if (MonotonicNs() >= deadline_ns) {
    Throw(Error(ErrorCode::kTimeout, "query timed out in expression evaluation"));
  }
}

const Expr& UnwrapParens(const Expr& e) {
  const Expr* p = &e;
  while (const auto* paren = p->As<parser::ParenExpr>()) p = paren->expr.get();
  return *p;
}

const Expr& Unwrap(const Expr& e) {
  const Expr* p = &UnwrapParens(e);
  if (const auto* si = p->As<parser::StepInvariantExpr>()) p = si->expr.get();
  return UnwrapParens(*p);
}

std::string GoLabelsString(const Labels& l) {
  std::string out = "{";
  bool first = true;
  for (const Label& lb : l) {
    if (!first) out += ", ";
    first = false;
    out += lb.name;
    out += '=';
    out += parser::GoQuote(lb.value);
  }
  out += '}';
  return out;
}

Labels AbsentLabels(const Expr& arg) {
  const std::vector<parser::Matcher>* ms = nullptr;
  if (const auto* vs = arg.As<parser::VectorSelector>()) ms = &vs->matchers;
  if (const auto* m = arg.As<parser::MatrixSelector>()) ms = &m->selector.matchers;
  if (ms == nullptr) return Labels();
  // An equality matcher sets its label unless the name was seen before; anything else on the
  // same name removes it (absent(x{job="a",job="b"}) reports no job).
  LabelsBuilder b;
  std::vector<std::string> has;
  for (const auto& m : *ms) {
    if (m.name() == kMetricNameLabel) continue;
    bool seen = std::find(has.begin(), has.end(), m.name()) != has.end();
    if (m.type() == parser::MatchType::kEqual && !seen) {
      b.Set(m.name(), m.value());
      has.push_back(m.name());
    } else {
      b.Del(m.name());
    }
  }
  return b.Build();
}

DurationMs Evaluator::EffectiveOffset(const parser::TimeModifiers& m) const {
  if (!m.at) return m.offset;
  return m.offset + (start_ - *m.at);
}

IMatrix Evaluator::Eval(const Expr& e) {
  ctx_.CheckDone();
  if (const auto* n = e.As<parser::NumberLiteral>()) return EvalNumber(n->value);
  if (const auto* p = e.As<parser::ParenExpr>()) return Eval(*p->expr);
  if (const auto* u = e.As<parser::UnaryExpr>()) return EvalUnary(*u);
  if (const auto* b = e.As<parser::BinaryExpr>()) return EvalBinary(*b);
  if (const auto* c = e.As<parser::Call>()) return EvalCall(*c);
  if (const auto* a = e.As<parser::AggregateExpr>()) return EvalAggregate(*a);
  if (const auto* vs = e.As<parser::VectorSelector>()) return EvalVectorSelector(*vs);
  if (const auto* ms = e.As<parser::MatrixSelector>()) return EvalMatrixSelector(*ms);
  if (const auto* sq = e.As<parser::SubqueryExpr>()) return EvalSubquery(*sq);
  if (const auto* si = e.As<parser::StepInvariantExpr>()) return EvalStepInvariant(*si);
  Throw(Internal("unexpected string expression in evaluation"));
}

IMatrix Evaluator::EvalNumber(double v) {
  IMatrix out(1);
  out[0].metric = ctx_.pool.Empty();
  int64_t steps = std::max<int64_t>(NumSteps(), 0);
  out[0].points.reserve(ReserveSteps(steps));
  for (TimestampMs ts = start_; ts <= end_; ts += interval_) out[0].points.push_back({ts, v});
  ctx_.current_samples += static_cast<int64_t>(out[0].points.size());
  if (ctx_.current_samples > ctx_.max_samples) Throw(ResourceExhausted(kErrTooManySamples));
  if (out[0].points.empty()) out.clear();
  return out;
}

IMatrix Evaluator::EvalUnary(const parser::UnaryExpr& u) {
  IMatrix m = Eval(*u.expr);
  if (u.op != parser::UnaryOp::kMinus) return m;
  std::vector<uint32_t> seen;
  for (auto& s : m) {
    s.metric = ctx_.pool.DropMetricName(s.metric);
    for (auto& p : s.points) p.v = -p.v;
    seen.push_back(s.metric->id);
  }
  std::sort(seen.begin(), seen.end());
  if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) ThrowExec(kErrSameLabelset);
  return m;
}

IMatrix Evaluator::EvalStepInvariant(const parser::StepInvariantExpr& si) {
  const Expr& inner = *si.expr;
  if (inner.Is<parser::NumberLiteral>() || inner.Is<parser::StringLiteral>()) return Eval(inner);
  Evaluator once(ctx_, start_, start_, interval_);
  IMatrix res = once.Eval(inner);
  // Range selectors and subqueries keep their own timestamps; anything else is repeated at
  // every step.
  if (inner.Is<parser::MatrixSelector>() || inner.Is<parser::SubqueryExpr>()) return res;
  for (auto& s : res) {
    if (s.points.size() != 1) ThrowExec("unexpected number of samples");
    double v = s.points[0].v;
    for (TimestampMs ts = start_ + interval_; ts <= end_; ts += interval_) {
      s.points.push_back({ts, v});
      if (++ctx_.current_samples > ctx_.max_samples) Throw(ResourceExhausted(kErrTooManySamples));
    }
  }
  return res;
}

IMatrix Evaluator::EvalSubquery(const parser::SubqueryExpr& sq) {
  DurationMs offset = EffectiveOffset(sq.modifiers);
  int64_t step = sq.step != 0 ? sq.step : ctx_.default_subquery_step;
  if (step <= 0) step = 1;
  TimestampMs lower = start_ - offset - sq.range;
  // The first step-aligned time at or after `lower` (Go's truncating division, as Prometheus).
  TimestampMs sub_start = step * (lower / step);
  if (sub_start < lower) sub_start += step;
  Evaluator sub(ctx_, sub_start, end_ - offset, step);
  // Every step holds at least one point per series: more steps than the limit cannot fit.
  if (sub.NumSteps() > ctx_.max_samples) Throw(ResourceExhausted(kErrTooManySamples));
  return sub.Eval(*sq.expr);
}

IMatrix Evaluator::RangeEval(std::span<const Expr* const> exprs, const PrepFn& prep,
                             const StepFn& fn) {
  int64_t original = ctx_.current_samples;
  std::vector<IMatrix> mats(exprs.size());
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (exprs[i] != nullptr && exprs[i]->Type() != parser::ValueType::kString) {
      mats[i] = Eval(*exprs[i]);
    }
  }
  return StepLoop(mats, prep, fn, original);
}

IMatrix Evaluator::StepLoop(std::vector<IMatrix>& mats, const PrepFn& prep, const StepFn& fn,
                            int64_t original_samples) {
  const size_t n = mats.size();
  std::vector<std::vector<LabelsRef>> aux(n);
  std::vector<std::vector<uint32_t>> cursor(n);
  for (size_t i = 0; i < n; ++i) {
    cursor[i].assign(mats[i].size(), 0);
    if (prep) {
      aux[i].resize(mats[i].size());
      for (size_t si = 0; si < mats[i].size(); ++si) aux[i][si] = prep(i, mats[i][si].metric);
    }
  }
  std::vector<IVector> vecs(n);
  IVector out;
  int64_t temp_samples = ctx_.current_samples;
  const int64_t steps = std::max<int64_t>(NumSteps(), 0);

  IMatrix result;
  // Output series by label-set id; -1 when not yet seen.
  std::vector<int32_t> out_index;

  for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
    ctx_.CheckDone();
    ctx_.current_samples = temp_samples;
    for (size_t i = 0; i < n; ++i) {
      IVector& vec = vecs[i];
      vec.clear();
      auto& mat = mats[i];
      auto& cur = cursor[i];
      for (size_t si = 0; si < mat.size(); ++si) {
        const auto& pts = mat[si].points;
        uint32_t c = cur[si];
        if (c < pts.size() && pts[c].t == ts) {
          if (ctx_.current_samples >= ctx_.max_samples) {
            Throw(ResourceExhausted(kErrTooManySamples));
          }
          vec.push_back({mat[si].metric, pts[c].v, ts, prep ? aux[i][si] : nullptr});
          cur[si] = c + 1;
          ++ctx_.current_samples;
        }
      }
    }
    StepArgs args{ts, vecs};
    out.clear();
    fn(args, out);

    ctx_.current_samples += static_cast<int64_t>(out.size());
    temp_samples += static_cast<int64_t>(out.size());
    if (ctx_.current_samples > ctx_.max_samples) Throw(ResourceExhausted(kErrTooManySamples));

    for (const ISample& s : out) {
      uint32_t id = s.metric->id;
      if (id >= out_index.size()) out_index.resize(ctx_.pool.size() + 64, -1);
      int32_t idx = out_index[id];
      if (idx < 0) {
        idx = static_cast<int32_t>(result.size());
        out_index[id] = idx;
        result.push_back({s.metric, {}});
        result.back().points.reserve(start_ == end_ ? 1 : ReserveSteps(steps));
      }
      auto& pts = result[idx].points;
      if (!pts.empty() && pts.back().t == ts) ThrowExec(kErrSameLabelset);
      pts.push_back({ts, s.v});
    }
  }
  int64_t total = 0;
  for (const auto& s : result) total += static_cast<int64_t>(s.points.size());
  ctx_.current_samples = original_samples + total;
  return result;
}

IMatrix Evaluator::EvalCall(const parser::Call& call) {
  using parser::FunctionId;
  if (call.func->id == FunctionId::kTimestamp) {
    const Expr& a = Unwrap(*call.args[0]);
    if (const auto* vs = a.As<parser::VectorSelector>()) return EvalTimestampOfSelector(call, *vs);
  }
  for (size_t i = 0; i < call.args.size(); ++i) {
    const Expr& a = Unwrap(*call.args[i]);
    if (a.Is<parser::MatrixSelector>() || a.Is<parser::SubqueryExpr>()) {
      return EvalMatrixCall(call, i);
    }
  }
  StepFn fn = MakeInstantFunction(call, ctx_);
  std::vector<const Expr*> exprs;
  for (const auto& a : call.args) exprs.push_back(a.get());
  return RangeEval(exprs, nullptr, fn);
}

IMatrix Evaluator::EvalAggregate(const parser::AggregateExpr& agg) {
  std::vector<std::string> grouping = agg.grouping;
  std::sort(grouping.begin(), grouping.end());
  if (auto streamed = EvalAggregateStreaming(agg, grouping)) return std::move(*streamed);
  const bool without = agg.without;
  std::unordered_map<LabelsRef, LabelsRef> group_cache;
  PrepFn prep = [this, &grouping, without, &group_cache](size_t, LabelsRef m) {
    auto it = group_cache.find(m);
    if (it != group_cache.end()) return it->second;
    LabelsRef g = GroupLabels(ctx_.pool, m, grouping, without);
    group_cache.emplace(m, g);
    return g;
  };
  if (agg.param != nullptr) {
    const Expr& p = Unwrap(*agg.param);
    if (const auto* s = p.As<parser::StringLiteral>()) {
      StepFn fn = MakeAggregation(agg, grouping, s->value, ctx_);
      const Expr* exprs[] = {agg.expr.get()};
      return RangeEval(
          exprs, [&prep](size_t, LabelsRef m) { return prep(0, m); }, fn);
    }
  }
  StepFn fn = MakeAggregation(agg, grouping, "", ctx_);
  const Expr* exprs[] = {agg.param.get(), agg.expr.get()};
  return RangeEval(exprs, prep, fn);
}

}  // namespace vigie::promql::internal
