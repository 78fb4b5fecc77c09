#include "collect/node/vmstat.h"

#include <re2/re2.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/device_filter.h"
#include "collect/node/file_reader.h"
#include "collect/node/text.h"
#include "core/labels.h"

namespace vigie::collect::node {

Result<std::vector<VmstatField>> ParseVmstat(std::string_view text) {
  std::vector<VmstatField> out;
  LineReader lines(text);
  std::string_view line;
  std::vector<std::string_view> f;
  while (lines.Next(&line)) {
    SplitFields(line, &f);
    if (f.empty()) continue;
    if (f.size() != 2) {
      return LineError("/proc/vmstat", lines.line_number(), "expected \"name value\"", line);
    }
    if (!IsValidLabelName(f[0])) {
      return LineError("/proc/vmstat", lines.line_number(), "bad field name", line);
    }
    auto v = ParseDouble(f[1]);
    if (!v) return LineError("/proc/vmstat", lines.line_number(), "bad value", line);
    out.push_back(VmstatField{f[0], *v});
  }
  return out;
}

namespace {

class VmstatCollector final : public Collector {
 public:
  VmstatCollector(NodeOptions o, std::shared_ptr<const re2::RE2> fields)
      : o_(std::move(o)), reader_(o_.fs), fields_(std::move(fields)) {}
  std::string_view Name() const override { return "vmstat"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    SweepOnExit sweep(reader_);
    VIGIE_ASSIGN_OR_RETURN(std::string_view text, reader_.Read(o_.paths.Proc("vmstat")));
    VIGIE_ASSIGN_OR_RETURN(auto fields, ParseVmstat(text));
    selected_.resize(fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      const auto& field = fields[i];
      // The file lists the same fields in the same order every time: the regex runs once
      // per field name, not once per scrape.
      auto& [name_seen, wanted] = selected_[i];
      if (name_seen != field.name) {
        name_seen = std::string(field.name);
        wanted = RegexFind(*fields_, field.name);
      }
      if (!wanted) continue;
      std::string name(field.name);
      FamilyBuilder("node_vmstat_" + name, expfmt::MetricType::kUnknown,
                    "/proc/vmstat information field " + name + ".")
          .Add(field.value)
          .MoveTo(out);
    }
    return OkStatus();
  }

 private:
  NodeOptions o_;
  FileReader reader_;
  std::shared_ptr<const re2::RE2> fields_;
  std::vector<std::pair<std::string, bool>> selected_;  // by line: field name, selected
};

}  // namespace

Result<std::unique_ptr<Collector>> NewVmstatCollector(const NodeOptions& o) {
  VIGIE_ASSIGN_OR_RETURN(auto re, CompileFlagRegex("collector.vmstat.fields", o.vmstat_fields));
  return std::unique_ptr<Collector>(std::make_unique<VmstatCollector>(o, std::move(re)));
}

}  // namespace vigie::collect::node
