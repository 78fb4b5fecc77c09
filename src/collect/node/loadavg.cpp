#include "collect/node/loadavg.h"

#include <memory>
#include <vector>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/file_reader.h"
#include "collect/node/text.h"

namespace vigie::collect::node {

Result<std::array<double, 3>> ParseLoadavg(std::string_view text) {
  std::vector<std::string_view> f;
  SplitFields(TrimSpace(text), &f);
  if (f.size() < 3) {
    return InvalidArgument("/proc/loadavg: expected three load averages, got " +
                           QuoteForError(text));
  }
  std::array<double, 3> out{};
  for (size_t i = 0; i < 3; ++i) {
    auto v = ParseDouble(f[i]);
    if (!v) return InvalidArgument("/proc/loadavg: bad load average " + QuoteForError(f[i]));
    out[i] = *v;
  }
  return out;
}

namespace {

class LoadavgCollector final : public Collector {
 public:
  explicit LoadavgCollector(NodeOptions o) : o_(std::move(o)), reader_(o_.fs) {}
  std::string_view Name() const override { return "loadavg"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    SweepOnExit sweep(reader_);
    VIGIE_ASSIGN_OR_RETURN(std::string_view text, reader_.Read(o_.paths.Proc("loadavg")));
    VIGIE_ASSIGN_OR_RETURN(auto loads, ParseLoadavg(text));
    using T = expfmt::MetricType;
    FamilyBuilder("node_load1", T::kGauge, "1m load average.").Add(loads[0]).MoveTo(out);
    FamilyBuilder("node_load5", T::kGauge, "5m load average.").Add(loads[1]).MoveTo(out);
    FamilyBuilder("node_load15", T::kGauge, "15m load average.").Add(loads[2]).MoveTo(out);
    return OkStatus();
  }

 private:
  NodeOptions o_;
  FileReader reader_;
};

}  // namespace

std::unique_ptr<Collector> NewLoadavgCollector(const NodeOptions& o) {
  return std::make_unique<LoadavgCollector>(o);
}

}  // namespace vigie::collect::node
