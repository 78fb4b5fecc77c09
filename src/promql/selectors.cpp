// Reading data: instant and range selectors, range-vector function calls (one pass per series,
// sliding the window), and timestamp() of a selector.
#include <algorithm>
#include <cmath>

#include "promql/evaluator.h"
#include "promql/functions_eval.h"
#include "storage/value.h"

namespace vigie::promql::internal {

using parser::Expr;

namespace {

storage::MatchType ToStorage(parser::MatchType t) {
  switch (t) {
    case parser::MatchType::kEqual:
      return storage::MatchType::kEqual;
    case parser::MatchType::kNotEqual:
      return storage::MatchType::kNotEqual;
    case parser::MatchType::kRegexp:
      return storage::MatchType::kRegexMatch;
    case parser::MatchType::kNotRegexp:
      return storage::MatchType::kRegexNoMatch;
  }
  return storage::MatchType::kEqual;
}

// Drops stale markers: range windows never see them.
void RemoveStale(std::vector<Point>* pts) {
  pts->erase(std::remove_if(pts->begin(), pts->end(),
                            [](const Point& p) { return storage::IsStaleNaN(p.v); }),
             pts->end());
}

}  // namespace

const SelectedSeries& QueryContext::Select(const parser::VectorSelector& vs, TimestampMs mint,
                                           TimestampMs maxt, DurationMs range) {
  auto it = selected_.find(&vs);
  if (it != selected_.end()) return it->second;
  std::vector<storage::Matcher> ms;
  ms.reserve(vs.matchers.size());
  for (const auto& m : vs.matchers) {
    auto sm = storage::Matcher::Make(ToStorage(m.type()), m.name(), m.value());
    if (!sm.ok()) Throw(sm.error());
    ms.push_back(std::move(sm).value());
  }
  storage::SelectHints hints;
  hints.start = mint;
  hints.end = maxt;
  hints.step_ms = query_step;
  (void)range;
  std::unique_ptr<storage::SeriesSet> set = querier->Select(true, &hints, ms);
  SelectedSeries sel;
  while (set->Next()) {
    const storage::Series& s = set->At();
    sel.series.push_back(&s);
    sel.labels.push_back(pool.Intern(s.labels()));
  }
  if (Status st = set->Err(); !st.ok()) {
    Error e = st.error();
    Throw(Error(e.code() == ErrorCode::kInvalidArgument ? ErrorCode::kInternal : e.code(),
                "expanding series: " + e.message()));
  }
  for (auto& w : set->Warnings()) warnings.push_back(std::move(w));
  sets_.push_back(std::move(set));
  return selected_.emplace(&vs, std::move(sel)).first->second;
}

void QueryContext::LoadSamples(const storage::Series& s, TimestampMs mint, TimestampMs maxt,
                               std::vector<Point>* out) {
  out->clear();
  if (maxt < mint) return;
  auto it = s.Iterator();
  if (it->Seek(mint)) {
    do {
      storage::Sample smp = it->At();
      if (smp.t > maxt) break;
      out->push_back({smp.t, smp.v});
    } while (it->Next());
  }
  if (Status st = it->Err(); !st.ok()) {
    Error e = st.error();
    Throw(Error(e.code() == ErrorCode::kInvalidArgument ? ErrorCode::kInternal : e.code(),
                e.message()));
  }
}

IMatrix Evaluator::EvalVectorSelector(const parser::VectorSelector& vs) {
  const DurationMs offset = EffectiveOffset(vs.modifiers);
  const DurationMs lookback = ctx_.lookback;
  const TimestampMs mint = start_ - offset - lookback;
  const TimestampMs maxt = end_ - offset;
  const SelectedSeries& sel = ctx_.Select(vs, mint, maxt, 0);
  IMatrix out;
  std::vector<Point> buf;
  for (size_t i = 0; i < sel.series.size(); ++i) {
    ctx_.CheckDone();
    ctx_.LoadSamples(*sel.series[i], mint, maxt, &buf);
    ISeries s{sel.labels[i], {}};
    size_t next = 0;  // first sample after the current reference time
    for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
      const TimestampMs ref = ts - offset;
      while (next < buf.size() && buf[next].t <= ref) ++next;
      if (next == 0) continue;
      const Point& p = buf[next - 1];
      if (p.t < ref - lookback || storage::IsStaleNaN(p.v)) continue;
      if (ctx_.current_samples >= ctx_.max_samples) Throw(ResourceExhausted(kErrTooManySamples));
      ++ctx_.current_samples;
      s.points.push_back({ts, p.v});
    }
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  return out;
}

IMatrix Evaluator::EvalMatrixSelector(const parser::MatrixSelector& ms) {
  if (start_ != end_) Throw(Internal("cannot do range evaluation of matrix selector"));
  const DurationMs offset = EffectiveOffset(ms.selector.modifiers);
  const TimestampMs maxt = start_ - offset;
  const TimestampMs mint = maxt - ms.range;
  const SelectedSeries& sel = ctx_.Select(ms.selector, mint, maxt, ms.range);
  IMatrix out;
  std::vector<Point> buf;
  for (size_t i = 0; i < sel.series.size(); ++i) {
    ctx_.CheckDone();
    ctx_.LoadSamples(*sel.series[i], mint, maxt, &buf);
    RemoveStale(&buf);
    if (buf.empty()) continue;
    ctx_.current_samples += static_cast<int64_t>(buf.size());
    if (ctx_.current_samples > ctx_.max_samples) Throw(ResourceExhausted(kErrTooManySamples));
    out.push_back({sel.labels[i], buf});
  }
  return out;
}

IMatrix Evaluator::EvalMatrixCall(const parser::Call& call, size_t matrix_arg) {
  using parser::FunctionId;
  const FunctionId id = call.func->id;
  const Expr& arg = Unwrap(*call.args[matrix_arg]);

  // The series to slide windows over: selected from storage, or a subquery's result.
  DurationMs range = 0, offset = 0;
  const SelectedSeries* sel = nullptr;
  IMatrix subquery;
  int64_t subquery_samples = 0;
  if (const auto* ms = arg.As<parser::MatrixSelector>()) {
    range = ms->range;
    offset = EffectiveOffset(ms->selector.modifiers);
    sel = &ctx_.Select(ms->selector, start_ - offset - range, end_ - offset, range);
  } else {
    const auto& sq = *arg.As<parser::SubqueryExpr>();
    range = sq.range;
    offset = EffectiveOffset(sq.modifiers);
    subquery = EvalSubquery(sq);
    for (const auto& s : subquery) subquery_samples += static_cast<int64_t>(s.points.size());
  }

  // The other (scalar) arguments, evaluated over all steps.
  std::vector<IMatrix> others(call.args.size());
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (i != matrix_arg) others[i] = Eval(*call.args[i]);
  }
  std::vector<double> params;
  // Points held by the subquery and the scalar arguments count until the call is done.
  const int64_t base_samples = ctx_.current_samples;

  const size_t num_series = sel != nullptr ? sel->series.size() : subquery.size();
  const int64_t steps = std::max<int64_t>(NumSteps(), 0);
  const TimestampMs load_min = start_ - offset - range;
  const TimestampMs load_max = end_ - offset;
  const bool absent_over_time = id == FunctionId::kAbsentOverTime;
  std::vector<bool> found_step(absent_over_time ? steps : 0);

  IMatrix out;
  int64_t out_samples = 0;
  std::vector<Point> buf;
  for (size_t si = 0; si < num_series; ++si) {
    ctx_.CheckDone();
    LabelsRef labels;
    const std::vector<Point>* pts;
    if (sel != nullptr) {
      ctx_.LoadSamples(*sel->series[si], load_min, load_max, &buf);
      RemoveStale(&buf);
      labels = sel->labels[si];
      pts = &buf;
    } else {
      labels = subquery[si].metric;
      pts = &subquery[si].points;
    }
    if (pts->empty()) continue;
    ISeries s{id == FunctionId::kLastOverTime ? labels : ctx_.pool.DropMetricName(labels), {}};
    size_t lo = 0, hi = 0;
    int64_t step = 0;
    for (TimestampMs ts = start_; ts <= end_; ts += interval_, ++step) {
      const TimestampMs maxt = ts - offset;
      const TimestampMs mint = maxt - range;
      while (lo < pts->size() && (*pts)[lo].t < mint) ++lo;
      if (hi < lo) hi = lo;
      while (hi < pts->size() && (*pts)[hi].t <= maxt) ++hi;
      if (hi == lo) continue;
      const int64_t window = static_cast<int64_t>(hi - lo);
      if (base_samples + out_samples + window + static_cast<int64_t>(s.points.size()) >
          ctx_.max_samples) {
        Throw(ResourceExhausted(kErrTooManySamples));
      }
      if (absent_over_time) {
        found_step[step] = true;
        continue;
      }
      params.clear();
      for (size_t j = 0; j < others.size(); ++j) {
        if (j == matrix_arg) continue;
        const auto& m = others[j];
        double v = std::nan("");
        if (!m.empty() && static_cast<size_t>(step) < m[0].points.size()) {
          v = m[0].points[step].v;
        }
        params.push_back(v);
      }
      RangeCall rc{id, ts, mint, maxt, range, params};
      std::optional<double> v =
          CallRangeFunction(rc, std::span<const Point>(pts->data() + lo, hi - lo));
      if (v) s.points.push_back({ts, *v});
    }
    if (!s.points.empty()) {
      out_samples += static_cast<int64_t>(s.points.size());
      out.push_back(std::move(s));
    }
  }
  ctx_.current_samples = base_samples - subquery_samples + out_samples;

  if (absent_over_time) {
    ctx_.current_samples = base_samples - subquery_samples;
    IMatrix res;
    if (std::all_of(found_step.begin(), found_step.end(), [](bool b) { return b; })) return res;
    ISeries s{ctx_.pool.Intern(AbsentLabels(UnwrapParens(*call.args[0]))), {}};
    int64_t step = 0;
    for (TimestampMs ts = start_; ts <= end_; ts += interval_, ++step) {
      if (!found_step[step]) s.points.push_back({ts, 1});
    }
    ctx_.current_samples += static_cast<int64_t>(s.points.size());
    res.push_back(std::move(s));
    return res;
  }

  std::vector<uint32_t> ids;
  ids.reserve(out.size());
  for (const auto& s : out) ids.push_back(s.metric->id);
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) ThrowExec(kErrSameLabelset);
  return out;
}

IMatrix Evaluator::EvalTimestampOfSelector(const parser::Call& call,
                                           const parser::VectorSelector& vs) {
  (void)call;
  // With @, every step reads at (@ - offset) (Prometheus 2.42 as shipped adjusts the offset
  // per step); the sample's own timestamp is the value.
  const DurationMs lookback = ctx_.lookback;
  const DurationMs offset = vs.modifiers.offset;
  TimestampMs mint, maxt;
  if (vs.modifiers.at) {
    mint = *vs.modifiers.at - offset - lookback;
    maxt = *vs.modifiers.at - offset;
  } else {
    mint = start_ - offset - lookback;
    maxt = end_ - offset;
  }
  const SelectedSeries& sel = ctx_.Select(vs, mint, maxt, 0);
  const int64_t original = ctx_.current_samples;
  std::vector<IMatrix> mats(1);
  std::vector<Point> buf;
  for (size_t i = 0; i < sel.series.size(); ++i) {
    ctx_.CheckDone();
    ctx_.LoadSamples(*sel.series[i], mint, maxt, &buf);
    ISeries s{sel.labels[i], {}};
    size_t next = 0;
    for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
      const TimestampMs ref = vs.modifiers.at ? *vs.modifiers.at - offset : ts - offset;
      if (vs.modifiers.at) next = 0;
      while (next < buf.size() && buf[next].t <= ref) ++next;
      if (next == 0) continue;
      const Point& p = buf[next - 1];
      if (p.t < ref - lookback || storage::IsStaleNaN(p.v)) continue;
      s.points.push_back({ts, static_cast<double>(p.t) / 1000});
    }
    if (!s.points.empty()) mats[0].push_back(std::move(s));
  }
  StepFn fn = [this](StepArgs& a, IVector& out) {
    for (const ISample& s : a.vecs[0]) {
      out.push_back({ctx_.pool.DropMetricName(s.metric), s.v, 0, nullptr});
    }
  };
  return StepLoop(mats, nullptr, fn, original);
}

}  // namespace vigie::promql::internal
