#include "collect/node/netdev.h"

#include <memory>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/device_filter.h"
#include "collect/node/file_reader.h"
#include "collect/node/text.h"

namespace vigie::collect::node {

namespace {
constexpr std::string_view kSource = "/proc/net/dev";
}

Result<std::vector<NetDevStats>> ParseNetDev(std::string_view text) {
  std::vector<NetDevStats> out;
  LineReader lines(text);
  std::string_view line;
  std::vector<std::string_view> f;
  while (lines.Next(&line)) {
    if (lines.line_number() <= 2) continue;  // two header lines
    if (TrimSpace(line).empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return LineError(kSource, lines.line_number(), "expected \"device: counters\"", line);
    }
    NetDevStats s;
    s.device = std::string(TrimSpace(line.substr(0, colon)));
    SplitFields(line.substr(colon + 1), &f);
    if (s.device.empty() || f.size() < s.values.size()) {
      return LineError(kSource, lines.line_number(), "expected a device name and 16 counters",
                       line);
    }
    for (size_t i = 0; i < s.values.size(); ++i) {
      auto v = ParseU64(f[i]);
      if (!v) return LineError(kSource, lines.line_number(), "bad counter", line);
      s.values[i] = *v;
    }
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

class NetdevCollector final : public Collector {
 public:
  NetdevCollector(NodeOptions o, DeviceFilter filter)
      : o_(std::move(o)), reader_(o_.fs), filter_(std::move(filter)) {}
  std::string_view Name() const override { return "netdev"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    SweepOnExit sweep(reader_);
    std::vector<NetDevStats> devices;
    if (o_.netdev_netlink) {
      VIGIE_ASSIGN_OR_RETURN(devices, ReadNetlinkLinks());
    } else {
      VIGIE_ASSIGN_OR_RETURN(std::string_view text, reader_.Read(o_.paths.Proc("net/dev")));
      VIGIE_ASSIGN_OR_RETURN(devices, ParseNetDev(text));
    }
    std::vector<FamilyBuilder> families;
    families.reserve(kNetDevColumns.size());
    for (auto column : kNetDevColumns) {
      families.emplace_back("node_network_" + std::string(column) + "_total",
                            expfmt::MetricType::kCounter,
                            "Network device statistic " + std::string(column) + ".");
    }
    FamilyBuilder nohandler("node_network_receive_nohandler_total", expfmt::MetricType::kCounter,
                            "Network device statistic receive_nohandler.");
    for (const auto& d : devices) {
      if (filter_.Ignored(d.device)) continue;
      for (size_t i = 0; i < d.values.size(); ++i) {
        families[i].Add({{"device", d.device}}, static_cast<double>(d.values[i]));
      }
      std::optional<uint64_t> nh = d.receive_nohandler;
      if (!nh) {
        // /proc/net/dev lacks rx_nohandler, which netlink has: read it from sysfs.
        auto text =
            reader_.Read(o_.paths.Sys("class/net/" + d.device + "/statistics/rx_nohandler"));
        if (text.ok()) nh = ParseU64(TrimSpace(*text));
      }
      if (nh) nohandler.Add({{"device", d.device}}, static_cast<double>(*nh));
    }
    for (size_t i = 0; i < families.size(); ++i) {
      families[i].MoveTo(out);
      if (kNetDevColumns[i] == "receive_multicast") nohandler.MoveTo(out);
    }
    return OkStatus();
  }

 private:
  NodeOptions o_;
  FileReader reader_;
  DeviceFilter filter_;
};

}  // namespace

Result<std::unique_ptr<Collector>> NewNetdevCollector(const NodeOptions& o) {
  VIGIE_ASSIGN_OR_RETURN(
      auto filter,
      DeviceFilter::Make("collector.netdev", o.netdev_device_exclude, o.netdev_device_include));
  return std::unique_ptr<Collector>(std::make_unique<NetdevCollector>(o, std::move(filter)));
}

}  // namespace vigie::collect::node
