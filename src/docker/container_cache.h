// Names, images and labels of the running containers, kept current from the events stream
// so that a scrape never calls the Docker API. Thread-safe: the event watcher writes, the
// collectors read.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "docker/types.h"

namespace vigie::docker {

class Client;

class ContainerCache {
 public:
  ContainerCache() = default;
  ContainerCache(const ContainerCache&) = delete;
  ContainerCache& operator=(const ContainerCache&) = delete;

  // The container with this full id, or null.
  std::shared_ptr<const ContainerInfo> Get(std::string_view id) const;
  // Changes whenever the content changes; readers compare it to skip rebuilding labels.
  uint64_t generation() const;
  size_t size() const;
  // Whether the cache holds the engine's state (a full Refresh succeeded and no event was lost).
  bool synced() const;

  void Upsert(ContainerInfo info);
  // Adds a container that the engine does not know (e.g. `vigie demo`'s services, described by
  // --collector.container.metadata-file): kept by ReplaceAll, Refresh and Remove.
  void Pin(ContainerInfo info);
  // Replaces the whole content and marks the cache synced (what Refresh does after listing).
  void ReplaceAll(std::vector<ContainerInfo> containers);
  void Remove(std::string_view id);
  // Replaces the content with the running containers (list + inspect of each).
  Status Refresh(Client& client);
  // Applies one event: container start/restart/unpause/update/rename -> inspect and upsert;
  // destroy -> remove; die/stop leave the entry (its cgroup disappears by itself).
  void Apply(const Event& event, Client& client);
  // Marks the cache as possibly stale (the events stream broke); the next Refresh resyncs.
  void MarkUnsynced();

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const ContainerInfo>, std::less<>>
      by_id_;  // GUARDED_BY(mu_)
  std::map<std::string, std::shared_ptr<const ContainerInfo>, std::less<>>
      pinned_;               // GUARDED_BY(mu_)
  uint64_t generation_ = 0;  // GUARDED_BY(mu_)
  bool synced_ = false;      // GUARDED_BY(mu_)
};

}  // namespace vigie::docker
