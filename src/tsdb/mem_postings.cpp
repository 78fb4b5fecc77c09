#include "tsdb/mem_postings.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace vigie::tsdb {

void MemPostings::InsertSorted(index::Postings& p, uint64_t ref) {
  if (p.empty() || p.back() < ref) {
    p.push_back(ref);
    return;
  }
  auto it = std::lower_bound(p.begin(), p.end(), ref);
  if (it == p.end() || *it != ref) p.insert(it, ref);
}

void MemPostings::Add(uint64_t ref, const PackedLabels& labels) {
  std::unique_lock lock(mu_);
  labels.ForEach([&](std::string_view n, std::string_view v) {
    auto& values = m_[std::string(n)];
    auto it = values.find(std::string(v));
    if (it == values.end()) it = values.emplace(std::string(v), index::Postings{}).first;
    InsertSorted(it->second, ref);
  });
  InsertSorted(all_, ref);
}

void MemPostings::Delete(const std::vector<std::pair<uint64_t, const PackedLabels*>>& series) {
  if (series.empty()) return;
  // Group the refs to drop per label pair, then subtract once per list.
  std::map<std::pair<std::string, std::string>, index::Postings> drop;
  index::Postings all_drop;
  for (const auto& [ref, labels] : series) {
    labels->ForEach([&](std::string_view n, std::string_view v) {
      drop[{std::string(n), std::string(v)}].push_back(ref);
    });
    all_drop.push_back(ref);
  }
  std::sort(all_drop.begin(), all_drop.end());
  std::unique_lock lock(mu_);
  for (auto& [pair, refs] : drop) {
    std::sort(refs.begin(), refs.end());
    auto nit = m_.find(pair.first);
    if (nit == m_.end()) continue;
    auto vit = nit->second.find(pair.second);
    if (vit == nit->second.end()) continue;
    vit->second = index::Subtract(vit->second, refs);
    if (vit->second.empty()) {
      nit->second.erase(vit);
      if (nit->second.empty()) m_.erase(nit);
    }
  }
  all_ = index::Subtract(all_, all_drop);
}

index::Postings MemPostings::PostingsFor(const std::string& name, const std::string& value) const {
  std::shared_lock lock(mu_);
  auto nit = m_.find(name);
  if (nit == m_.end()) return {};
  auto vit = nit->second.find(value);
  if (vit == nit->second.end()) return {};
  return vit->second;
}

std::vector<std::string> MemPostings::ValuesOf(const std::string& name) const {
  std::vector<std::string> out;
  {
    std::shared_lock lock(mu_);
    auto nit = m_.find(name);
    if (nit == m_.end()) return {};
    out.reserve(nit->second.size());
    for (const auto& [v, _] : nit->second) out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

index::Postings MemPostings::AllPostings() const {
  std::shared_lock lock(mu_);
  return all_;
}

std::vector<std::string> MemPostings::Names() const {
  std::vector<std::string> out;
  {
    std::shared_lock lock(mu_);
    for (const auto& [n, _] : m_) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace vigie::tsdb
