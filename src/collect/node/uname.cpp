// uname(2): node_uname_info.
#include <memory>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"

namespace vigie::collect::node {

namespace {

class UnameCollector final : public Collector {
 public:
  explicit UnameCollector(NodeOptions o) : o_(std::move(o)) {}
  std::string_view Name() const override { return "uname"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    VIGIE_ASSIGN_OR_RETURN(Uname u, o_.uname());
    FamilyBuilder("node_uname_info", expfmt::MetricType::kGauge,
                  "Labeled system information as provided by the uname system call.")
        .Add({{"sysname", u.sysname},
              {"release", u.release},
              {"version", u.version},
              {"machine", u.machine},
              {"nodename", u.nodename},
              {"domainname", u.domainname}},
             1)
        .MoveTo(out);
    return OkStatus();
  }

 private:
  NodeOptions o_;
};

}  // namespace

std::unique_ptr<Collector> NewUnameCollector(const NodeOptions& o) {
  return std::make_unique<UnameCollector>(o);
}

}  // namespace vigie::collect::node
