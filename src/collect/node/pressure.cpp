#include "collect/node/pressure.h"

#include <memory>
#include <vector>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/file_reader.h"
#include "collect/node/text.h"

namespace vigie::collect::node {

Result<PressureStats> ParsePressure(std::string_view text) {
  PressureStats out;
  LineReader lines(text);
  std::string_view line;
  std::vector<std::string_view> f;
  while (lines.Next(&line)) {
    SplitFields(line, &f);
    if (f.empty()) continue;
    bool some = f[0] == "some";
    if (!some && f[0] != "full") {
      return LineError("pressure", lines.line_number(), "expected \"some\" or \"full\"", line);
    }
    bool found = false;
    for (size_t i = 1; i < f.size(); ++i) {
      if (!f[i].starts_with("total=")) continue;
      auto v = ParseU64(f[i].substr(6));
      if (!v) return LineError("pressure", lines.line_number(), "bad total", line);
      (some ? out.some_total_us : out.full_total_us) = *v;
      (some ? out.has_some : out.has_full) = true;
      found = true;
    }
    if (!found) return LineError("pressure", lines.line_number(), "no total=", line);
  }
  return out;
}

namespace {

class PressureCollector final : public Collector {
 public:
  explicit PressureCollector(NodeOptions o) : o_(std::move(o)), reader_(o_.fs) {}
  std::string_view Name() const override { return "pressure"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    using T = expfmt::MetricType;
    struct Resource {
      const char* name;
      const char* some_metric;
      const char* some_help;
      const char* full_metric;  // null: "full" not reported for this resource
      const char* full_help;
    };
    static constexpr Resource kResources[] = {
        {"cpu", "node_pressure_cpu_waiting_seconds_total",
         "Total time in seconds that processes have waited for CPU time", nullptr, nullptr},
        {"io", "node_pressure_io_waiting_seconds_total",
         "Total time in seconds that processes have waited due to IO congestion",
         "node_pressure_io_stalled_seconds_total",
         "Total time in seconds no process could make progress due to IO congestion"},
        {"memory", "node_pressure_memory_waiting_seconds_total",
         "Total time in seconds that processes have waited for memory",
         "node_pressure_memory_stalled_seconds_total",
         "Total time in seconds no process could make progress due to memory congestion"},
    };
    SweepOnExit sweep(reader_);
    for (const auto& r : kResources) {
      auto text = reader_.Read(o_.paths.Proc(std::string("pressure/") + r.name));
      if (!text.ok()) {
        if (text.error().code() == ErrorCode::kNotFound) {
          return NoData("pressure information is unavailable (needs Linux 4.20+ with CONFIG_PSI)");
        }
        // Reads fail with EOPNOTSUPP when PSI is compiled in but disabled (psi=0).
        if (text.error().message().find("not supported") != std::string::npos) {
          return NoData("pressure information is disabled (add psi=1 to the kernel command line)");
        }
        return text.error();
      }
      VIGIE_ASSIGN_OR_RETURN(PressureStats p, ParsePressure(*text));
      FamilyBuilder(r.some_metric, T::kCounter, r.some_help)
          .Add(static_cast<double>(p.some_total_us) / 1000.0 / 1000.0)
          .MoveTo(out);
      if (r.full_metric) {
        FamilyBuilder(r.full_metric, T::kCounter, r.full_help)
            .Add(static_cast<double>(p.full_total_us) / 1000.0 / 1000.0)
            .MoveTo(out);
      }
    }
    return OkStatus();
  }

 private:
  NodeOptions o_;
  FileReader reader_;
};

}  // namespace

std::unique_ptr<Collector> NewPressureCollector(const NodeOptions& o) {
  return std::make_unique<PressureCollector>(o);
}

}  // namespace vigie::collect::node
