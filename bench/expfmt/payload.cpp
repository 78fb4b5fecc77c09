#include "payload.h"

#include <cstdint>
#include <string>

#include "expfmt/writer.h"

namespace vigie::expfmt::bench {
namespace {

// xorshift64*: deterministic values without <random>'s distribution differences.
class Rng {
 public:
  uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 2685821657736338717ULL;
  }
  double Value() {
    switch (Next() % 4) {
      case 0:
        return static_cast<double>(Next() % 100000);  // counts
      case 1:
        return static_cast<double>(Next() % 100000000) / 100;  // seconds.cc
      case 2:
        return static_cast<double>(Next() % 1000000000000ULL);  // bytes
      default:
        return static_cast<double>(Next() % 1000000) * 1e-7;  // small ratios
    }
  }

 private:
  uint64_t state_ = 0x9E3779B97F4A7C15ULL;
};

}  // namespace

std::string NodeExporterLikePayload(int series) {
  std::string out;
  Writer w(Format::kText004, &out);
  Rng rng;
  int written = 0;
  // Writes one sample unless the payload is complete.
  auto sample = [&](const std::string& name, const Labels& labels, std::string_view extra_name,
                    std::string_view extra_value) {
    if (written >= series) return;
    w.WriteSample(name, labels, extra_name, extra_value, rng.Value());
    ++written;
  };
  static const char* kModes[] = {"idle",    "iowait", "irq",    "nice",
                                 "softirq", "steal",  "system", "user"};
  static const char* kDisk[] = {"disk_read_bytes_total", "disk_written_bytes_total",
                                "disk_io_time_seconds_total", "disk_reads_completed_total"};
  static const char* kNet[] = {"network_receive_bytes_total",   "network_transmit_bytes_total",
                               "network_receive_packets_total", "network_transmit_packets_total",
                               "network_receive_errs_total",    "network_receive_drop_total"};
  static const char* kLe[] = {"0.1", "0.2", "0.4", "1", "3", "8", "20", "60", "120", "+Inf"};
  // Rounds repeat the node-exporter mix under distinct family names (node_, node1_, ...).
  for (int round = 0; written < series; ++round) {
    std::string r = round == 0 ? "" : std::to_string(round);
    std::string node = "node" + r + "_";
    std::string cpu = node + "cpu_seconds_total";
    w.BeginFamily(cpu, MetricType::kCounter, "Seconds the CPUs spent in each mode.");
    for (int c = 0; c < 32; ++c) {
      for (const char* mode : kModes) {
        sample(cpu, Labels{{"cpu", std::to_string(c)}, {"mode", mode}}, {}, {});
      }
    }
    for (const char* m : kDisk) {
      std::string name = node + m;
      w.BeginFamily(name, MetricType::kCounter, "The total number of bytes read successfully.");
      for (int d = 0; d < 16; ++d) {
        sample(name, Labels{{"device", "nvme" + std::to_string(d) + "n1"}}, {}, {});
      }
    }
    for (const char* m : kNet) {
      std::string name = node + m;
      w.BeginFamily(name, MetricType::kCounter, "Network device statistic receive_bytes.");
      for (int d = 0; d < 24; ++d) {
        sample(name, Labels{{"device", "veth" + std::to_string(d * 7919 % 100000)}}, {}, {});
      }
    }
    std::string fs = node + "filesystem_avail_bytes";
    w.BeginFamily(fs, MetricType::kGauge, "Filesystem space available to non-root users in bytes.");
    for (int d = 0; d < 20; ++d) {
      sample(fs,
             Labels{{"device", "/dev/mapper/vg-lv" + std::to_string(d)},
                    {"fstype", d % 2 ? "ext4" : "xfs"},
                    {"mountpoint", "/var/lib/docker/overlay2/" + std::to_string(d)}},
             {}, {});
    }
    for (int v = 0; v < 60; ++v) {
      std::string name = node + "vmstat_pgscan_" + std::to_string(v);
      w.BeginFamily(name, MetricType::kUnknown, "/proc/vmstat information field.");
      sample(name, Labels{}, {}, {});
    }
    std::string h = "prometheus" + r + "_http_request_duration_seconds";
    w.BeginFamily(h, MetricType::kHistogram, "Histogram of latencies for HTTP requests.");
    for (const char* handler : {"/metrics", "/api/v1/query", "/api/v1/query_range"}) {
      for (const char* le : kLe) sample(h + "_bucket", Labels{{"handler", handler}}, "le", le);
      sample(h + "_sum", Labels{{"handler", handler}}, {}, {});
      sample(h + "_count", Labels{{"handler", handler}}, {}, {});
    }
    std::string s = "go" + r + "_gc_duration_seconds";
    w.BeginFamily(s, MetricType::kSummary, "A summary of the pause duration of GC cycles.");
    for (const char* q : {"0", "0.25", "0.5", "0.75", "1"}) sample(s, Labels{}, "quantile", q);
    sample(s + "_sum", Labels{}, {}, {});
    sample(s + "_count", Labels{}, {}, {});
  }
  w.Finish();
  return out;
}

}  // namespace vigie::expfmt::bench
