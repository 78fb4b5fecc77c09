#include "scrape/scrape_cache.h"

#include <xxhash.h>

namespace vigie::scrape {

size_t ScrapeCache::StringHash::operator()(std::string_view s) const {
  return static_cast<size_t>(XXH3_64bits(s.data(), s.size()));
}

void ScrapeCache::Seen(Entry& e) {
  if (e.last_iter != iter_) {
    e.last_iter = iter_;
    ++seen_;
  }
  e.position = static_cast<uint32_t>(order_cur_.size());
  order_cur_.push_back(&e);
}

ScrapeCache::Entry* ScrapeCache::Get(std::string_view raw) {
  Entry* e = nullptr;
  if (cursor_ < order_prev_.size() && *order_prev_[cursor_]->key == raw) {
    e = order_prev_[cursor_];
  } else {
    auto it = series_.find(raw);
    if (it == series_.end()) return nullptr;
    e = &it->second;
  }
  // Resynchronise on the previous order: the next series likely follows this one.
  if (e->last_iter == iter_ - 1 && e->position < order_prev_.size() &&
      order_prev_[e->position] == e) {
    cursor_ = e->position + 1;
  }
  Seen(*e);
  return e;
}

ScrapeCache::Entry& ScrapeCache::Insert(std::string_view raw) {
  auto [it, inserted] = series_.try_emplace(std::string(raw));
  Entry& e = it->second;
  e.key = &it->first;
  Seen(e);
  return e;
}

std::string ScrapeCache::PackLabels(const Labels& l) {
  std::string out;
  out.reserve(l.ByteSize() + 2 * l.size());
  for (const Label& lab : l) {
    out.append(lab.name).push_back('\xff');
    out.append(lab.value).push_back('\xff');
  }
  return out;
}

Labels ScrapeCache::Entry::labels() const {
  std::vector<Label> out;
  size_t i = 0;
  while (i < packed_labels.size()) {
    const size_t a = packed_labels.find('\xff', i);
    const size_t b = packed_labels.find('\xff', a + 1);
    out.push_back({packed_labels.substr(i, a - i), packed_labels.substr(a + 1, b - a - 1)});
    i = b + 1;
  }
  return Labels::FromSorted(std::move(out));
}

ScrapeCache::Entry& ScrapeCache::Add(std::string_view raw, storage::SeriesRef ref,
                                     const Labels& labels) {
  Entry& e = Insert(raw);
  e.ref = ref;
  e.packed_labels = PackLabels(labels);
  e.dropped = false;
  return e;
}

void ScrapeCache::AddDropped(std::string_view raw) {
  Entry& e = Insert(raw);
  e.dropped = true;
  e.packed_labels.clear();
}

void ScrapeCache::TrackStaleness(Entry& e) {
  if (e.tracked_iter != iter_) {
    e.prev_tracked_iter = e.tracked_iter;
    e.tracked_iter = iter_;
  }
}

bool ScrapeCache::InPrevious(const Entry& e) const {
  const uint64_t before = e.tracked_iter == iter_ ? e.prev_tracked_iter : e.tracked_iter;
  return before == iter_ - 1;
}

void ScrapeCache::ForEachStale(const std::function<void(const Labels&)>& fn) const {
  for (const Entry* e : order_prev_) {
    if (e->dropped || !InPrevious(*e)) continue;
    const bool in_current = e->tracked_iter == iter_ && !reset_;
    if (!in_current) fn(e->labels());
  }
}

bool ScrapeCache::IterDone(bool success) {
  if (reset_) {
    // What this scrape appended was rolled back: it never happened for staleness purposes.
    for (Entry* e : order_cur_) {
      if (e->tracked_iter == iter_) e->tracked_iter = e->prev_tracked_iter;
    }
  }
  const size_t count = series_.size();
  bool flush = success && seen_ < count;
  bool forced = false;
  if (success) {
    successful_count_ = count;
  } else if (count > successful_count_ * 2 + 1000) {
    flush = forced = true;
  }
  if (flush) {
    std::erase_if(series_, [this](const auto& kv) { return kv.second.last_iter != iter_; });
  }
  order_prev_.swap(order_cur_);
  order_cur_.clear();
  cursor_ = 0;
  seen_ = 0;
  reset_ = false;
  ++iter_;
  return forced;
}

std::vector<Labels> ScrapeCache::PreviousSeries() const {
  std::vector<Labels> out;
  for (const Entry* e : order_prev_) {
    if (!e->dropped && e->tracked_iter == iter_ - 1) out.push_back(e->labels());
  }
  return out;
}

void ScrapeCache::SetMetadata(std::string_view family, expfmt::MetricType type) {
  auto it = metadata_.find(family);
  if (it == metadata_.end()) it = metadata_.emplace(std::string(family), MetricMetadata{}).first;
  it->second.type = type;
}

void ScrapeCache::SetHelp(std::string_view family, std::string_view help) {
  auto it = metadata_.find(family);
  if (it == metadata_.end()) it = metadata_.emplace(std::string(family), MetricMetadata{}).first;
  if (it->second.help != help) it->second.help = std::string(help);
}

void ScrapeCache::SetUnit(std::string_view family, std::string_view unit) {
  auto it = metadata_.find(family);
  if (it == metadata_.end()) it = metadata_.emplace(std::string(family), MetricMetadata{}).first;
  if (it->second.unit != unit) it->second.unit = std::string(unit);
}

}  // namespace vigie::scrape
