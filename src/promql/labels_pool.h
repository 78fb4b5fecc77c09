// Internal to the engine: label sets interned per query, so that evaluation passes pointers
// around (cheap to copy, compared and hashed by address) and builds each distinct label set once.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/labels.h"
#include "storage/series.h"

namespace vigie::promql::internal {

struct LabelSet {
  const Labels& labels() const { return source != nullptr ? source->labels() : owned; }

  Labels owned;                             // the labels, unless they are a series'
  const storage::Series* source = nullptr;  // a selected series, outliving the pool's use
  uint64_t hash = 0;
  uint32_t id = 0;  // dense, 0..size()-1: lets a node keep per-label-set state in arrays
};
// Two refs from the same pool are equal iff their label sets are equal.
using LabelsRef = const LabelSet*;

// Not thread-safe: one pool per query. Refs stay valid for the pool's lifetime.
class LabelsPool {
 public:
  LabelsPool();
  LabelsPool(const LabelsPool&) = delete;
  LabelsPool& operator=(const LabelsPool&) = delete;

  LabelsRef Intern(Labels labels);
  // A selected series' labels, without a copy: `s` must stay valid while refs from this pool
  // are used (the query holds its series sets to the end).
  LabelsRef InternSeries(const storage::Series& s);
  LabelsRef Empty() const { return empty_; }
  size_t size() const { return store_.size(); }

  // Moves the labels out of the pool (or out of their series, see Series::TakeLabels) for a
  // final result, where each ref appears once, at the end of evaluation: neither the ref nor
  // its series' labels may be used afterwards.
  Labels Release(LabelsRef l) {
    if (l->source != nullptr) return l->source->TakeLabels();
    return std::move(const_cast<LabelSet*>(l)->owned);
  }

  // Common derived sets, memoized by input ref.
  LabelsRef DropMetricName(LabelsRef l);

 private:
  void Grow();
  LabelsRef Find(const Labels& labels, uint64_t h, size_t* slot);

  std::deque<LabelSet> store_;
  std::vector<const LabelSet*> table_;  // open addressing by hash; size a power of two
  std::vector<LabelsRef> drop_name_;    // by id; null when not computed yet
  LabelsRef empty_ = nullptr;
  std::string hash_buf_;
};

}  // namespace vigie::promql::internal
