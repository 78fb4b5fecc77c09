// The factory of real discoverers, and static_configs.
#include "scrape/discovery/discoverer.h"
#include "scrape/discovery/dockerswarm.h"
#include "scrape/discovery/file_sd.h"

namespace vigie::scrape {
namespace {

class StaticDiscoverer final : public Discoverer {
 public:
  explicit StaticDiscoverer(std::vector<TargetGroup> groups) : groups_(std::move(groups)) {}
  void Run(std::stop_token, const TargetGroupsSink& send) override { send(groups_); }

 private:
  std::vector<TargetGroup> groups_;
};

}  // namespace

Result<std::vector<std::unique_ptr<Discoverer>>> NewDiscoverers(const DiscoveryConfigs& cfgs) {
  std::vector<std::unique_ptr<Discoverer>> out;
  if (!cfgs.static_configs.empty()) {
    out.push_back(std::make_unique<StaticDiscoverer>(cfgs.static_configs));
  }
  for (const FileSdConfig& f : cfgs.file_sd_configs) {
    out.push_back(std::make_unique<FileDiscoverer>(f));
  }
  for (const DockerSwarmSdConfig& d : cfgs.dockerswarm_sd_configs) {
    VIGIE_ASSIGN_OR_RETURN(auto ds, NewDockerSwarmDiscoverer(d));
    out.push_back(std::move(ds));
  }
  return out;
}

}  // namespace vigie::scrape
