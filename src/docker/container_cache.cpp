#include "docker/container_cache.h"

#include "core/log.h"
#include "docker/client.h"

namespace vigie::docker {

std::shared_ptr<const ContainerInfo> ContainerCache::Get(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it != by_id_.end()) return it->second;
  auto pin = pinned_.find(id);
  return pin == pinned_.end() ? nullptr : pin->second;
}

uint64_t ContainerCache::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

size_t ContainerCache::size() const {
  std::lock_guard lock(mu_);
  size_t n = by_id_.size();
  for (const auto& [id, info] : pinned_) n += by_id_.count(id) == 0 ? 1 : 0;
  return n;
}

bool ContainerCache::synced() const {
  std::lock_guard lock(mu_);
  return synced_;
}

void ContainerCache::Upsert(ContainerInfo info) {
  auto p = std::make_shared<const ContainerInfo>(std::move(info));
  std::lock_guard lock(mu_);
  by_id_[p->id] = std::move(p);
  ++generation_;
}

void ContainerCache::Pin(ContainerInfo info) {
  auto p = std::make_shared<const ContainerInfo>(std::move(info));
  std::lock_guard lock(mu_);
  pinned_[p->id] = std::move(p);
  ++generation_;
}

void ContainerCache::Remove(std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  by_id_.erase(it);
  ++generation_;
}

void ContainerCache::MarkUnsynced() {
  std::lock_guard lock(mu_);
  synced_ = false;
}

Status ContainerCache::Refresh(Client& client) {
  VIGIE_ASSIGN_OR_RETURN(auto list, client.ListContainers(/*all=*/false));
  std::vector<ContainerInfo> fresh;
  for (const auto& c : list) {
    auto info = client.InspectContainer(c.id);
    if (!info.ok()) {
      if (info.error().code() == ErrorCode::kNotFound) continue;  // gone meanwhile
      return info.error();
    }
    fresh.push_back(std::move(info).value());
  }
  ReplaceAll(std::move(fresh));
  return OkStatus();
}

void ContainerCache::ReplaceAll(std::vector<ContainerInfo> containers) {
  std::map<std::string, std::shared_ptr<const ContainerInfo>, std::less<>> fresh;
  for (auto& c : containers) {
    std::string id = c.id;
    fresh[std::move(id)] = std::make_shared<const ContainerInfo>(std::move(c));
  }
  std::lock_guard lock(mu_);
  by_id_ = std::move(fresh);
  ++generation_;
  synced_ = true;
}

void ContainerCache::Apply(const Event& event, Client& client) {
  if (event.type != "container" || event.actor_id.empty()) return;
  const std::string& a = event.action;
  if (a == "destroy") {
    Remove(event.actor_id);
    return;
  }
  if (a == "start" || a == "restart" || a == "unpause" || a == "update" || a == "rename") {
    auto info = client.InspectContainer(event.actor_id);
    if (info.ok()) {
      Upsert(std::move(info).value());
    } else if (info.error().code() == ErrorCode::kNotFound) {
      Remove(event.actor_id);
    } else {
      log::Warn("cannot inspect container after event",
                {{"id", event.actor_id}, {"action", a}, {"err", info.error().message()}});
      MarkUnsynced();
    }
  }
}

}  // namespace vigie::docker
