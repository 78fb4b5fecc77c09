// Label sets: the identity of a series. Sorted by name, unique names, stable 64-bit hash.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace vigie {

inline constexpr std::string_view kMetricNameLabel = "__name__";

struct Label {
  std::string name;
  std::string value;

  friend bool operator==(const Label&, const Label&) = default;
  friend auto operator<=>(const Label&, const Label&) = default;  // NOLINT(modernize-use-nullptr)
};

// An immutable-by-convention, sorted set of labels. Cheap to move, copy costs the strings.
class Labels {
 public:
  Labels() = default;
  // Sorts; on duplicate names the last one wins. Use FromSorted when input is known sorted.
  Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs);
  static Labels FromUnsorted(std::vector<Label> labels);
  // Caller guarantees `labels` is sorted by name with unique names.
  static Labels FromSorted(std::vector<Label> labels);

  // Value of `name`, or "" when absent (Prometheus treats absent and empty alike).
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricNameLabel); }

  // Stable across processes and versions: XXH3-64 over name 0xff value 0xff ...
  uint64_t Hash() const;
  // Hash over only the named labels (`names` sorted), or over all but them (without=true);
  // used for aggregation grouping and vector matching.
  uint64_t HashFor(const std::vector<std::string>& names, bool without) const;

  size_t size() const { return labels_.size(); }
  bool empty() const { return labels_.empty(); }
  auto begin() const { return labels_.begin(); }
  auto end() const { return labels_.end(); }
  const Label& operator[](size_t i) const { return labels_[i]; }
  const std::vector<Label>& items() const { return labels_; }

  // Prometheus notation: name{a="1", b="2"}; values escaped (\\, \", \n).
  std::string ToString() const;

  // Total bytes of names and values, for memory accounting.
  size_t ByteSize() const;

  friend bool operator==(const Labels& a, const Labels& b) { return a.labels_ == b.labels_; }
  friend bool operator<(const Labels& a, const Labels& b) { return a.labels_ < b.labels_; }

 private:
  std::vector<Label> labels_;
};

// Builds a label set by edits on a base; used by relabelling, rules and the engine.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base);
  void Reset(const Labels& base);
  // An empty value deletes, as in Prometheus.
  LabelsBuilder& Set(std::string_view name, std::string_view value);
  LabelsBuilder& Del(std::string_view name);
  std::string_view Get(std::string_view name) const;
  // Keeps only the given names (or drops them when `drop`).
  LabelsBuilder& Keep(const std::vector<std::string>& names);
  LabelsBuilder& Drop(const std::vector<std::string>& names);
  Labels Build() const;

 private:
  std::vector<Label> labels_;  // kept sorted
};

// [a-zA-Z_][a-zA-Z0-9_]*
bool IsValidLabelName(std::string_view name);
// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// Names valid, values valid UTF-8, no duplicates, no empty values.
Status ValidateLabels(const Labels& labels);
bool IsValidUtf8(std::string_view s);

// Escapes a label value for the text formats: backslash, double quote, newline.
std::string EscapeLabelValue(std::string_view v);

}  // namespace vigie
