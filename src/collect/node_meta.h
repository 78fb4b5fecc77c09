// node_meta{node_id, node_name, container_label_com_docker_swarm_node_id} 1: the node identity
// that Swarm dashboards join on (`* on(instance) group_left(node_name) node_meta`), built in so
// that no textfile has to be hand-made.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "collect/collector.h"
#include "collect/node.h"
#include "core/fs.h"
#include "core/result.h"

namespace vigie::collect {

struct NodeMetaOptions {
  // Host name: <rootfs>/etc/hostname, else uname's nodename.
  std::string rootfs = "/";
  fs::FileSystem* fs = nullptr;          // null: the real file system
  std::function<Result<Uname>()> uname;  // empty: uname(2)
  // Swarm node id, e.g. from the Docker API's GET /info (Swarm.NodeID). Empty function, an
  // error or an empty string all mean "no Swarm here": node_id="" (the gauge is still reported).
  std::function<Result<std::string>()> node_id;
  // How long an answer is kept; a failed or empty answer is retried after `retry`.
  std::chrono::seconds refresh{300};
  std::chrono::seconds retry{30};
};

// Collector name: "node_meta".
std::unique_ptr<Collector> NewNodeMetaCollector(NodeMetaOptions options);

}  // namespace vigie::collect
