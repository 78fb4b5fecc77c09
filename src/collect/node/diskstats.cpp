#include "collect/node/diskstats.h"

#include <memory>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/device_filter.h"
#include "collect/node/file_reader.h"
#include "collect/node/text.h"

namespace vigie::collect::node {

namespace {
constexpr std::string_view kSource = "/proc/diskstats";
constexpr size_t kMinStats = 11;
constexpr size_t kMaxStats = 17;
}  // namespace

Result<std::vector<DiskStats>> ParseDiskstats(std::string_view text) {
  std::vector<DiskStats> out;
  LineReader lines(text);
  std::string_view line;
  std::vector<std::string_view> f;
  while (lines.Next(&line)) {
    SplitFields(line, &f);
    if (f.empty()) continue;
    if (f.size() < 3 + kMinStats) {
      return LineError(kSource, lines.line_number(),
                       "expected major, minor, device and at least 11 statistics", line);
    }
    DiskStats d;
    auto major = ParseU64(f[0]);
    auto minor = ParseU64(f[1]);
    if (!major || !minor || *major > UINT32_MAX || *minor > UINT32_MAX) {
      return LineError(kSource, lines.line_number(), "bad device number", line);
    }
    d.major = static_cast<uint32_t>(*major);
    d.minor = static_cast<uint32_t>(*minor);
    d.device = std::string(f[2]);
    for (size_t i = 3; i < f.size() && d.stats.size() < kMaxStats; ++i) {
      auto v = ParseU64(f[i]);
      if (!v) return LineError(kSource, lines.line_number(), "bad statistic", line);
      d.stats.push_back(*v);
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::map<std::string, std::string> ParseUdevProperties(std::string_view text) {
  std::map<std::string, std::string> out;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (!line.starts_with("E:")) continue;
    line.remove_prefix(2);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return out;
}

namespace {

struct StatDesc {
  std::string_view name;
  expfmt::MetricType type;
  std::string_view help;
  double scale;  // 512 for sectors -> bytes, 0.001 for ms -> s
};

using T = expfmt::MetricType;
// In /proc/diskstats order; names, help and units of node-exporter 1.5.
const StatDesc kStats[kMaxStats] = {
    {"node_disk_reads_completed_total", T::kCounter,
     "The total number of reads completed successfully.", 1},
    {"node_disk_reads_merged_total", T::kCounter, "The total number of reads merged.", 1},
    {"node_disk_read_bytes_total", T::kCounter, "The total number of bytes read successfully.",
     512},
    {"node_disk_read_time_seconds_total", T::kCounter,
     "The total number of seconds spent by all reads.", 0.001},
    {"node_disk_writes_completed_total", T::kCounter,
     "The total number of writes completed successfully.", 1},
    {"node_disk_writes_merged_total", T::kCounter, "The number of writes merged.", 1},
    {"node_disk_written_bytes_total", T::kCounter,
     "The total number of bytes written successfully.", 512},
    {"node_disk_write_time_seconds_total", T::kCounter,
     "This is the total number of seconds spent by all writes.", 0.001},
    {"node_disk_io_now", T::kGauge, "The number of I/Os currently in progress.", 1},
    {"node_disk_io_time_seconds_total", T::kCounter, "Total seconds spent doing I/Os.", 0.001},
    {"node_disk_io_time_weighted_seconds_total", T::kCounter,
     "The weighted # of seconds spent doing I/Os.", 0.001},
    {"node_disk_discards_completed_total", T::kCounter,
     "The total number of discards completed successfully.", 1},
    {"node_disk_discards_merged_total", T::kCounter, "The total number of discards merged.", 1},
    // Sectors, not bytes: node-exporter 1.5 reports the raw count under this name.
    {"node_disk_discarded_sectors_total", T::kCounter,
     "The total number of sectors discarded successfully.", 1},
    {"node_disk_discard_time_seconds_total", T::kCounter,
     "This is the total number of seconds spent by all discards.", 0.001},
    {"node_disk_flush_requests_total", T::kCounter,
     "The total number of flush requests completed successfully", 1},
    {"node_disk_flush_requests_time_seconds_total", T::kCounter,
     "This is the total number of seconds spent by all flush requests.", 0.001},
};

class DiskstatsCollector final : public Collector {
 public:
  DiskstatsCollector(NodeOptions o, DeviceFilter filter)
      : o_(std::move(o)), reader_(o_.fs), filter_(std::move(filter)) {
    // node-exporter reads udev properties only when the directory exists at start.
    udev_ = o_.fs->Exists(o_.paths.udev_data);
  }
  std::string_view Name() const override { return "diskstats"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    SweepOnExit sweep(reader_);
    VIGIE_ASSIGN_OR_RETURN(std::string_view text, reader_.Read(o_.paths.Proc("diskstats")));
    VIGIE_ASSIGN_OR_RETURN(auto disks, ParseDiskstats(text));

    std::vector<FamilyBuilder> stats;
    stats.reserve(kMaxStats);
    for (const auto& d : kStats) stats.emplace_back(d.name, d.type, d.help);
    FamilyBuilder info("node_disk_info", T::kGauge, "Info of /sys/block/<block_device>.");
    FamilyBuilder fs_info("node_disk_filesystem_info", T::kGauge, "Info about disk filesystem.");
    FamilyBuilder dm_info("node_disk_device_mapper_info", T::kGauge,
                          "Info about disk device mapper.");
    FamilyBuilder ata_wc("node_disk_ata_write_cache", T::kGauge, "ATA disk has a write cache.");
    FamilyBuilder ata_wce("node_disk_ata_write_cache_enabled", T::kGauge,
                          "ATA disk has its write cache enabled.");
    FamilyBuilder ata_rpm("node_disk_ata_rotation_rate_rpm", T::kGauge,
                          "ATA disk rotation rate in RPMs (0 for SSDs).");

    for (const auto& d : disks) {
      if (filter_.Ignored(d.device)) continue;
      std::map<std::string, std::string> udev;
      if (udev_) {
        std::string name = "b";
        name += std::to_string(d.major);
        name += ':';
        name += std::to_string(d.minor);
        auto data = o_.fs->ReadFile(fs::Join(o_.paths.udev_data, name));
        if (data.ok()) udev = ParseUdevProperties(*data);
      }
      auto prop = [&udev](const char* key) -> std::string_view {
        auto it = udev.find(key);
        return it == udev.end() ? std::string_view() : std::string_view(it->second);
      };
      info.Add({{"device", d.device},
                {"major", std::to_string(d.major)},
                {"minor", std::to_string(d.minor)},
                {"path", prop("ID_PATH")},
                {"wwn", prop("ID_WWN")},
                {"model", prop("ID_MODEL")},
                {"serial", prop("ID_SERIAL_SHORT")},
                {"revision", prop("ID_REVISION")}},
               1);
      for (size_t i = 0; i < d.stats.size() && i < kMaxStats; ++i) {
        stats[i].Add({{"device", d.device}}, static_cast<double>(d.stats[i]) * kStats[i].scale);
      }
      if (!prop("ID_FS_TYPE").empty()) {
        fs_info.Add({{"device", d.device},
                     {"type", prop("ID_FS_TYPE")},
                     {"usage", prop("ID_FS_USAGE")},
                     {"uuid", prop("ID_FS_UUID")},
                     {"version", prop("ID_FS_VERSION")}},
                    1);
      }
      if (!prop("DM_NAME").empty()) {
        dm_info.Add({{"device", d.device},
                     {"name", prop("DM_NAME")},
                     {"uuid", prop("DM_UUID")},
                     {"vg_name", prop("DM_VG_NAME")},
                     {"lv_name", prop("DM_LV_NAME")},
                     {"lv_layer", prop("DM_LV_LAYER")}},
                    1);
      }
      if (!prop("ID_ATA").empty()) {
        auto add_ata = [&](FamilyBuilder& f, const char* key) {
          if (!udev.count(key)) return;
          if (auto v = ParseDouble(prop(key))) f.Add({{"device", d.device}}, *v);
        };
        add_ata(ata_wc, "ID_ATA_WRITE_CACHE");
        add_ata(ata_wce, "ID_ATA_WRITE_CACHE_ENABLED");
        add_ata(ata_rpm, "ID_ATA_ROTATION_RATE_RPM");
      }
    }
    info.MoveTo(out);
    for (auto& f : stats) f.MoveTo(out);
    fs_info.MoveTo(out);
    dm_info.MoveTo(out);
    ata_wc.MoveTo(out);
    ata_wce.MoveTo(out);
    ata_rpm.MoveTo(out);
    return OkStatus();
  }

 private:
  NodeOptions o_;
  FileReader reader_;
  DeviceFilter filter_;
  bool udev_ = false;
};

}  // namespace

Result<std::unique_ptr<Collector>> NewDiskstatsCollector(const NodeOptions& o) {
  VIGIE_ASSIGN_OR_RETURN(auto filter,
                         DeviceFilter::Make("collector.diskstats", o.diskstats_device_exclude,
                                            o.diskstats_device_include));
  return std::unique_ptr<Collector>(std::make_unique<DiskstatsCollector>(o, std::move(filter)));
}

}  // namespace vigie::collect::node
