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

// One container's label set (sorted, without __name__) encoded once as sample lines spell it
// (`a="1",b="2"`), from which FamilySet assembles each of its samples' series text.
class EncodedLabels {
 public:
  void Build(const std::vector<Label>& labels);
  // Appends `sample_name{labels} ` with the extra label (if any) in its sorted place.
  void AppendSeries(std::string* out, std::string_view sample_name, std::string_view extra_name,
                    std::string_view extra_value) const;

 private:
  std::string text_;              // the labels, comma-separated, sorted by name
  std::vector<uint32_t> starts_;  // where each label (name="value") starts in text_
};

// Accumulates the samples of one scrape, family by family, as encoded sample lines
// (MetricFamily::encoded_samples): a container's labels are not rebuilt and re-escaped for
// every sample and scrape.
class FamilySet {
 public:
  FamilySet();

  // One sample of the container whose labels are `labels`, plus an optional extra label.
  void Add(Fam f, const EncodedLabels& labels, double value, std::string_view extra_name = {},
           std::string_view extra_value = {});

  // Moves the families that have samples to `out`, in the order of Fam, and starts afresh.
  void MoveTo(std::vector<expfmt::MetricFamily>* out);

 private:
  std::array<expfmt::MetricFamily, kFamCount> fams_;
};

// cAdvisor's container_label_<name>: every character outside [a-zA-Z0-9_] becomes '_'.
std::string ContainerLabelName(std::string_view docker_label);

}  // namespace vigie::collect::cgroup
