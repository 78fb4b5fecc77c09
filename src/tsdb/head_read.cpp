// Reading the head: a Querier that resolves matchers through the postings index and copies
// chunk bytes under the series lock when an iterator is created.
#include <algorithm>
#include <set>

#include "storage/list_series.h"
#include "tsdb/chunk_series.h"
#include "tsdb/head.h"

namespace vigie::tsdb {

class HeadSeries final : public storage::Series {
 public:
  HeadSeries(const Head* h, storage::SeriesRef ref, Labels labels, int64_t mint, int64_t maxt)
      : h_(h), ref_(ref), labels_(std::move(labels)), mint_(mint), maxt_(maxt) {}

  const Labels& labels() const override { return labels_; }
  // The copy is this selection's own: the consumer that is done with the series may have it.
  Labels TakeLabels() const override { return std::move(labels_); }

  std::unique_ptr<storage::SampleIterator> Iterator() const override {
    std::vector<ChunkView> views;
    std::vector<std::vector<uint8_t>> owned;
    CopyChunks(mint_, maxt_, &views, &owned);
    return std::make_unique<ChunksIterator>(std::move(views), mint_, maxt_, nullptr,
                                            std::move(owned));
  }

  Status AppendSamples(TimestampMs mint, TimestampMs maxt,
                       std::vector<storage::Sample>* out) const override {
    mint = std::max(mint, mint_);
    maxt = std::min(maxt, maxt_);
    if (maxt < mint) return OkStatus();
    std::vector<ChunkView> views;
    std::vector<std::vector<uint8_t>> owned;
    CopyChunks(mint, maxt, &views, &owned);
    for (const auto& v : views) VIGIE_RETURN_IF_ERROR(AppendChunkSamples(v, mint, maxt, out));
    return OkStatus();
  }

 private:
  // Copies (under the series lock) the chunks overlapping [mint, maxt]: appends may go on.
  void CopyChunks(int64_t mint, int64_t maxt, std::vector<ChunkView>* views,
                  std::vector<std::vector<uint8_t>>* owned) const {
    h_->WithSeries(ref_, [&](const MemSeries& s) {
      for (const auto& c : s.closed) {
        if (c.maxt < mint || c.mint > maxt) continue;
        owned->emplace_back(c.data.get(), c.data.get() + c.size);
        views->push_back({{}, c.mint, c.maxt});
      }
      if (!s.head.empty() && s.max_time >= mint && s.head_mint <= maxt) {
        owned->push_back(s.head);
        views->push_back({{}, s.head_mint, s.max_time});
      }
    });
    for (size_t i = 0; i < views->size(); ++i) (*views)[i].bytes = (*owned)[i];
  }

  const Head* h_;
  storage::SeriesRef ref_;
  mutable Labels labels_;  // mutable for TakeLabels only
  int64_t mint_, maxt_;
};

class HeadQuerier final : public storage::Querier {
 public:
  HeadQuerier(Head* h, int64_t mint, int64_t maxt)
      : h_(h), mint_(mint), maxt_(maxt), reader_(h->RegisterReader(mint, maxt)) {}
  ~HeadQuerier() override { h_->UnregisterReader(reader_); }

  std::unique_ptr<storage::SeriesSet> Select(bool sorted, const storage::SelectHints*,
                                             std::span<const storage::Matcher> ms) override {
    std::vector<std::unique_ptr<storage::Series>> out;
    for (const auto& l : Matching(ms)) {
      out.push_back(std::make_unique<HeadSeries>(h_, l.first, std::move(l.second), mint_, maxt_));
    }
    if (sorted) {
      std::sort(out.begin(), out.end(),
                [](const auto& a, const auto& b) { return a->labels() < b->labels(); });
    }
    return storage::NewListSeriesSet(std::move(out));
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name,
                                               std::span<const storage::Matcher> ms) override {
    if (ms.empty()) return h_->postings_.ValuesOf(name);
    std::set<std::string> vals;
    for (const auto& [ref, l] : Matching(ms)) {
      auto v = l.Get(name);
      if (!v.empty()) vals.emplace(v);
    }
    return std::vector<std::string>(vals.begin(), vals.end());
  }

  Result<std::vector<std::string>> LabelNames(std::span<const storage::Matcher> ms) override {
    if (ms.empty()) return h_->postings_.Names();
    std::set<std::string> names;
    for (const auto& [ref, l] : Matching(ms)) {
      for (const auto& lab : l) names.insert(lab.name);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

 private:
  // Series matching `ms` with samples in [mint, maxt], with their labels.
  std::vector<std::pair<storage::SeriesRef, Labels>> Matching(
      std::span<const storage::Matcher> ms) const {
    std::vector<std::pair<storage::SeriesRef, Labels>> out;
    for (uint64_t ref : index::PostingsForMatchers(h_->postings_, ms)) {
      h_->WithSeries(ref, [&](const MemSeries& s) {
        if (s.Empty() || s.MinTime() > maxt_ || s.max_time < mint_) return;
        out.emplace_back(ref, s.labels.ToLabels());
      });
    }
    return out;
  }

  Head* h_;
  int64_t mint_, maxt_;
  uint64_t reader_;
};

Result<std::unique_ptr<storage::Querier>> Head::NewQuerier(TimestampMs mint, TimestampMs maxt) {
  return std::unique_ptr<storage::Querier>(new HeadQuerier(this, mint, maxt));
}

}  // namespace vigie::tsdb
