#include "collect/family_builder.h"

#include <algorithm>
#include <utility>

#include "expfmt/writer.h"

namespace vigie::collect {

namespace {

using Pair = std::pair<std::string_view, std::string_view>;

// Appends `name{a="1",b="2"} value\n` as the writer spells a sample (labels sorted by name, the
// last of equal names kept, __name__ skipped).
void AppendLine(std::string* out, std::string_view name, Pair* labels, size_t n, double value) {
  // Insertion sort, stable: a handful of labels, often given in order (std::stable_sort would
  // allocate a buffer).
  for (size_t i = 1; i < n; ++i) {
    for (size_t j = i; j > 0 && labels[j].first < labels[j - 1].first; --j) {
      std::swap(labels[j], labels[j - 1]);
    }
  }
  out->append(name);
  bool first = true;
  for (size_t i = 0; i < n; ++i) {
    if (i + 1 < n && labels[i + 1].first == labels[i].first) continue;  // a later one wins
    if (labels[i].first == kMetricNameLabel) continue;
    out->push_back(first ? '{' : ',');
    first = false;
    expfmt::AppendLabelPair(out, labels[i].first, labels[i].second);
  }
  if (!first) out->push_back('}');
  out->push_back(' ');
  expfmt::AppendFloat(out, value);
  out->push_back('\n');
}

}  // namespace

FamilyBuilder::FamilyBuilder(std::string_view full_name, expfmt::MetricType type,
                             std::string_view help)
    : sample_name_(full_name) {
  std::string_view family_name = full_name;
  if (type == expfmt::MetricType::kCounter && family_name.ends_with("_total")) {
    family_name.remove_suffix(6);
  }
  family_.name = std::string(family_name);
  family_.type = type;
  family_.help = std::string(help);
}

FamilyBuilder& FamilyBuilder::Add(double value) {
  AppendLine(&family_.encoded_samples, sample_name_, nullptr, 0, value);
  return *this;
}

FamilyBuilder& FamilyBuilder::Add(LabelPairs labels, double value) {
  // Node collectors give a handful of labels: sorted on the stack, more in a vector.
  constexpr size_t kMax = 16;
  if (labels.size() > kMax) {
    std::vector<Pair> v(labels.begin(), labels.end());
    AppendLine(&family_.encoded_samples, sample_name_, v.data(), v.size(), value);
    return *this;
  }
  Pair pairs[kMax];
  std::copy(labels.begin(), labels.end(), pairs);
  AppendLine(&family_.encoded_samples, sample_name_, pairs, labels.size(), value);
  return *this;
}

FamilyBuilder& FamilyBuilder::Add(const std::vector<Label>& labels, double value) {
  std::vector<Pair> pairs;
  pairs.reserve(labels.size());
  for (const Label& l : labels) pairs.emplace_back(l.name, l.value);
  AppendLine(&family_.encoded_samples, sample_name_, pairs.data(), pairs.size(), value);
  return *this;
}

void FamilyBuilder::MoveTo(std::vector<expfmt::MetricFamily>* out, bool keep_empty) {
  if (empty() && !keep_empty) return;
  out->push_back(std::move(family_));
  family_.encoded_samples.clear();
}

}  // namespace vigie::collect
