#include <time.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "collect/family_builder.h"
#include "collect/node/clocksource.h"
#include "collect/node/collectors.h"
#include "collect/node/file_reader.h"
#include "collect/node/text.h"

namespace vigie::collect::node {

ClockSource ParseClockSource(std::string_view available, std::string_view current) {
  ClockSource out;
  std::vector<std::string_view> f;
  SplitFields(TrimSpace(available), &f);
  for (auto name : f) out.available.emplace_back(name);
  out.current = std::string(TrimSpace(current));
  return out;
}

namespace {

class TimeCollector final : public Collector {
 public:
  explicit TimeCollector(NodeOptions o) : o_(std::move(o)), reader_(o_.fs) {}
  std::string_view Name() const override { return "time"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    using T = expfmt::MetricType;
    auto now = o_.now();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    FamilyBuilder("node_time_seconds", T::kGauge, "System time in seconds since epoch (1970).")
        .Add(static_cast<double>(ns) / 1e9)
        .MoveTo(out);

    time_t secs = static_cast<time_t>(ns / 1000000000);
    struct tm local {};
    localtime_r(&secs, &local);
    FamilyBuilder("node_time_zone_offset_seconds", T::kGauge, "System time zone offset in seconds.")
        .Add({{"time_zone", local.tm_zone ? local.tm_zone : ""}},
             static_cast<double>(local.tm_gmtoff))
        .MoveTo(out);

    // Clock sources: device is the index among clocksource<N> directories, as node-exporter.
    // The directories do not change while the system runs: listed once.
    SweepOnExit sweep(reader_);
    std::string dir = o_.paths.Sys("devices/system/clocksource");
    if (!clocksource_dirs_) {
      auto entries = o_.fs->ListDir(dir);
      if (!entries.ok()) {
        // No clock sources in this sysfs: node-exporter's glob finds nothing and reports none.
        if (entries.error().code() == ErrorCode::kNotFound) return OkStatus();
        return entries.error();
      }
      std::vector<std::string> names;
      for (const auto& e : *entries) {
        if (e.name.starts_with("clocksource") && e.name.size() > 11 &&
            ParseU64(std::string_view(e.name).substr(11))) {
          names.push_back(dir + "/" + e.name);
        }
      }
      std::sort(names.begin(), names.end());
      clocksource_dirs_ = std::move(names);
    }
    FamilyBuilder available("node_time_clocksource_available_info", T::kGauge,
                            "Available clocksources read from '/sys/devices/system/clocksource'.");
    FamilyBuilder current("node_time_clocksource_current_info", T::kGauge,
                          "Current clocksource read from '/sys/devices/system/clocksource'.");
    for (size_t i = 0; i < clocksource_dirs_->size(); ++i) {
      const std::string& base = (*clocksource_dirs_)[i];
      auto avail_text = reader_.Read(base + "/available_clocksource");
      if (!avail_text.ok()) {
        clocksource_dirs_.reset();  // list again next time
        return avail_text.error();
      }
      std::string avail(*avail_text);
      auto current_text = reader_.Read(base + "/current_clocksource");
      if (!current_text.ok()) {
        clocksource_dirs_.reset();
        return current_text.error();
      }
      ClockSource cs = ParseClockSource(avail, *current_text);
      std::string device = std::to_string(i);
      for (const auto& a : cs.available) available.Add({{"clocksource", a}, {"device", device}}, 1);
      current.Add({{"clocksource", cs.current}, {"device", device}}, 1);
    }
    available.MoveTo(out);
    current.MoveTo(out);
    return OkStatus();
  }

 private:
  NodeOptions o_;
  FileReader reader_;
  std::optional<std::vector<std::string>> clocksource_dirs_;
};

}  // namespace

std::unique_ptr<Collector> NewTimeCollector(const NodeOptions& o) {
  return std::make_unique<TimeCollector>(o);
}

}  // namespace vigie::collect::node
