// Aggregations that consume their argument series by series instead of step by step: the
// argument (a selector or a range-vector function) is never held whole, and there is no
// per-step transposition. Every group keeps one accumulator per step; samples reach it in the
// same order as in Prometheus's per-step loop (input series order), so results are identical,
// ties in topk/bottomk included.
#include <cmath>

#include "promql/evaluator.h"
#include "promql/functions_eval.h"
#include "promql/parser/go_format.h"

namespace vigie::promql::internal {

using parser::AggregateOp;

namespace {

struct Cell {
  double value = 0;
  double mean = 0;
  int64_t count = 0;
  bool present = false;
};

struct GroupState {
  LabelsRef labels = nullptr;
  std::vector<Cell> cells;                  // by step
  std::vector<std::vector<ISample>> heaps;  // by step (topk/bottomk)
};

bool Streamable(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
    case AggregateOp::kAvg:
    case AggregateOp::kMin:
    case AggregateOp::kMax:
    case AggregateOp::kCount:
    case AggregateOp::kGroup:
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar:
    case AggregateOp::kTopk:
    case AggregateOp::kBottomk:
      return true;
    default:
      return false;
  }
}

void AddToCell(AggregateOp op, Cell& c, double v) {
  if (!c.present) {
    c.present = true;
    c.count = 1;
    c.mean = v;
    c.value = op == AggregateOp::kStddev || op == AggregateOp::kStdvar ? 0
              : op == AggregateOp::kGroup                              ? 1
                                                                       : v;
    return;
  }
  switch (op) {
    case AggregateOp::kSum:
      c.value += v;
      break;
    case AggregateOp::kAvg:
      ++c.count;
      if (std::isinf(c.mean)) {
        if (std::isinf(v) && (c.mean > 0) == (v > 0)) break;
        if (!std::isinf(v) && !std::isnan(v)) break;
      }
      c.mean += v / static_cast<double>(c.count) - c.mean / static_cast<double>(c.count);
      break;
    case AggregateOp::kMax:
      if (c.value < v || std::isnan(c.value)) c.value = v;
      break;
    case AggregateOp::kMin:
      if (c.value > v || std::isnan(c.value)) c.value = v;
      break;
    case AggregateOp::kCount:
      ++c.count;
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      ++c.count;
      const double delta = v - c.mean;
      c.mean += delta / static_cast<double>(c.count);
      c.value += delta * (v - c.mean);
      break;
    }
    default:
      break;
  }
}

double CellValue(AggregateOp op, const Cell& c) {
  switch (op) {
    case AggregateOp::kAvg:
      return c.mean;
    case AggregateOp::kCount:
      return static_cast<double>(c.count);
    case AggregateOp::kStdvar:
      return c.value / static_cast<double>(c.count);
    case AggregateOp::kStddev:
      return std::sqrt(c.value / static_cast<double>(c.count));
    default:
      return c.value;
  }
}

}  // namespace

std::optional<IMatrix> Evaluator::EvalAggregateStreaming(const parser::AggregateExpr& agg,
                                                         const std::vector<std::string>& grouping) {
  if (!Streamable(agg.op)) return std::nullopt;
  const AggregateOp op = agg.op;
  const bool topk = op == AggregateOp::kTopk || op == AggregateOp::kBottomk;
  const int64_t steps = std::max<int64_t>(NumSteps(), 0);
  const int64_t original = ctx_.current_samples;

  // k of topk/bottomk at every step (the parameter is evaluated first, as in Prometheus).
  std::vector<int64_t> k(topk ? steps : 0, 0);
  if (topk) {
    IMatrix pm = Eval(*agg.param);
    for (int64_t i = 0; i < steps; ++i) {
      const TimestampMs ts = start_ + i * interval_;
      double p = std::nan("");
      if (!pm.empty()) {
        for (const Point& pt : pm[0].points) {
          if (pt.t == ts) p = pt.v;
        }
      }
      if (!(p <= 9.223372036854775807e18 && p >= -9.223372036854775808e18)) {
        ThrowExec("Scalar value " + parser::GoFormatFloat(p) + " overflows int64");
      }
      k[i] = static_cast<int64_t>(p);
    }
  }

  std::vector<GroupState> groups;
  std::vector<int32_t> group_of_id;  // group label-set id -> index in groups
  std::unordered_map<LabelsRef, LabelsRef> group_cache;
  auto stream = Stream(*agg.expr);
  ISeries s;
  while (stream->Next(&s)) {
    LabelsRef g;
    if (auto it = group_cache.find(s.metric); it != group_cache.end()) {
      g = it->second;
    } else {
      g = GroupLabels(ctx_.pool, s.metric, grouping, agg.without);
      group_cache.emplace(s.metric, g);
    }
    if (g->id >= group_of_id.size()) group_of_id.resize(ctx_.pool.size() + 64, -1);
    int32_t gi = group_of_id[g->id];
    if (gi < 0) {
      gi = static_cast<int32_t>(groups.size());
      group_of_id[g->id] = gi;
      groups.push_back({g, {}, {}});
      if (topk) {
        groups.back().heaps.resize(steps);
      } else {
        groups.back().cells.resize(steps);
      }
    }
    GroupState& gs = groups[gi];
    for (const Point& p : s.points) {
      const int64_t step = (p.t - start_) / interval_;
      if (topk) {
        if (k[step] < 1) continue;
        HeapOffer(gs.heaps[step], {s.metric, p.v, 0, nullptr}, k[step], op == AggregateOp::kTopk);
      } else {
        AddToCell(op, gs.cells[step], p.v);
      }
    }
  }
  stream->Finish();

  IMatrix out;
  int64_t total = 0;
  if (!topk) {
    for (const GroupState& gs : groups) {
      ISeries o{gs.labels, {}};
      for (int64_t i = 0; i < steps; ++i) {
        if (gs.cells[i].present)
          o.points.push_back({start_ + i * interval_, CellValue(op, gs.cells[i])});
      }
      total += static_cast<int64_t>(o.points.size());
      if (!o.points.empty()) out.push_back(std::move(o));
    }
  } else {
    // One output series per selected input series; in an instant query, groups in order of
    // appearance, each sorted strongest first.
    std::vector<int32_t> out_of_id;
    for (int64_t i = 0; i < steps; ++i) {
      for (GroupState& gs : groups) {
        auto& heap = gs.heaps[i];
        if (heap.empty()) continue;
        HeapSortForOutput(heap, op == AggregateOp::kTopk);
        for (const ISample& smp : heap) {
          if (smp.metric->id >= out_of_id.size()) out_of_id.resize(ctx_.pool.size() + 64, -1);
          int32_t oi = out_of_id[smp.metric->id];
          if (oi < 0) {
            oi = static_cast<int32_t>(out.size());
            out_of_id[smp.metric->id] = oi;
            out.push_back({smp.metric, {}});
          }
          auto& pts = out[oi].points;
          const TimestampMs ts = start_ + i * interval_;
          if (!pts.empty() && pts.back().t == ts) ThrowExec(kErrSameLabelset);
          pts.push_back({ts, smp.v});
          ++total;
        }
        heap.clear();
        heap.shrink_to_fit();
      }
    }
  }
  ctx_.current_samples = original + total;
  if (ctx_.current_samples > ctx_.max_samples) Throw(ResourceExhausted(kErrTooManySamples));
  return out;
}

}  // namespace vigie::promql::internal
