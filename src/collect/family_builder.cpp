#include "collect/family_builder.h"

namespace vigie::collect {

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
  expfmt::Sample s;
  s.labels = Labels::FromSorted({Label{std::string(kMetricNameLabel), sample_name_}});
  s.value = value;
  family_.samples.push_back(std::move(s));
  return *this;
}

FamilyBuilder& FamilyBuilder::Add(LabelPairs labels, double value) {
  std::vector<Label> v;
  v.reserve(labels.size() + 1);
  v.push_back(Label{std::string(kMetricNameLabel), sample_name_});
  for (const auto& [name, val] : labels) v.push_back(Label{std::string(name), std::string(val)});
  return Add(std::move(v), value);
}

FamilyBuilder& FamilyBuilder::Add(std::vector<Label> labels, double value) {
  bool has_name = false;
  for (const auto& l : labels) {
    if (l.name == kMetricNameLabel) has_name = true;
  }
  if (!has_name) labels.push_back(Label{std::string(kMetricNameLabel), sample_name_});
  expfmt::Sample s;
  s.labels = Labels::FromUnsorted(std::move(labels));
  s.value = value;
  family_.samples.push_back(std::move(s));
  return *this;
}

void FamilyBuilder::MoveTo(std::vector<expfmt::MetricFamily>* out, bool keep_empty) {
  if (family_.samples.empty() && !keep_empty) return;
  out->push_back(std::move(family_));
  family_.samples.clear();
}

}  // namespace vigie::collect
