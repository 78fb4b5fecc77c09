#include "storage/list_series.h"

#include <algorithm>

namespace vigie::storage {

namespace {
class EmptyIterator final : public SampleIterator {
 public:
  explicit EmptyIterator(Status err) : err_(std::move(err)) {}
  bool Next() override { return false; }
  bool Seek(TimestampMs) override { return false; }
  Sample At() const override { return {}; }
  Status Err() const override { return err_; }

 private:
  Status err_;
};

class ListIterator final : public SampleIterator {
 public:
  explicit ListIterator(std::vector<Sample> s) : s_(std::move(s)) {}
  bool Next() override {
    if (pos_ < Size()) ++pos_;
    return pos_ < Size();
  }
  bool Seek(TimestampMs t) override {
    if (pos_ < 0) pos_ = 0;
    if (pos_ >= Size()) return false;
    if (s_[static_cast<size_t>(pos_)].t >= t) return true;
    auto it = std::lower_bound(s_.begin() + pos_, s_.end(), t,
                               [](const Sample& a, TimestampMs ts) { return a.t < ts; });
    pos_ = it - s_.begin();
    return pos_ < Size();
  }
  Sample At() const override { return s_[static_cast<size_t>(pos_)]; }

 private:
  ptrdiff_t Size() const { return static_cast<ptrdiff_t>(s_.size()); }
  std::vector<Sample> s_;
  ptrdiff_t pos_ = -1;  // -1 before the first Next()/Seek(); Size() once exhausted
};

class ListSeriesSet final : public SeriesSet {
 public:
  explicit ListSeriesSet(std::vector<std::unique_ptr<Series>> s) : s_(std::move(s)) {}
  bool Next() override {
    if (pos_ < static_cast<ptrdiff_t>(s_.size())) ++pos_;
    return pos_ < static_cast<ptrdiff_t>(s_.size());
  }
  const Series& At() const override { return *s_[static_cast<size_t>(pos_)]; }

 private:
  std::vector<std::unique_ptr<Series>> s_;
  ptrdiff_t pos_ = -1;
};

class ErrorSeriesSet final : public SeriesSet {
 public:
  explicit ErrorSeriesSet(Status err) : err_(std::move(err)) {}
  bool Next() override { return false; }
  const Series& At() const override { std::abort(); }
  Status Err() const override { return err_; }

 private:
  Status err_;
};
}  // namespace

std::unique_ptr<SampleIterator> NewEmptyIterator(Status err) {
  return std::make_unique<EmptyIterator>(std::move(err));
}

std::unique_ptr<SampleIterator> NewListIterator(std::vector<Sample> samples) {
  return std::make_unique<ListIterator>(std::move(samples));
}

std::unique_ptr<SampleIterator> ListSeries::Iterator() const { return NewListIterator(samples_); }

std::unique_ptr<SeriesSet> NewListSeriesSet(std::vector<std::unique_ptr<Series>> series) {
  return std::make_unique<ListSeriesSet>(std::move(series));
}

std::unique_ptr<SeriesSet> NewEmptySeriesSet() { return NewListSeriesSet({}); }

std::unique_ptr<SeriesSet> NewErrorSeriesSet(Error err) {
  return std::make_unique<ErrorSeriesSet>(Status(std::move(err)));
}

Result<std::vector<ListSeries>> ReadAll(SeriesSet& set) {
  std::vector<ListSeries> out;
  while (set.Next()) {
    const Series& s = set.At();
    std::vector<Sample> samples;
    auto it = s.Iterator();
    while (it->Next()) samples.push_back(it->At());
    VIGIE_RETURN_IF_ERROR(it->Err());
    out.emplace_back(s.labels(), std::move(samples));
  }
  VIGIE_RETURN_IF_ERROR(set.Err());
  return out;
}

bool MatchesAll(const Labels& labels, std::span<const Matcher> matchers) {
  for (const auto& m : matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

}  // namespace vigie::storage
