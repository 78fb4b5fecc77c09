#include "collect/node/machine.h"

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/meminfo.h"
#include "collect/node/text.h"

namespace vigie::collect::node {

Result<std::vector<int>> ParseCpuList(std::string_view text) {
  std::vector<int> cpus;
  text = TrimSpace(text);
  if (text.empty()) return cpus;
  auto number = [&](std::string_view s) -> Result<int> {
    auto v = ParseU64(s);
    if (!v || *v > (1u << 20))
      return InvalidArgument("CPU list: bad CPU number " + QuoteForError(s));
    return static_cast<int>(*v);
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view item =
        text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    size_t dash = item.find('-');
    VIGIE_ASSIGN_OR_RETURN(int first, number(item.substr(0, dash)));
    int last = first;
    if (dash != std::string_view::npos) {
      VIGIE_ASSIGN_OR_RETURN(last, number(item.substr(dash + 1)));
    }
    if (last < first || last - first > 1 << 16) {
      return InvalidArgument("CPU list: bad range " + QuoteForError(item));
    }
    for (int c = first; c <= last; ++c) cpus.push_back(c);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return cpus;
}

namespace {

constexpr auto kRefresh = std::chrono::minutes(5);

struct MachineFacts {
  std::vector<Label> labels;  // machine_id, system_uuid, boot_id (those readable)
  double cores = 0, physical_cores = 0, sockets = 0, memory_bytes = 0;
};

class MachineCollector final : public Collector {
 public:
  explicit MachineCollector(NodeOptions o) : o_(std::move(o)) {}
  std::string_view Name() const override { return "machine"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    auto now = o_.now();
    if (!facts_ || now - read_at_ >= kRefresh) {
      VIGIE_ASSIGN_OR_RETURN(MachineFacts f, Read());
      facts_ = std::move(f);
      read_at_ = now;
    }
    using T = expfmt::MetricType;
    const auto& l = facts_->labels;
    FamilyBuilder("machine_cpu_cores", T::kGauge, "Number of logical CPU cores.")
        .Add(l, facts_->cores)
        .MoveTo(out);
    if (facts_->physical_cores > 0) {
      FamilyBuilder("machine_cpu_physical_cores", T::kGauge, "Number of physical CPU cores.")
          .Add(l, facts_->physical_cores)
          .MoveTo(out);
      FamilyBuilder("machine_cpu_sockets", T::kGauge, "Number of CPU sockets.")
          .Add(l, facts_->sockets)
          .MoveTo(out);
    }
    FamilyBuilder("machine_memory_bytes", T::kGauge, "Amount of memory installed on the machine.")
        .Add(l, facts_->memory_bytes)
        .MoveTo(out);
    return OkStatus();
  }

 private:
  Result<MachineFacts> Read() {
    MachineFacts f;
    VIGIE_ASSIGN_OR_RETURN(std::string online,
                           o_.fs->ReadFile(o_.paths.Sys("devices/system/cpu/online")));
    VIGIE_ASSIGN_OR_RETURN(std::vector<int> cpus, ParseCpuList(online));
    f.cores = static_cast<double>(cpus.size());
    // Topology: absent in some containers and VMs, then cAdvisor's two figures are left out.
    std::set<std::pair<std::string, std::string>> cores;
    std::set<std::string> packages;
    for (int cpu : cpus) {
      std::string dir = o_.paths.Sys("devices/system/cpu/cpu" + std::to_string(cpu) + "/topology");
      auto package = o_.fs->ReadFile(dir + "/physical_package_id");
      auto core = o_.fs->ReadFile(dir + "/core_id");
      if (!package.ok() || !core.ok()) {
        cores.clear();
        break;
      }
      std::string p(TrimSpace(*package));
      cores.emplace(p, std::string(TrimSpace(*core)));
      packages.insert(std::move(p));
    }
    f.physical_cores = static_cast<double>(cores.size());
    f.sockets = static_cast<double>(cores.empty() ? 0 : packages.size());

    VIGIE_ASSIGN_OR_RETURN(std::string meminfo, o_.fs->ReadFile(o_.paths.Proc("meminfo")));
    VIGIE_ASSIGN_OR_RETURN(auto fields, ParseMeminfo(meminfo));
    bool found = false;
    for (const auto& m : fields) {
      if (m.name == "MemTotal_bytes") f.memory_bytes = m.value, found = true;
    }
    if (!found) return InvalidArgument(o_.paths.Proc("meminfo") + ": no MemTotal");

    auto label = [&](const char* name, const std::string& path) {
      if (auto text = o_.fs->ReadFile(path); text.ok() && !TrimSpace(*text).empty()) {
        f.labels.push_back(Label{name, std::string(TrimSpace(*text))});
      }
    };
    label("boot_id", o_.paths.Proc("sys/kernel/random/boot_id"));
    label("machine_id", o_.paths.Rootfs("etc/machine-id"));
    label("system_uuid", o_.paths.Sys("class/dmi/id/product_uuid"));
    return f;
  }

  NodeOptions o_;
  std::optional<MachineFacts> facts_;
  std::chrono::system_clock::time_point read_at_;
};

}  // namespace

std::unique_ptr<Collector> NewMachineCollector(const NodeOptions& o) {
  return std::make_unique<MachineCollector>(o);
}

}  // namespace vigie::collect::node
