#include "collect/node/meminfo.h"

#include <memory>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/file_reader.h"
#include "collect/node/text.h"
#include "core/labels.h"

namespace vigie::collect::node {

namespace {
constexpr std::string_view kSource = "/proc/meminfo";

// "Active(anon)" -> "Active_anon": the text between the outermost parentheses goes after an
// underscore, as node-exporter's regexp `\((.*)\)` -> `_${1}`.
std::string MangleName(std::string_view key) {
  size_t open = key.find('(');
  size_t close = key.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::string(key);
  }
  std::string out(key.substr(0, open));
  out += '_';
  out += key.substr(open + 1, close - open - 1);
  out += key.substr(close + 1);
  return out;
}
}  // namespace

Result<std::vector<MeminfoField>> ParseMeminfo(std::string_view text) {
  std::vector<MeminfoField> out;
  LineReader lines(text);
  std::string_view line;
  std::vector<std::string_view> f;
  while (lines.Next(&line)) {
    SplitFields(line, &f);
    if (f.empty()) continue;  // some kernels print empty lines
    if (f.size() < 2 || f.size() > 3 || !f[0].ends_with(':') || f[0].size() < 2) {
      return LineError(kSource, lines.line_number(), "expected \"Name: value [kB]\"", line);
    }
    auto v = ParseDouble(f[1]);
    if (!v) return LineError(kSource, lines.line_number(), "bad value", line);
    MeminfoField field;
    field.name = MangleName(f[0].substr(0, f[0].size() - 1));
    if (!IsValidLabelName(field.name)) {
      return LineError(kSource, lines.line_number(), "bad field name", line);
    }
    field.value = *v;
    if (f.size() == 3) {  // the unit is always kB
      field.value *= 1024;
      field.name += "_bytes";
    }
    out.push_back(std::move(field));
  }
  return out;
}

namespace {

class MeminfoCollector final : public Collector {
 public:
  explicit MeminfoCollector(NodeOptions o) : o_(std::move(o)), reader_(o_.fs) {}
  std::string_view Name() const override { return "meminfo"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    SweepOnExit sweep(reader_);
    VIGIE_ASSIGN_OR_RETURN(std::string_view text, reader_.Read(o_.paths.Proc("meminfo")));
    auto fields = ParseMeminfo(text);
    if (!fields.ok()) return fields.error();
    for (const auto& field : *fields) {
      auto type = field.name.ends_with("_total") ? expfmt::MetricType::kCounter
                                                 : expfmt::MetricType::kGauge;
      FamilyBuilder("node_memory_" + field.name, type,
                    "Memory information field " + field.name + ".")
          .Add(field.value)
          .MoveTo(out);
    }
    return OkStatus();
  }

 private:
  NodeOptions o_;
  FileReader reader_;
};

}  // namespace

std::unique_ptr<Collector> NewMeminfoCollector(const NodeOptions& o) {
  return std::make_unique<MeminfoCollector>(o);
}

}  // namespace vigie::collect::node
