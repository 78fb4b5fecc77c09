#include "collect/cgroup/families.h"

#include <utility>

#include "expfmt/writer.h"

namespace vigie::collect::cgroup {

namespace {

using expfmt::MetricType;

constexpr std::array<FamSpec, kFamCount> kSpecs = {{
    {"container_last_seen", MetricType::kGauge,
     "Last time the exporter saw the container, in Unix seconds."},
    {"container_start_time_seconds", MetricType::kGauge,
     "Time the container started, in Unix seconds."},
    {"container_cpu_usage_seconds_total", MetricType::kCounter,
     "CPU time the container consumed, in seconds."},
    {"container_cpu_user_seconds_total", MetricType::kCounter,
     "CPU time the container consumed in user mode, in seconds."},
    {"container_cpu_system_seconds_total", MetricType::kCounter,
     "CPU time the container consumed in kernel mode, in seconds."},
    {"container_cpu_cfs_periods_total", MetricType::kCounter,
     "CFS enforcement periods that elapsed while the container was runnable."},
    {"container_cpu_cfs_throttled_periods_total", MetricType::kCounter,
     "CFS enforcement periods in which the container was throttled."},
    {"container_cpu_cfs_throttled_seconds_total", MetricType::kCounter,
     "Time the container spent throttled by its CPU quota, in seconds."},
    {"container_memory_usage_bytes", MetricType::kGauge,
     "Memory charged to the container, page cache included, in bytes."},
    {"container_memory_working_set_bytes", MetricType::kGauge,
     "Memory usage minus inactive page cache, in bytes (what the OOM killer looks at)."},
    {"container_memory_rss", MetricType::kGauge, "Anonymous memory of the container, in bytes."},
    {"container_memory_cache", MetricType::kGauge, "Page cache of the container, in bytes."},
    {"container_memory_swap", MetricType::kGauge, "Swap used by the container, in bytes."},
    {"container_memory_failcnt", MetricType::kCounter,
     "Times the container's memory usage hit its limit."},
    {"container_spec_memory_limit_bytes", MetricType::kGauge,
     "Memory limit of the container in bytes (0: no limit)."},
    {"container_spec_cpu_quota", MetricType::kGauge,
     "CPU quota of the container, in microseconds per period."},
    {"container_spec_cpu_period", MetricType::kGauge,
     "CPU quota period of the container, in microseconds."},
    {"container_spec_cpu_shares", MetricType::kGauge, "CPU shares of the container."},
    {"container_network_receive_bytes_total", MetricType::kCounter,
     "Bytes received on the interface."},
    {"container_network_receive_packets_total", MetricType::kCounter,
     "Packets received on the interface."},
    {"container_network_receive_errors_total", MetricType::kCounter,
     "Errors while receiving on the interface."},
    {"container_network_receive_packets_dropped_total", MetricType::kCounter,
     "Packets dropped while receiving on the interface."},
    {"container_network_transmit_bytes_total", MetricType::kCounter,
     "Bytes transmitted on the interface."},
    {"container_network_transmit_packets_total", MetricType::kCounter,
     "Packets transmitted on the interface."},
    {"container_network_transmit_errors_total", MetricType::kCounter,
     "Errors while transmitting on the interface."},
    {"container_network_transmit_packets_dropped_total", MetricType::kCounter,
     "Packets dropped while transmitting on the interface."},
    {"container_fs_reads_bytes_total", MetricType::kCounter, "Bytes read from the device."},
    {"container_fs_writes_bytes_total", MetricType::kCounter, "Bytes written to the device."},
    {"container_fs_reads_total", MetricType::kCounter, "Reads completed on the device."},
    {"container_fs_writes_total", MetricType::kCounter, "Writes completed on the device."},
    {"container_processes", MetricType::kGauge, "Processes running in the container."},
    {"container_tasks_state", MetricType::kGauge, "Threads of the container by scheduler state."},
}};

std::string FamilyName(const FamSpec& s) {
  std::string_view n = s.sample_name;
  if (s.type == MetricType::kCounter && n.ends_with("_total")) n.remove_suffix(6);
  return std::string(n);
}

}  // namespace

const FamSpec& SpecOf(Fam f) { return kSpecs[f]; }

void EncodedLabels::Build(const std::vector<Label>& labels) {
  text_.clear();
  starts_.clear();
  for (const Label& l : labels) {
    if (!text_.empty()) text_.push_back(',');
    starts_.push_back(static_cast<uint32_t>(text_.size()));
    expfmt::AppendLabelPair(&text_, l.name, l.value);
  }
}

void EncodedLabels::AppendSeries(std::string* out, std::string_view sample_name,
                                 std::string_view extra_name, std::string_view extra_value) const {
  out->append(sample_name);
  if (extra_name.empty()) {
    if (!text_.empty()) {
      out->push_back('{');
      out->append(text_);
      out->push_back('}');
    }
    out->push_back(' ');
    return;
  }
  // The extra label goes before the first label whose name sorts after it (names hold no '=').
  std::string_view text = text_;
  size_t k = 0;
  while (k < starts_.size()) {
    std::string_view rest = text.substr(starts_[k]);
    if (rest.substr(0, rest.find('=')) >= extra_name) break;
    ++k;
  }
  out->push_back('{');
  if (k > 0) out->append(k < starts_.size() ? text.substr(0, starts_[k]) : text);
  if (k == starts_.size() && k > 0) out->push_back(',');
  expfmt::AppendLabelPair(out, extra_name, extra_value);
  if (k < starts_.size()) {
    out->push_back(',');
    out->append(text.substr(starts_[k]));
  }
  out->append("} ");
}

FamilySet::FamilySet() {
  for (int i = 0; i < kFamCount; ++i) {
    fams_[i].name = FamilyName(kSpecs[i]);
    fams_[i].type = kSpecs[i].type;
    fams_[i].help = std::string(kSpecs[i].help);
  }
}

void FamilySet::Add(Fam f, const EncodedLabels& labels, double value, std::string_view extra_name,
                    std::string_view extra_value) {
  std::string& out = fams_[f].encoded_samples;
  labels.AppendSeries(&out, kSpecs[f].sample_name, extra_name, extra_value);
  expfmt::AppendFloat(&out, value);
  out.push_back('\n');
}

void FamilySet::MoveTo(std::vector<expfmt::MetricFamily>* out) {
  for (auto& f : fams_) {
    if (f.encoded_samples.empty()) continue;
    expfmt::MetricFamily fresh;
    fresh.name = f.name;
    fresh.type = f.type;
    fresh.help = f.help;
    // Sized for the next scrape now, while the allocator's free lists are nearly empty: a
    // buffer growing during the next scrape would ask for large blocks right after the caller
    // freed this scrape's blocks, and glibc then consolidates all of them first.
    fresh.encoded_samples.reserve(f.encoded_samples.size() + f.encoded_samples.size() / 8);
    out->push_back(std::exchange(f, std::move(fresh)));
  }
}

std::string ContainerLabelName(std::string_view docker_label) {
  std::string out = "container_label_";
  out.reserve(out.size() + docker_label.size());
  for (char c : docker_label) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

}  // namespace vigie::collect::cgroup
