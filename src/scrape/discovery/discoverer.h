// A discoverer finds targets for one service discovery config and reports them as target
// groups. Threading: the discovery manager runs each discoverer's Run() on a thread of its own.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <vector>

#include "core/result.h"
#include "scrape/discovery/config.h"
#include "scrape/discovery/target_group.h"

namespace vigie::scrape {

// Receives updates. A group replaces the earlier group with the same source; a group without
// targets removes that source. Called from the discoverer's thread.
using TargetGroupsSink = std::function<void(std::vector<TargetGroup>)>;

class Discoverer {
 public:
  virtual ~Discoverer() = default;
  // Runs until `stop` is requested (return promptly then), sending updates to `send`. May
  // return earlier when nothing will ever change (static targets).
  virtual void Run(std::stop_token stop, const TargetGroupsSink& send) = 0;
};

// Makes the discoverers of one job's (or Alertmanager set's) configs. Replaceable in tests.
using DiscovererFactory =
    std::function<Result<std::vector<std::unique_ptr<Discoverer>>>(const DiscoveryConfigs&)>;

// The real discoverers: static_configs, file_sd_configs, dockerswarm_sd_configs.
Result<std::vector<std::unique_ptr<Discoverer>>> NewDiscoverers(const DiscoveryConfigs& cfgs);

}  // namespace vigie::scrape
