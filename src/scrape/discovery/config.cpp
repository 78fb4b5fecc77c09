#include "scrape/discovery/config.h"

namespace vigie::scrape {

std::string_view DockerSwarmRoleName(DockerSwarmRole r) {
  switch (r) {
    case DockerSwarmRole::kTasks:
      return "tasks";
    case DockerSwarmRole::kServices:
      return "services";
    case DockerSwarmRole::kNodes:
      return "nodes";
  }
  return "unknown";
}

}  // namespace vigie::scrape
