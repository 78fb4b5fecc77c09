#include "promql/labels_pool.h"

#include <xxhash.h>

namespace vigie::promql::internal {

namespace {

// The pool's own hash (one-shot XXH3 over name 0xff value 0xff ...): only compared within the
// pool, so it need not equal Labels::Hash, and the one-shot call is much cheaper for small sets.
uint64_t PoolHash(const Labels& labels, std::string& buf) {
  buf.clear();
  for (const Label& l : labels) {
    buf += l.name;
    buf += '\xff';
    buf += l.value;
    buf += '\xff';
  }
  return XXH3_64bits(buf.data(), buf.size());
}

}  // namespace

LabelsPool::LabelsPool() : table_(1024, nullptr) { empty_ = Intern(Labels()); }

void LabelsPool::Grow() {
  std::vector<const LabelSet*> bigger(table_.size() * 2, nullptr);
  const size_t mask = bigger.size() - 1;
  for (const LabelSet* s : table_) {
    if (s == nullptr) continue;
    size_t i = s->hash & mask;
    while (bigger[i] != nullptr) i = (i + 1) & mask;
    bigger[i] = s;
  }
  table_.swap(bigger);
}

// The ref of `labels` if interned already; otherwise null and the free slot for it.
LabelsRef LabelsPool::Find(const Labels& labels, uint64_t h, size_t* slot) {
  if ((store_.size() + 1) * 2 > table_.size()) Grow();
  const size_t mask = table_.size() - 1;
  size_t i = h & mask;
  // Open addressing with linear probing; the table is at most half full.
  while (table_[i] != nullptr) {
    if (table_[i]->hash == h && table_[i]->labels() == labels) return table_[i];
    i = (i + 1) & mask;
  }
  *slot = i;
  return nullptr;
}

LabelsRef LabelsPool::Intern(Labels labels) {
  const uint64_t h = PoolHash(labels, hash_buf_);
  size_t slot;
  if (LabelsRef r = Find(labels, h, &slot)) return r;
  store_.push_back(LabelSet{std::move(labels), nullptr, h, static_cast<uint32_t>(store_.size())});
  table_[slot] = &store_.back();
  return table_[slot];
}

LabelsRef LabelsPool::InternSeries(const storage::Series& s) {
  const Labels& labels = s.labels();
  const uint64_t h = PoolHash(labels, hash_buf_);
  size_t slot;
  if (LabelsRef r = Find(labels, h, &slot)) return r;
  store_.push_back(LabelSet{Labels(), &s, h, static_cast<uint32_t>(store_.size())});
  table_[slot] = &store_.back();
  return table_[slot];
}

LabelsRef LabelsPool::DropMetricName(LabelsRef l) {
  if (l->id < drop_name_.size() && drop_name_[l->id] != nullptr) return drop_name_[l->id];
  LabelsRef r = l;
  if (l->labels().Has(kMetricNameLabel)) {
    std::vector<Label> out;
    out.reserve(l->labels().size());
    for (const Label& lb : l->labels()) {
      if (lb.name != kMetricNameLabel) out.push_back(lb);
    }
    r = Intern(Labels::FromSorted(std::move(out)));
  }
  if (l->id >= drop_name_.size()) drop_name_.resize(store_.size() + 64, nullptr);
  drop_name_[l->id] = r;
  return r;
}

}  // namespace vigie::promql::internal
