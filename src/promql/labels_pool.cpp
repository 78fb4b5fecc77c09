#include "promql/labels_pool.h"

namespace vigie::promql::internal {

LabelsPool::LabelsPool() { empty_ = Intern(Labels()); }

LabelsRef LabelsPool::Intern(Labels labels) {
  const uint64_t h = labels.Hash();
  auto [first, last] = by_hash_.equal_range(h);
  for (auto it = first; it != last; ++it) {
    if (it->second->labels == labels) return it->second;
  }
  store_.push_back(LabelSet{std::move(labels), h, static_cast<uint32_t>(store_.size())});
  const LabelSet* ref = &store_.back();
  by_hash_.emplace(h, ref);
  return ref;
}

LabelsRef LabelsPool::DropMetricName(LabelsRef l) {
  if (!l->labels.Has(kMetricNameLabel)) return l;
  auto it = drop_name_.find(l);
  if (it != drop_name_.end()) return it->second;
  std::vector<Label> out;
  out.reserve(l->labels.size());
  for (const Label& lb : l->labels) {
    if (lb.name != kMetricNameLabel) out.push_back(lb);
  }
  LabelsRef r = Intern(Labels::FromSorted(std::move(out)));
  drop_name_.emplace(l, r);
  return r;
}

}  // namespace vigie::promql::internal
