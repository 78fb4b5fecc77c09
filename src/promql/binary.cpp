// Binary operators: scalar/scalar, vector/scalar, and vector/vector with vector matching
// (on/ignoring, group_left/group_right, bool) and the set operators and/or/unless.
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "promql/evaluator.h"
#include "promql/functions_eval.h"

namespace vigie::promql::internal {

using parser::BinaryOp;
using parser::Cardinality;

double ScalarBinop(BinaryOp op, double lhs, double rhs) {
  switch (op) {
    case BinaryOp::kAdd:
      return lhs + rhs;
    case BinaryOp::kSub:
      return lhs - rhs;
    case BinaryOp::kMul:
      return lhs * rhs;
    case BinaryOp::kDiv:
      return lhs / rhs;
    case BinaryOp::kPow:
      return std::pow(lhs, rhs);
    case BinaryOp::kMod:
      return std::fmod(lhs, rhs);
    case BinaryOp::kEql:
      return lhs == rhs ? 1 : 0;
    case BinaryOp::kNeq:
      return lhs != rhs ? 1 : 0;
    case BinaryOp::kGtr:
      return lhs > rhs ? 1 : 0;
    case BinaryOp::kLss:
      return lhs < rhs ? 1 : 0;
    case BinaryOp::kGte:
      return lhs >= rhs ? 1 : 0;
    case BinaryOp::kLte:
      return lhs <= rhs ? 1 : 0;
    case BinaryOp::kAtan2:
      return std::atan2(lhs, rhs);
    default:
      Throw(Internal("operator not allowed for scalar operations"));
  }
}

std::pair<double, bool> VectorElemBinop(BinaryOp op, double lhs, double rhs) {
  switch (op) {
    case BinaryOp::kEql:
      return {lhs, lhs == rhs};
    case BinaryOp::kNeq:
      return {lhs, lhs != rhs};
    case BinaryOp::kGtr:
      return {lhs, lhs > rhs};
    case BinaryOp::kLss:
      return {lhs, lhs < rhs};
    case BinaryOp::kGte:
      return {lhs, lhs >= rhs};
    case BinaryOp::kLte:
      return {lhs, lhs <= rhs};
    default:
      return {ScalarBinop(op, lhs, rhs), true};
  }
}

bool ShouldDropMetricName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kPow:
    case BinaryOp::kMod:
      return true;
    default:
      return false;
  }
}

namespace {

double FirstValue(const IVector& v) { return v.empty() ? std::nan("") : v[0].v; }

// Per-node state of a vector/vector operation, reused across steps. Arrays are indexed by the
// label-set id of a matching signature and stamped with the step generation, so nothing is
// cleared between steps.
struct VectorBinopState {
  QueryContext* ctx = nullptr;
  BinaryOp op = BinaryOp::kAdd;
  const parser::VectorMatching* matching = nullptr;
  bool return_bool = false;
  uint32_t gen = 0;
  std::vector<uint32_t> rhs_stamp, match_stamp;
  std::vector<uint32_t> rhs_index;
  std::unordered_set<uint64_t> many_seen;
  std::unordered_map<uint64_t, LabelsRef> result_cache;

  void Grow() {
    size_t n = ctx->pool.size();
    if (rhs_stamp.size() < n) {
      rhs_stamp.resize(n + 256, 0);
      match_stamp.resize(n + 256, 0);
      rhs_index.resize(n + 256, 0);
    }
  }

  LabelsRef ResultMetric(LabelsRef lhs, LabelsRef rhs) {
    uint64_t key = (static_cast<uint64_t>(lhs->id) << 32) | rhs->id;
    auto it = result_cache.find(key);
    if (it != result_cache.end()) return it->second;
    LabelsBuilder b(lhs->labels());
    if (ShouldDropMetricName(op)) b.Del(kMetricNameLabel);
    if (matching->card == Cardinality::kOneToOne) {
      if (matching->on) {
        b.Keep(matching->matching_labels);
      } else {
        b.Drop(matching->matching_labels);
      }
    }
    for (const auto& name : matching->include) {
      std::string_view v = rhs->labels().Get(name);
      if (!v.empty()) {
        b.Set(name, v);
      } else {
        b.Del(name);
      }
    }
    LabelsRef r = ctx->pool.Intern(b.Build());
    result_cache.emplace(key, r);
    return r;
  }

  void Step(StepArgs& a, IVector& out) {
    const IVector* lhs = &a.vecs[0];
    const IVector* rhs = &a.vecs[1];
    if (lhs->empty() || rhs->empty()) return;
    const bool swapped = matching->card == Cardinality::kOneToMany;
    if (swapped) std::swap(lhs, rhs);
    Grow();
    ++gen;
    for (uint32_t j = 0; j < rhs->size(); ++j) {
      const ISample& rs = (*rhs)[j];
      uint32_t sig = rs.aux->id;
      if (rhs_stamp[sig] == gen) {
        const ISample& dup = (*rhs)[rhs_index[sig]];
        ThrowExec("found duplicate series for the match group " + GoLabelsString(rs.aux->labels()) +
                  " on the " + (swapped ? "left" : "right") + " hand-side of the operation: [" +
                  GoLabelsString(rs.metric->labels()) + ", " +
                  GoLabelsString(dup.metric->labels()) +
                  "];many-to-many matching not allowed: matching labels must be unique on one "
                  "side");
      }
      rhs_stamp[sig] = gen;
      rhs_index[sig] = j;
    }
    many_seen.clear();
    for (const ISample& ls : *lhs) {
      uint32_t sig = ls.aux->id;
      if (rhs_stamp[sig] != gen) continue;
      const ISample& rs = (*rhs)[rhs_index[sig]];
      double vl = ls.v, vr = rs.v;
      if (swapped) std::swap(vl, vr);
      auto [value, keep] = VectorElemBinop(op, vl, vr);
      if (return_bool) {
        value = keep ? 1 : 0;
      } else if (!keep) {
        continue;
      }
      LabelsRef metric = ResultMetric(ls.metric, rs.metric);
      if (return_bool) metric = ctx->pool.DropMetricName(metric);
      if (matching->card == Cardinality::kOneToOne) {
        if (match_stamp[sig] == gen) {
          ThrowExec(
              "multiple matches for labels: many-to-one matching must be explicit "
              "(group_left/group_right)");
        }
        match_stamp[sig] = gen;
      } else {
        uint64_t key = (static_cast<uint64_t>(sig) << 32) | metric->id;
        if (!many_seen.insert(key).second) {
          ThrowExec("multiple matches for labels: grouping labels must ensure unique matches");
        }
      }
      out.push_back({metric, value, 0, nullptr});
    }
  }
};

// and / or / unless: membership of matching signatures.
struct SetOpState {
  QueryContext* ctx = nullptr;
  BinaryOp op = BinaryOp::kAnd;
  uint32_t gen = 0;
  std::vector<uint32_t> stamp;

  void Mark(const IVector& v) {
    size_t n = ctx->pool.size();
    if (stamp.size() < n) stamp.resize(n + 256, 0);
    ++gen;
    for (const ISample& s : v) stamp[s.aux->id] = gen;
  }
  bool Marked(const ISample& s) const { return stamp[s.aux->id] == gen; }

  void Step(StepArgs& a, IVector& out) {
    const IVector& lhs = a.vecs[0];
    const IVector& rhs = a.vecs[1];
    switch (op) {
      case BinaryOp::kAnd:
        if (lhs.empty() || rhs.empty()) return;
        Mark(rhs);
        for (const ISample& s : lhs) {
          if (Marked(s)) out.push_back(s);
        }
        return;
      case BinaryOp::kOr:
        if (lhs.empty() || rhs.empty()) {
          out.insert(out.end(), lhs.begin(), lhs.end());
          out.insert(out.end(), rhs.begin(), rhs.end());
          return;
        }
        Mark(lhs);
        out.insert(out.end(), lhs.begin(), lhs.end());
        for (const ISample& s : rhs) {
          if (!Marked(s)) out.push_back(s);
        }
        return;
      default:  // unless
        if (lhs.empty() || rhs.empty()) {
          out.insert(out.end(), lhs.begin(), lhs.end());
          return;
        }
        Mark(rhs);
        for (const ISample& s : lhs) {
          if (!Marked(s)) out.push_back(s);
        }
        return;
    }
  }
};

}  // namespace

IMatrix Evaluator::EvalBinary(const parser::BinaryExpr& b) {
  using parser::ValueType;
  const ValueType lt = b.lhs->Type(), rt = b.rhs->Type();
  const parser::Expr* exprs[] = {b.lhs.get(), b.rhs.get()};
  const BinaryOp op = b.op;
  QueryContext* ctx = &ctx_;

  if (lt == ValueType::kScalar && rt == ValueType::kScalar) {
    return RangeEval(exprs, nullptr, [ctx, op](StepArgs& a, IVector& out) {
      out.push_back({ctx->pool.Empty(),
                     ScalarBinop(op, FirstValue(a.vecs[0]), FirstValue(a.vecs[1])), 0, nullptr});
    });
  }

  if (lt == ValueType::kVector && rt == ValueType::kVector) {
    static const parser::VectorMatching kDefault{Cardinality::kManyToMany, {}, false, {}};
    const parser::VectorMatching* vm = b.matching ? &*b.matching : &kDefault;
    std::vector<std::string> names = vm->matching_labels;
    std::sort(names.begin(), names.end());
    const bool on = vm->on;
    std::unordered_map<LabelsRef, LabelsRef> sig_cache;
    PrepFn prep = [ctx, &names, on, &sig_cache](size_t, LabelsRef m) {
      auto it = sig_cache.find(m);
      if (it != sig_cache.end()) return it->second;
      LabelsBuilder lb(m->labels());
      if (on) {
        lb.Keep(names);
      } else {
        lb.Drop(names);
        lb.Del(kMetricNameLabel);
      }
      LabelsRef sig = ctx->pool.Intern(lb.Build());
      sig_cache.emplace(m, sig);
      return sig;
    };
    if (parser::IsSetOp(op)) {
      SetOpState st;
      st.ctx = ctx;
      st.op = op;
      return RangeEval(exprs, prep, [&st](StepArgs& a, IVector& out) { st.Step(a, out); });
    }
    VectorBinopState st;
    st.ctx = ctx;
    st.op = op;
    st.matching = vm;
    st.return_bool = b.return_bool;
    return RangeEval(exprs, prep, [&st](StepArgs& a, IVector& out) { st.Step(a, out); });
  }

  // Vector and scalar, in either order.
  const bool swap = lt == ValueType::kScalar;
  const size_t vec_arg = swap ? 1 : 0;
  const bool return_bool = b.return_bool;
  return RangeEval(exprs, nullptr,
                   [ctx, op, swap, vec_arg, return_bool](StepArgs& a, IVector& out) {
                     const double scalar = FirstValue(a.vecs[1 - vec_arg]);
                     for (const ISample& s : a.vecs[vec_arg]) {
                       double lv = s.v, rv = scalar;
                       if (swap) std::swap(lv, rv);
                       auto [value, keep] = VectorElemBinop(op, lv, rv);
                       // A comparison keeps the vector's value even when it is on the right.
                       if (parser::IsComparisonOp(op) && swap) value = rv;
                       if (return_bool) {
                         value = keep ? 1 : 0;
                         keep = true;
                       }
                       if (!keep) continue;
                       LabelsRef m = s.metric;
                       if (ShouldDropMetricName(op) || return_bool) {
                         m = ctx->pool.DropMetricName(m);
                       }
                       out.push_back({m, value, 0, nullptr});
                     }
                   });
}

}  // namespace vigie::promql::internal
