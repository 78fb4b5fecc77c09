// In-memory series and series sets built from vectors: for tests and for producers that
// compute series (e.g. PromQL results fed back through the seam).
#pragma once

#include <memory>
#include <vector>

#include "storage/querier.h"

namespace vigie::storage {

// Iterates a sorted vector of samples (owned copy or borrowed span).
std::unique_ptr<SampleIterator> NewListIterator(std::vector<Sample> samples);

class ListSeries final : public Series {
 public:
  ListSeries(Labels labels, std::vector<Sample> samples)
      : labels_(std::move(labels)), samples_(std::move(samples)) {}
  const Labels& labels() const override { return labels_; }
  std::unique_ptr<SampleIterator> Iterator() const override;
  const std::vector<Sample>& samples() const { return samples_; }

 private:
  Labels labels_;
  std::vector<Sample> samples_;
};

// A set over the given series in the given order.
std::unique_ptr<SeriesSet> NewListSeriesSet(std::vector<std::unique_ptr<Series>> series);

// Reads a whole set into (labels, samples) pairs: handy in tests. Returns the set's error.
Result<std::vector<ListSeries>> ReadAll(SeriesSet& set);

// True if the label set satisfies every matcher (absent labels count as "").
bool MatchesAll(const Labels& labels, std::span<const Matcher> matchers);

}  // namespace vigie::storage
