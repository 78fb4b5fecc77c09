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
    // The set (and so the series' labels) lives as long as the query: no copy.
    sel.labels.push_back(pool.InternSeries(s));
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
  if (Status st = s.AppendSamples(mint, maxt, out); !st.ok()) {
    Error e = st.error();
    Throw(Error(e.code() == ErrorCode::kInvalidArgument ? ErrorCode::kInternal : e.code(),
                e.message()));
  }
}

// Instant selector: the latest sample at or before each step within the lookback delta, unless it
// is a staleness marker.
class VectorSelectorStream final : public SeriesStream {
 public:
  VectorSelectorStream(QueryContext& ctx, const parser::VectorSelector& vs, TimestampMs start,
                       TimestampMs end, int64_t interval, DurationMs offset)
      : ctx_(ctx), start_(start), end_(end), interval_(interval), offset_(offset) {
    mint_ = start - offset - ctx.lookback;
    maxt_ = end - offset;
    sel_ = &ctx.Select(vs, mint_, maxt_, 0);
  }

  bool Next(ISeries* out) override {
    const DurationMs lookback = ctx_.lookback;
    while (i_ < sel_->series.size()) {
      ctx_.CheckDoneSometimes();
      size_t i = i_++;
      ctx_.LoadSamples(*sel_->series[i], mint_, maxt_, &buf_);
      out->metric = sel_->labels[i];
      out->points.clear();
      out->points.reserve(
          std::min<size_t>(buf_.size(), ReserveSteps((end_ - start_) / interval_ + 1)));
      size_t next = 0;  // first sample after the current reference time
      for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
        const TimestampMs ref = ts - offset_;
        while (next < buf_.size() && buf_[next].t <= ref) ++next;
        if (next == 0) continue;
        const Point& p = buf_[next - 1];
        if (p.t < ref - lookback || storage::IsStaleNaN(p.v)) continue;
        if (ctx_.current_samples >= ctx_.max_samples) {
          Throw(ResourceExhausted(kErrTooManySamples));
        }
        ++ctx_.current_samples;
        out->points.push_back({ts, p.v});
      }
      if (!out->points.empty()) return true;
    }
    return false;
  }

 private:
  QueryContext& ctx_;
  TimestampMs start_, end_;
  int64_t interval_;
  DurationMs offset_;
  TimestampMs mint_, maxt_;
  const SelectedSeries* sel_;
  size_t i_ = 0;
  std::vector<Point> buf_;
};

IMatrix DrainStream(SeriesStream& stream) {
  IMatrix out;
  ISeries s;
  while (stream.Next(&s)) out.push_back(std::move(s));
  stream.Finish();
  return out;
}

IMatrix Evaluator::EvalVectorSelector(const parser::VectorSelector& vs) {
  VectorSelectorStream stream(ctx_, vs, start_, end_, interval_, EffectiveOffset(vs.modifiers));
  return DrainStream(stream);
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
    ctx_.CheckDoneSometimes();
    ctx_.LoadSamples(*sel.series[i], mint, maxt, &buf);
    RemoveStale(&buf);
    if (buf.empty()) continue;
    ctx_.current_samples += static_cast<int64_t>(buf.size());
    if (ctx_.current_samples > ctx_.max_samples) Throw(ResourceExhausted(kErrTooManySamples));
    out.push_back({sel.labels[i], buf});
  }
  return out;
}

// A range-vector function over a range selector or subquery: for each series, the window slides
// over the samples read once for the whole query range.
class MatrixCallStream final : public SeriesStream {
 public:
  MatrixCallStream(Evaluator& ev, QueryContext& ctx, const parser::Call& call, size_t matrix_arg,
                   const SelectedSeries* sel, IMatrix subquery, DurationMs range, DurationMs offset,
                   std::vector<IMatrix> others)
      : ctx_(ctx),
        id_(call.func->id),
        matrix_arg_(matrix_arg),
        start_(ev.start()),
        end_(ev.end()),
        interval_(ev.interval()),
        sel_(sel),
        subquery_(std::move(subquery)),
        range_(range),
        offset_(offset),
        others_(std::move(others)) {
    for (const auto& s : subquery_) subquery_samples_ += static_cast<int64_t>(s.points.size());
    base_samples_ = ctx_.current_samples;
  }

  size_t size() const { return sel_ != nullptr ? sel_->series.size() : subquery_.size(); }

  bool Next(ISeries* out) override {
    while (si_ < size()) {
      ctx_.CheckDoneSometimes();
      size_t si = si_++;
      LabelsRef labels;
      const std::vector<Point>* pts;
      if (sel_ != nullptr) {
        ctx_.LoadSamples(*sel_->series[si], start_ - offset_ - range_, end_ - offset_, &buf_);
        RemoveStale(&buf_);
        labels = sel_->labels[si];
        pts = &buf_;
      } else {
        labels = subquery_[si].metric;
        pts = &subquery_[si].points;
      }
      if (pts->empty()) continue;
      out->metric =
          id_ == parser::FunctionId::kLastOverTime ? labels : ctx_.pool.DropMetricName(labels);
      out->points.clear();
      out->points.reserve(ReserveSteps((end_ - start_) / interval_ + 1));
      Slide(*pts, &out->points);
      if (!out->points.empty()) {
        out_samples_ += static_cast<int64_t>(out->points.size());
        ctx_.current_samples = base_samples_ + out_samples_;
        ids_.push_back(out->metric->id);
        return true;
      }
    }
    return false;
  }

  // Prometheus rejects a result with two series of the same labels (e.g. rate() over two
  // metrics that differ only by name).
  void Finish() override {
    ctx_.current_samples = base_samples_ - subquery_samples_ + out_samples_;
    std::sort(ids_.begin(), ids_.end());
    if (std::adjacent_find(ids_.begin(), ids_.end()) != ids_.end()) ThrowExec(kErrSameLabelset);
  }

  // absent_over_time: the steps at which no series has a sample in its window.
  IMatrix Absent(LabelsRef labels) {
    const int64_t steps = std::max<int64_t>((end_ - start_) / interval_ + 1, 0);
    std::vector<bool> found(steps);
    for (size_t si = 0; si < size(); ++si) {
      ctx_.CheckDoneSometimes();
      const std::vector<Point>* pts;
      if (sel_ != nullptr) {
        ctx_.LoadSamples(*sel_->series[si], start_ - offset_ - range_, end_ - offset_, &buf_);
        RemoveStale(&buf_);
        pts = &buf_;
      } else {
        pts = &subquery_[si].points;
      }
      size_t lo = 0, hi = 0;
      int64_t step = 0;
      for (TimestampMs ts = start_; ts <= end_; ts += interval_, ++step) {
        const TimestampMs maxt = ts - offset_, mint = maxt - range_;
        while (lo < pts->size() && (*pts)[lo].t < mint) ++lo;
        if (hi < lo) hi = lo;
        while (hi < pts->size() && (*pts)[hi].t <= maxt) ++hi;
        if (hi > lo) found[step] = true;
      }
    }
    ctx_.current_samples = base_samples_ - subquery_samples_;
    IMatrix res;
    if (std::all_of(found.begin(), found.end(), [](bool b) { return b; })) return res;
    ISeries s{labels, {}};
    int64_t step = 0;
    for (TimestampMs ts = start_; ts <= end_; ts += interval_, ++step) {
      if (!found[step]) s.points.push_back({ts, 1});
    }
    ctx_.current_samples += static_cast<int64_t>(s.points.size());
    res.push_back(std::move(s));
    return res;
  }

 private:
  void Slide(const std::vector<Point>& pts, std::vector<Point>* out) {
    if (id_ == parser::FunctionId::kAvgOverTime) return SlideAvg(pts, out);
    size_t lo = 0, hi = 0;
    int64_t step = 0;
    for (TimestampMs ts = start_; ts <= end_; ts += interval_, ++step) {
      const TimestampMs maxt = ts - offset_;
      const TimestampMs mint = maxt - range_;
      while (lo < pts.size() && pts[lo].t < mint) ++lo;
      if (hi < lo) hi = lo;
      while (hi < pts.size() && pts[hi].t <= maxt) ++hi;
      if (hi == lo) continue;
      const int64_t window = static_cast<int64_t>(hi - lo);
      if (base_samples_ + out_samples_ + window + static_cast<int64_t>(out->size()) >
          ctx_.max_samples) {
        Throw(ResourceExhausted(kErrTooManySamples));
      }
      params_.clear();
      for (size_t j = 0; j < others_.size(); ++j) {
        if (j == matrix_arg_) continue;
        const auto& m = others_[j];
        double v = std::nan("");
        if (!m.empty() && static_cast<size_t>(step) < m[0].points.size()) {
          v = m[0].points[step].v;
        }
        params_.push_back(v);
      }
      RangeCall rc{id_, ts, mint, maxt, range_, params_};
      std::optional<double> v =
          CallRangeFunction(rc, std::span<const Point>(pts.data() + lo, hi - lo));
      if (v) out->push_back({ts, *v});
    }
  }

  // avg_over_time: the windows first, then their means computed together.
  void SlideAvg(const std::vector<Point>& pts, std::vector<Point>* out) {
    windows_.clear();
    window_ts_.clear();
    size_t lo = 0, hi = 0;
    for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
      const TimestampMs maxt = ts - offset_;
      const TimestampMs mint = maxt - range_;
      while (lo < pts.size() && pts[lo].t < mint) ++lo;
      if (hi < lo) hi = lo;
      while (hi < pts.size() && pts[hi].t <= maxt) ++hi;
      if (hi == lo) continue;
      if (base_samples_ + out_samples_ + static_cast<int64_t>(hi - lo + windows_.size()) >
          ctx_.max_samples) {
        Throw(ResourceExhausted(kErrTooManySamples));
      }
      windows_.push_back({static_cast<uint32_t>(lo), static_cast<uint32_t>(hi)});
      window_ts_.push_back(ts);
    }
    values_.resize(windows_.size());
    AvgOverTimeWindows(pts, windows_, values_.data());
    for (size_t i = 0; i < windows_.size(); ++i) out->push_back({window_ts_[i], values_[i]});
  }

  std::vector<Window> windows_;
  std::vector<TimestampMs> window_ts_;
  std::vector<double> values_;
  QueryContext& ctx_;
  const parser::FunctionId id_;
  const size_t matrix_arg_;
  const TimestampMs start_, end_;
  const int64_t interval_;
  const SelectedSeries* sel_;
  IMatrix subquery_;
  const DurationMs range_, offset_;
  std::vector<IMatrix> others_;
  std::vector<double> params_;
  std::vector<Point> buf_;
  std::vector<uint32_t> ids_;
  size_t si_ = 0;
  int64_t base_samples_ = 0, out_samples_ = 0, subquery_samples_ = 0;
};

std::unique_ptr<MatrixCallStream> Evaluator::MakeMatrixCallStream(const parser::Call& call,
                                                                  size_t matrix_arg) {
  const Expr& arg = Unwrap(*call.args[matrix_arg]);
  DurationMs range = 0, offset = 0;
  const SelectedSeries* sel = nullptr;
  IMatrix subquery;
  if (const auto* ms = arg.As<parser::MatrixSelector>()) {
    range = ms->range;
    offset = EffectiveOffset(ms->selector.modifiers);
    sel = &ctx_.Select(ms->selector, start_ - offset - range, end_ - offset, range);
  } else {
    const auto& sq = *arg.As<parser::SubqueryExpr>();
    range = sq.range;
    offset = EffectiveOffset(sq.modifiers);
    subquery = EvalSubquery(sq);
  }
  // The other (scalar) arguments, evaluated over all steps.
  std::vector<IMatrix> others(call.args.size());
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (i != matrix_arg) others[i] = Eval(*call.args[i]);
  }
  return std::make_unique<MatrixCallStream>(*this, ctx_, call, matrix_arg, sel, std::move(subquery),
                                            range, offset, std::move(others));
}

IMatrix Evaluator::EvalMatrixCall(const parser::Call& call, size_t matrix_arg) {
  auto stream = MakeMatrixCallStream(call, matrix_arg);
  if (call.func->id == parser::FunctionId::kAbsentOverTime) {
    return stream->Absent(ctx_.pool.Intern(AbsentLabels(UnwrapParens(*call.args[0]))));
  }
  return DrainStream(*stream);
}

std::unique_ptr<SeriesStream> Evaluator::Stream(const Expr& e) {
  const Expr& u = UnwrapParens(e);
  if (const auto* vs = u.As<parser::VectorSelector>()) {
    return std::make_unique<VectorSelectorStream>(ctx_, *vs, start_, end_, interval_,
                                                  EffectiveOffset(vs->modifiers));
  }
  if (const auto* call = u.As<parser::Call>()) {
    if (call->func->id != parser::FunctionId::kAbsentOverTime &&
        call->func->id != parser::FunctionId::kTimestamp) {
      for (size_t i = 0; i < call->args.size(); ++i) {
        const Expr& a = Unwrap(*call->args[i]);
        if (a.Is<parser::MatrixSelector>() || a.Is<parser::SubqueryExpr>()) {
          return MakeMatrixCallStream(*call, i);
        }
      }
    }
  }
  return std::make_unique<MatrixStream>(Eval(e));
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
    ctx_.CheckDoneSometimes();
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
