// A thread-safe LRU cache bounded by total bytes (for rendered thumbnails).
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace vigie::gallery {

class ByteLruCache {
 public:
  explicit ByteLruCache(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // Shared so a reader keeps its value alive even if it is evicted meanwhile.
  std::shared_ptr<const std::string> Get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->value;
  }

  void Put(const std::string& key, std::shared_ptr<const std::string> value) {
    if (!value || value->size() > capacity_) return;  // would evict everything: skip
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      bytes_ -= it->second->value->size();
      order_.erase(it->second);
      index_.erase(it);
    }
    order_.push_front(Entry{key, std::move(value)});
    index_[key] = order_.begin();
    bytes_ += order_.front().value->size();
    while (bytes_ > capacity_ && !order_.empty()) {
      bytes_ -= order_.back().value->size();
      index_.erase(order_.back().key);
      order_.pop_back();
    }
  }

  void Erase(const std::string& key) {
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      bytes_ -= it->second->value->size();
      order_.erase(it->second);
      index_.erase(it);
    }
  }

  size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }
  size_t entries() const {
    std::lock_guard lock(mu_);
    return index_.size();
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> value;
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> order_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
};

}  // namespace vigie::gallery
