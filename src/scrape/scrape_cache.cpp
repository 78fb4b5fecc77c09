#include "scrape/scrape_cache.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace vigie::scrape {
namespace {

constexpr size_t kMinSlots = 16;

}  // namespace

uint64_t ScrapeCache::Hash(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

uint32_t ScrapeCache::Find(std::string_view raw, uint64_t hash) const {
  if (slots_.empty()) return 0;
  const size_t mask = slots_.size() - 1;
  const auto tag = static_cast<uint32_t>(hash);
  for (size_t i = (hash >> 32) & mask;; i = (i + 1) & mask) {
    const uint32_t slot = slots_[i];
    if (slot == 0) return 0;
    const Entry& e = entries_[slot - 1];
    if (e.hash_tag == tag && Key(e) == raw) return slot;
  }
}

void ScrapeCache::InsertSlot(uint32_t index, uint64_t hash) {
  const size_t mask = slots_.size() - 1;
  size_t i = (hash >> 32) & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = index + 1;
}

void ScrapeCache::Rehash(size_t slots) {
  slots_.assign(slots, 0);
  for (uint32_t i = 0; i < entries_.size(); ++i) InsertSlot(i, Hash(Key(entries_[i])));
}

void ScrapeCache::Seen(uint32_t index) {
  Entry& e = entries_[index];
  if (e.last_iter != iter_) {
    e.last_iter = iter_;
    ++seen_;
  }
  e.position = static_cast<uint32_t>(order_cur_.size());
  order_cur_.push_back(index);
}

ScrapeCache::Entry* ScrapeCache::Get(std::string_view raw) {
  uint32_t index;
  if (cursor_ < order_prev_.size() && Key(entries_[order_prev_[cursor_]]) == raw) {
    index = order_prev_[cursor_];
  } else {
    const uint32_t slot = Find(raw, Hash(raw));
    if (slot == 0) return nullptr;
    index = slot - 1;
  }
  Entry& e = entries_[index];
  // Resynchronise on the previous order: the next series likely follows this one.
  if (e.last_iter == iter_ - 1 && e.position < order_prev_.size() &&
      order_prev_[e.position] == index) {
    cursor_ = e.position + 1;
  }
  Seen(index);
  return &e;
}

ScrapeCache::Entry& ScrapeCache::Insert(std::string_view raw) {
  const uint64_t hash = Hash(raw);
  if (const uint32_t slot = Find(raw, hash); slot != 0) {  // seen twice in one exposition
    Seen(slot - 1);
    return entries_[slot - 1];
  }
  if ((entries_.size() + 1) * 10 > slots_.size() * 7) {
    Rehash(std::max(kMinSlots, slots_.size() * 2));
  }
  Entry e;
  e.key_offset = static_cast<uint32_t>(arena_.size());
  e.key_size = static_cast<uint32_t>(raw.size());
  e.hash_tag = static_cast<uint32_t>(hash);
  arena_.append(raw);
  const auto index = static_cast<uint32_t>(entries_.size());
  entries_.push_back(e);
  InsertSlot(index, hash);
  ++inserted_;
  Seen(index);
  return entries_[index];
}

ScrapeCache::Entry& ScrapeCache::Add(std::string_view raw, storage::SeriesRef ref) {
  Entry& e = Insert(raw);
  e.ref = ref;
  e.dropped = false;
  return e;
}

void ScrapeCache::AddDropped(std::string_view raw) {
  Entry& e = Insert(raw);
  e.ref = 0;
  e.dropped = true;
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

void ScrapeCache::ForEachStale(const std::function<void(const Entry&)>& fn) const {
  for (uint32_t index : order_prev_) {
    const Entry& e = entries_[index];
    if (e.dropped || !InPrevious(e)) continue;
    const bool in_current = e.tracked_iter == iter_ && !reset_;
    if (!in_current) fn(e);
  }
}

void ScrapeCache::DropUnseen() {
  std::vector<uint32_t> remap(entries_.size(), 0);
  std::vector<Entry> kept;
  std::string arena;
  kept.reserve(seen_);
  size_t bytes = 0;
  for (const Entry& e : entries_) {
    if (e.last_iter == iter_) bytes += e.key_size;
  }
  arena.reserve(bytes);
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    Entry e = entries_[i];
    if (e.last_iter != iter_) continue;
    remap[i] = static_cast<uint32_t>(kept.size());
    const std::string_view key = Key(e);
    e.key_offset = static_cast<uint32_t>(arena.size());
    arena.append(key);
    kept.push_back(e);
  }
  entries_ = std::move(kept);
  arena_ = std::move(arena);
  for (uint32_t& index : order_cur_) index = remap[index];  // all seen in this scrape
  size_t slots = kMinSlots;
  while (entries_.size() * 10 > slots * 7) slots *= 2;
  Rehash(slots);
}

bool ScrapeCache::IterDone(bool success) {
  if (reset_) {
    // What this scrape appended was rolled back: it never happened for staleness purposes.
    for (uint32_t index : order_cur_) {
      Entry& e = entries_[index];
      if (e.tracked_iter == iter_) e.tracked_iter = e.prev_tracked_iter;
    }
  }
  const size_t count = entries_.size();
  bool flush = success && seen_ < count;
  bool forced = false;
  if (success) {
    successful_count_ = count;
  } else if (count > successful_count_ * 2 + 1000) {
    flush = forced = true;
  }
  if (flush) {
    DropUnseen();
  } else if (inserted_ == 0 && arena_.capacity() > arena_.size() + arena_.size() / 8 + 4096) {
    // Settled after growing: give back what the doubling of the buffers left unused.
    arena_.shrink_to_fit();
    entries_.shrink_to_fit();
  }
  order_prev_.swap(order_cur_);
  order_cur_.clear();
  cursor_ = 0;
  seen_ = 0;
  inserted_ = 0;
  reset_ = false;
  ++iter_;
  return forced;
}

std::vector<std::pair<storage::SeriesRef, std::string>> ScrapeCache::PreviousSeries() const {
  std::vector<std::pair<storage::SeriesRef, std::string>> out;
  for (uint32_t index : order_prev_) {
    const Entry& e = entries_[index];
    if (!e.dropped && e.tracked_iter == iter_ - 1) out.emplace_back(e.ref, std::string(Key(e)));
  }
  return out;
}

size_t ScrapeCache::MemoryBytes() const {
  return arena_.capacity() + entries_.capacity() * sizeof(Entry) +
         slots_.capacity() * sizeof(uint32_t) +
         (order_prev_.capacity() + order_cur_.capacity()) * sizeof(uint32_t);
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
