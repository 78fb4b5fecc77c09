#include "collect/node_meta.h"

#include "collect/family_builder.h"
#include "collect/node/text.h"
#include "core/log.h"

namespace vigie::collect {

namespace {

class NodeMetaCollector final : public Collector {
 public:
  explicit NodeMetaCollector(NodeMetaOptions o) : o_(std::move(o)) {
    if (!o_.fs) o_.fs = &fs::Real();
    if (!o_.uname) o_.uname = RealUname;
  }
  std::string_view Name() const override { return "node_meta"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    auto now = std::chrono::steady_clock::now();
    if (!fetched_ || now >= next_fetch_) Refresh(now);
    FamilyBuilder("node_meta", expfmt::MetricType::kGauge,
                  "Node identity for joins: Swarm node id and host name (value 1).")
        .Add({{"node_id", node_id_},
              {"node_name", node_name_},
              {"container_label_com_docker_swarm_node_id", node_id_}},
             1)
        .MoveTo(out);
    if (node_name_.empty()) return Internal("no host name in /etc/hostname or uname");
    return OkStatus();
  }

 private:
  void Refresh(std::chrono::steady_clock::time_point now) {
    fetched_ = true;
    node_name_ = HostName();
    bool ok = false;
    if (o_.node_id) {
      auto id = o_.node_id();
      if (id.ok()) {
        node_id_ = *id;
        ok = !node_id_.empty();
      } else if (id.error().message() != last_error_) {
        last_error_ = id.error().message();
        log::Warn("node_meta: cannot read the Swarm node id", {{"err", last_error_}});
      }
    }
    next_fetch_ = now + (ok ? o_.refresh : o_.retry);
  }

  std::string HostName() {
    auto text = o_.fs->ReadFile(fs::Join(o_.rootfs, "etc/hostname"));
    if (text.ok()) {
      // First line, without comments or surrounding space.
      std::string_view s = *text;
      s = s.substr(0, s.find('\n'));
      s = node::TrimSpace(s.substr(0, s.find('#')));
      if (!s.empty()) return std::string(s);
    }
    auto u = o_.uname();
    return u.ok() ? u->nodename : std::string();
  }

  NodeMetaOptions o_;
  bool fetched_ = false;
  std::chrono::steady_clock::time_point next_fetch_;
  std::string node_id_, node_name_, last_error_;
};

}  // namespace

std::unique_ptr<Collector> NewNodeMetaCollector(NodeMetaOptions options) {
  return std::make_unique<NodeMetaCollector>(std::move(options));
}

}  // namespace vigie::collect
