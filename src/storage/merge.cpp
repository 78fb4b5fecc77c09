#include "storage/merge.h"

#include <algorithm>
#include <deque>
#include <set>

namespace vigie::storage {

namespace {

class MergeIterator final : public SampleIterator {
 public:
  explicit MergeIterator(std::vector<std::unique_ptr<SampleIterator>> its)
      : its_(std::move(its)), valid_(its_.size(), false) {}

  bool Next() override {
    if (done_) return false;
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < its_.size(); ++i) valid_[i] = its_[i]->Next();
    } else {
      for (size_t i = 0; i < its_.size(); ++i) {
        if (valid_[i] && its_[i]->At().t == cur_.t) valid_[i] = its_[i]->Next();
      }
    }
    return Pick();
  }

  bool Seek(TimestampMs t) override {
    if (done_) return false;
    if (started_ && cur_.t >= t) return true;
    for (size_t i = 0; i < its_.size(); ++i) {
      if (!started_ || valid_[i]) valid_[i] = its_[i]->Seek(t);
    }
    started_ = true;
    return Pick();
  }

  Sample At() const override { return cur_; }

  Status Err() const override {
    for (const auto& it : its_) {
      if (auto st = it->Err(); !st.ok()) return st;
    }
    return OkStatus();
  }

 private:
  bool Pick() {
    bool found = false;
    for (size_t i = 0; i < its_.size(); ++i) {
      if (!valid_[i]) continue;
      Sample s = its_[i]->At();
      if (!found || s.t < cur_.t) {
        cur_ = s;
        found = true;
      }
    }
    if (!found) done_ = true;
    return found;
  }

  std::vector<std::unique_ptr<SampleIterator>> its_;
  std::vector<bool> valid_;
  Sample cur_;
  bool started_ = false;
  bool done_ = false;
};

class ChainedSeries final : public Series {
 public:
  explicit ChainedSeries(std::vector<const Series*> parts) : parts_(std::move(parts)) {}
  const Labels& labels() const override { return parts_.front()->labels(); }
  Labels TakeLabels() const override { return parts_.front()->TakeLabels(); }
  std::unique_ptr<SampleIterator> Iterator() const override {
    std::vector<std::unique_ptr<SampleIterator>> its;
    its.reserve(parts_.size());
    for (const auto* p : parts_) its.push_back(p->Iterator());
    return NewMergeIterator(std::move(its));
  }

  // Parts come in source order (blocks by time, then the head), so their samples usually just
  // follow each other: append them one after the other, and merge by timestamp only when a
  // part starts at or before the end of the previous ones (overlapping blocks).
  Status AppendSamples(TimestampMs mint, TimestampMs maxt,
                       std::vector<Sample>* out) const override {
    const size_t start = out->size();
    for (const auto* p : parts_) {
      const size_t before = out->size();
      VIGIE_RETURN_IF_ERROR(p->AppendSamples(mint, maxt, out));
      if (before > start && out->size() > before && (*out)[before].t <= (*out)[before - 1].t) {
        out->resize(start);
        return Series::AppendSamples(mint, maxt, out);
      }
    }
    return OkStatus();
  }

 private:
  std::vector<const Series*> parts_;
};

class MergeSeriesSet final : public SeriesSet {
 public:
  explicit MergeSeriesSet(std::vector<std::unique_ptr<SeriesSet>> sets)
      : sets_(std::move(sets)), valid_(sets_.size(), false) {}

  bool Next() override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < sets_.size(); ++i) valid_[i] = sets_[i]->Next();
    } else {
      for (size_t i : current_) valid_[i] = sets_[i]->Next();
    }
    current_.clear();
    const Labels* min = nullptr;
    for (size_t i = 0; i < sets_.size(); ++i) {
      if (!valid_[i]) continue;
      const Labels& l = sets_[i]->At().labels();
      if (min == nullptr || l < *min) {
        min = &l;
        current_.assign(1, i);
      } else if (l == *min) {
        current_.push_back(i);
      }
    }
    if (current_.empty()) return false;
    if (current_.size() == 1) {
      at_ = &sets_[current_[0]]->At();
    } else {
      std::vector<const Series*> parts;
      for (size_t i : current_) parts.push_back(&sets_[i]->At());
      at_ = &chained_.emplace_back(std::move(parts));
    }
    return true;
  }

  const Series& At() const override { return *at_; }

  Status Err() const override {
    for (const auto& s : sets_) {
      if (auto st = s->Err(); !st.ok()) return st;
    }
    return OkStatus();
  }

  std::vector<std::string> Warnings() const override {
    std::vector<std::string> out;
    for (const auto& s : sets_) {
      auto w = s->Warnings();
      out.insert(out.end(), w.begin(), w.end());
    }
    return out;
  }

 private:
  std::vector<std::unique_ptr<SeriesSet>> sets_;
  std::vector<bool> valid_;
  std::vector<size_t> current_;
  std::deque<ChainedSeries> chained_;  // stable addresses, few allocations
  const Series* at_ = nullptr;
  bool started_ = false;
};

std::vector<std::string> UnionSorted(std::vector<std::vector<std::string>> lists) {
  std::set<std::string> all;
  for (auto& l : lists)
    all.insert(std::make_move_iterator(l.begin()), std::make_move_iterator(l.end()));
  return {all.begin(), all.end()};
}

class MergeQuerier final : public Querier {
 public:
  explicit MergeQuerier(std::vector<std::unique_ptr<Querier>> qs) : qs_(std::move(qs)) {}

  std::unique_ptr<SeriesSet> Select(bool sorted, const SelectHints* hints,
                                    std::span<const Matcher> matchers) override {
    if (qs_.empty()) return NewEmptySeriesSet();
    if (qs_.size() == 1) return qs_[0]->Select(sorted, hints, matchers);
    std::vector<std::unique_ptr<SeriesSet>> sets;
    for (auto& q : qs_) sets.push_back(q->Select(true, hints, matchers));
    return NewMergeSeriesSet(std::move(sets));
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name,
                                               std::span<const Matcher> matchers) override {
    std::vector<std::vector<std::string>> lists;
    for (auto& q : qs_) {
      VIGIE_ASSIGN_OR_RETURN(auto v, q->LabelValues(name, matchers));
      lists.push_back(std::move(v));
    }
    return UnionSorted(std::move(lists));
  }

  Result<std::vector<std::string>> LabelNames(std::span<const Matcher> matchers) override {
    std::vector<std::vector<std::string>> lists;
    for (auto& q : qs_) {
      VIGIE_ASSIGN_OR_RETURN(auto v, q->LabelNames(matchers));
      lists.push_back(std::move(v));
    }
    return UnionSorted(std::move(lists));
  }

 private:
  std::vector<std::unique_ptr<Querier>> qs_;
};

}  // namespace

std::unique_ptr<SampleIterator> NewMergeIterator(std::vector<std::unique_ptr<SampleIterator>> its) {
  if (its.size() == 1) return std::move(its[0]);
  return std::make_unique<MergeIterator>(std::move(its));
}

std::unique_ptr<Series> NewChainedSeries(std::vector<const Series*> parts) {
  return std::make_unique<ChainedSeries>(std::move(parts));
}

std::unique_ptr<SeriesSet> NewMergeSeriesSet(std::vector<std::unique_ptr<SeriesSet>> sets) {
  if (sets.size() == 1) return std::move(sets[0]);
  return std::make_unique<MergeSeriesSet>(std::move(sets));
}

std::unique_ptr<Querier> NewMergeQuerier(std::vector<std::unique_ptr<Querier>> queriers) {
  if (queriers.size() == 1) return std::move(queriers[0]);
  return std::make_unique<MergeQuerier>(std::move(queriers));
}

}  // namespace vigie::storage
