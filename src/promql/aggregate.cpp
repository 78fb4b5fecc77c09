// Aggregation operators (sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk,
// quantile, count_values) with by/without, computed per step as Prometheus's aggregation().
#include <algorithm>
#include <cmath>
#include <limits>

#include "promql/functions_eval.h"
#include "promql/parser/go_format.h"

namespace vigie::promql::internal {

using parser::AggregateOp;

LabelsRef GroupLabels(LabelsPool& pool, LabelsRef m, const std::vector<std::string>& grouping,
                      bool without) {
  if (without) {
    LabelsBuilder b(m->labels());
    b.Drop(grouping);
    b.Del(kMetricNameLabel);
    return pool.Intern(b.Build());
  }
  if (grouping.empty()) return pool.Empty();
  LabelsBuilder b(m->labels());
  b.Keep(grouping);
  return pool.Intern(b.Build());
}

namespace {

// Go's container/heap over a slice with a caller-given Less, reproduced so that topk/bottomk
// pick the same elements among ties as Prometheus does.
template <typename Less>
void HeapUp(std::vector<ISample>& h, size_t j, Less less) {
  while (j > 0) {
    size_t i = (j - 1) / 2;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    j = i;
  }
}

template <typename Less>
void HeapDown(std::vector<ISample>& h, size_t i, size_t n, Less less) {
  for (;;) {
    size_t j = 2 * i + 1;
    if (j >= n) break;
    if (j + 1 < n && less(h[j + 1], h[j])) ++j;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    i = j;
  }
}

template <typename Less>
void HeapPush(std::vector<ISample>& h, const ISample& s, Less less) {
  h.push_back(s);
  HeapUp(h, h.size() - 1, less);
}

template <typename Less>
void HeapPop(std::vector<ISample>& h, Less less) {
  size_t n = h.size() - 1;
  std::swap(h[0], h[n]);
  HeapDown(h, 0, n, less);
  h.pop_back();
}

// vectorByValueHeap: NaN first, then ascending. vectorByReverseValueHeap: NaN first, descending.
bool ByValue(const ISample& a, const ISample& b) { return std::isnan(a.v) || a.v < b.v; }
bool ByReverseValue(const ISample& a, const ISample& b) { return std::isnan(a.v) || a.v > b.v; }

}  // namespace

void HeapOffer(std::vector<ISample>& heap, const ISample& s, int64_t k, bool top) {
  if (heap.empty()) {
    heap.push_back(s);
    return;
  }
  const bool better = top ? heap[0].v < s.v : heap[0].v > s.v;
  if (!(static_cast<int64_t>(heap.size()) < k || better || std::isnan(heap[0].v))) return;
  if (static_cast<int64_t>(heap.size()) == k) {
    if (k == 1) {
      heap[0] = s;
      return;
    }
    if (top) {
      HeapPop(heap, ByValue);
    } else {
      HeapPop(heap, ByReverseValue);
    }
  }
  if (top) {
    HeapPush(heap, s, ByValue);
  } else {
    HeapPush(heap, s, ByReverseValue);
  }
}

void HeapSortForOutput(std::vector<ISample>& heap, bool top) {
  // The heap's top is the weakest element: emit strongest first, NaN last.
  if (top) {
    GoReverseSort(heap, ByValue, [](const ISample& x, const ISample& y) {
      return !std::isnan(x.v) && (std::isnan(y.v) || x.v > y.v);
    });
  } else {
    GoReverseSort(heap, ByReverseValue, [](const ISample& x, const ISample& y) {
      return !std::isnan(x.v) && (std::isnan(y.v) || x.v < y.v);
    });
  }
}

namespace {

struct Group {
  LabelsRef labels;
  double value = 0;
  double mean = 0;
  int64_t count = 0;
  std::vector<ISample> heap;
  std::vector<double> values;  // quantile
};

struct AggregationState {
  QueryContext* ctx;
  AggregateOp op;
  std::vector<std::string> grouping;
  bool without;
  std::string value_label;  // count_values
  uint32_t gen = 0;
  std::vector<uint32_t> stamp;
  std::vector<uint32_t> slot;
  std::vector<Group> groups;
  size_t used = 0;

  Group& Lookup(LabelsRef key, bool* created) {
    size_t n = ctx->pool.size();
    if (stamp.size() < n) {
      stamp.resize(n + 256, 0);
      slot.resize(n + 256, 0);
    }
    if (stamp[key->id] == gen) {
      *created = false;
      return groups[slot[key->id]];
    }
    stamp[key->id] = gen;
    slot[key->id] = static_cast<uint32_t>(used);
    if (used == groups.size()) groups.emplace_back();
    Group& g = groups[used++];
    g.heap.clear();
    g.values.clear();
    *created = true;
    return g;
  }

  void Step(StepArgs& a, IVector& out) {
    const IVector* vec;
    double param = 0;
    if (op == AggregateOp::kCountValues) {
      vec = &a.vecs[0];
    } else {
      vec = &a.vecs[1];
      if (!a.vecs[0].empty()) param = a.vecs[0][0].v;
    }
    int64_t k = 0;
    if (op == AggregateOp::kTopk || op == AggregateOp::kBottomk) {
      // convertibleToInt64: NaN and out-of-range values are errors.
      if (!(param <= 9.223372036854775807e18 && param >= -9.223372036854775808e18)) {
        ThrowExec("Scalar value " + parser::GoFormatFloat(param) + " overflows int64");
      }
      k = static_cast<int64_t>(param);
      if (k < 1) return;
    }
    if (op == AggregateOp::kCountValues && !IsValidLabelName(value_label)) {
      ThrowExec("invalid label name " + parser::GoQuote(value_label));
    }
    ++gen;
    used = 0;
    order.clear();
    for (const ISample& s : *vec) {
      LabelsRef key = s.aux;
      if (op == AggregateOp::kCountValues) key = CountValuesGroup(s);
      bool created;
      Group& g = Lookup(key, &created);
      if (created) {
        g.labels = key;
        g.value = s.v;
        g.mean = s.v;
        g.count = 1;
        order.push_back(slot[key->id]);
        switch (op) {
          case AggregateOp::kStddev:
          case AggregateOp::kStdvar:
            g.value = 0;
            break;
          case AggregateOp::kTopk:
          case AggregateOp::kBottomk:
            g.heap.push_back(s);
            break;
          case AggregateOp::kQuantile:
            g.values.push_back(s.v);
            break;
          case AggregateOp::kGroup:
            g.value = 1;
            break;
          default:
            break;
        }
        continue;
      }
      Add(g, s, k);
    }
    for (uint32_t idx : order) Emit(groups[idx], a, out);
  }

  void Add(Group& g, const ISample& s, int64_t k) {
    switch (op) {
      case AggregateOp::kSum:
        g.value += s.v;
        break;
      case AggregateOp::kAvg:
        ++g.count;
        if (std::isinf(g.mean)) {
          // Inf of the same sign stays; a finite value cannot move an infinite mean.
          if (std::isinf(s.v) && (g.mean > 0) == (s.v > 0)) break;
          if (!std::isinf(s.v) && !std::isnan(s.v)) break;
        }
        g.mean += s.v / static_cast<double>(g.count) - g.mean / static_cast<double>(g.count);
        break;
      case AggregateOp::kGroup:
        break;
      case AggregateOp::kMax:
        if (g.value < s.v || std::isnan(g.value)) g.value = s.v;
        break;
      case AggregateOp::kMin:
        if (g.value > s.v || std::isnan(g.value)) g.value = s.v;
        break;
      case AggregateOp::kCount:
      case AggregateOp::kCountValues:
        ++g.count;
        break;
      case AggregateOp::kStddev:
      case AggregateOp::kStdvar: {
        ++g.count;
        double delta = s.v - g.mean;
        g.mean += delta / static_cast<double>(g.count);
        g.value += delta * (s.v - g.mean);
        break;
      }
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk:
        HeapOffer(g.heap, s, k, op == AggregateOp::kTopk);
        break;
      case AggregateOp::kQuantile:
        g.values.push_back(s.v);
        break;
    }
  }

  void Emit(Group& g, StepArgs& a, IVector& out) {
    double v = g.value;
    switch (op) {
      case AggregateOp::kAvg:
        v = g.mean;
        break;
      case AggregateOp::kCount:
      case AggregateOp::kCountValues:
        v = static_cast<double>(g.count);
        break;
      case AggregateOp::kStdvar:
        v = g.value / static_cast<double>(g.count);
        break;
      case AggregateOp::kStddev:
        v = std::sqrt(g.value / static_cast<double>(g.count));
        break;
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk: {
        HeapSortForOutput(g.heap, op == AggregateOp::kTopk);
        for (const ISample& s : g.heap) out.push_back({s.metric, s.v, 0, nullptr});
        return;
      }
      case AggregateOp::kQuantile: {
        double q = a.vecs[0].empty() ? std::nan("") : a.vecs[0][0].v;
        v = Quantile(q, g.values);
        break;
      }
      default:
        break;
    }
    out.push_back({g.labels, v, 0, nullptr});
  }

  LabelsRef CountValuesGroup(const ISample& s) {
    LabelsBuilder b(s.metric->labels());
    b.Set(value_label, FormatFloatShortestFixed(s.v));
    LabelsRef with_value = ctx->pool.Intern(b.Build());
    return GroupLabels(ctx->pool, with_value, grouping, without);
  }

  std::vector<uint32_t> order;
};

}  // namespace

StepFn MakeAggregation(const parser::AggregateExpr& agg, const std::vector<std::string>& grouping,
                       const std::string& count_values_label, QueryContext& ctx) {
  auto st = std::make_shared<AggregationState>();
  st->ctx = &ctx;
  st->op = agg.op;
  st->grouping = grouping;
  st->without = agg.without;
  st->value_label = count_values_label;
  if (agg.op == AggregateOp::kCountValues && !agg.without) {
    st->grouping.push_back(count_values_label);
    std::sort(st->grouping.begin(), st->grouping.end());
  }
  return [st](StepArgs& a, IVector& out) { st->Step(a, out); };
}

}  // namespace vigie::promql::internal
