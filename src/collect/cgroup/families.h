// The container_* families the collector emits (cAdvisor's names, types and units) and the
// assembly of their samples from a container's base labels plus at most one extra label.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/labels.h"
#include "expfmt/metric_family.h"

namespace vigie::collect::cgroup {

enum Fam : int {
  kLastSeen,
  kStartTime,
  kCpuUsage,
  kCpuUser,
  kCpuSystem,
  kCfsPeriods,
  kCfsThrottledPeriods,
  kCfsThrottledSeconds,
  kMemoryUsage,
  kMemoryWorkingSet,
  kMemoryRss,
  kMemoryCache,
  kMemorySwap,
  kMemoryFailcnt,
  kSpecMemoryLimit,
  kSpecCpuQuota,
  kSpecCpuPeriod,
  kSpecCpuShares,
  kNetRxBytes,
  kNetRxPackets,
  kNetRxErrors,
  kNetRxDropped,
  kNetTxBytes,
  kNetTxPackets,
  kNetTxErrors,
  kNetTxDropped,
  kFsReadBytes,
  kFsWriteBytes,
  kFsReads,
  kFsWrites,
  kProcesses,
  kTasksState,
  kFamCount,
};

struct FamSpec {
  std::string_view sample_name;  // full exposition name, e.g. container_cpu_usage_seconds_total
  expfmt::MetricType type;
  std::string_view help;
};

const FamSpec& SpecOf(Fam f);

// One container's label set (without __name__) encoded once as sample lines spell it
// (`a="1",b="2"`), kept between scrapes by the owner of the label set, from which FamilySet
// assembles each sample's series text. Clear() it when the labels change.
class SeriesTextCache {
 public:
  bool empty() const { return !built_; }
  void Clear();
  void Build(const std::vector<Label>& base);
  // Appends `sample_name{labels} ` with the extra label (if any) in its sorted place.
  void AppendSeries(std::string* out, std::string_view sample_name, std::string_view extra_name,
                    std::string_view extra_value) const;

 private:
  bool built_ = false;
  std::string text_;              // the labels, comma-separated, sorted by name
  std::vector<uint32_t> starts_;  // where each label (name="value") starts in text_
};

// Accumulates the samples of one scrape, family by family: as expfmt::Samples, or, when
// `encode`, as encoded sample lines (MetricFamily::encoded_samples) whose series text comes
// from the caller's cache, so label sets are not rebuilt and re-escaped every scrape.
class FamilySet {
 public:
  explicit FamilySet(bool encode = false);

  // One sample: `base` (sorted by name, no __name__) plus an optional extra label. `cache`
  // (used only when encoding) belongs to `base`.
  void Add(Fam f, const std::vector<Label>& base, SeriesTextCache* cache, double value,
           std::string_view extra_name = {}, std::string_view extra_value = {});

  // Moves the families that have samples to `out`, in the order of Fam, and starts afresh.
  void MoveTo(std::vector<expfmt::MetricFamily>* out);

 private:
  Labels BuildLabels(Fam f, const std::vector<Label>& base, std::string_view extra_name,
                     std::string_view extra_value) const;

  bool encode_;
  std::array<expfmt::MetricFamily, kFamCount> fams_;
};

// cAdvisor's container_label_<name>: every character outside [a-zA-Z0-9_] becomes '_'.
std::string ContainerLabelName(std::string_view docker_label);

}  // namespace vigie::collect::cgroup
