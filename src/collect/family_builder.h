// Builds one expfmt::MetricFamily from a full exposition name (e.g. node_cpu_seconds_total),
// a type and a help string. Shared by every collector so that the naming rule lives in one place:
// the family name drops the counter suffix _total (as OpenMetrics names families), each sample
// carries the full name. Samples go straight into the family's encoded_samples (exposition text,
// see expfmt::MetricFamily) rather than label sets: no allocations per label at every scrape.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "expfmt/metric_family.h"

namespace vigie::collect {

using LabelPairs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class FamilyBuilder {
 public:
  FamilyBuilder(std::string_view full_name, expfmt::MetricType type, std::string_view help);

  // A sample without labels.
  FamilyBuilder& Add(double value);
  // A sample with labels (any order; __name__ is added).
  FamilyBuilder& Add(LabelPairs labels, double value);
  // A sample with labels given as a vector (for label sets built at run time).
  FamilyBuilder& Add(const std::vector<Label>& labels, double value);

  bool empty() const { return family_.encoded_samples.empty(); }
  const std::string& sample_name() const { return sample_name_; }

  // Moves the family into `out` (even when it has no samples only if `keep_empty`).
  void MoveTo(std::vector<expfmt::MetricFamily>* out, bool keep_empty = false);

 private:
  std::string sample_name_;
  expfmt::MetricFamily family_;
};

}  // namespace vigie::collect
