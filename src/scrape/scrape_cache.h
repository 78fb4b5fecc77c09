// The per-target scrape cache, as in Prometheus. It maps the raw series text of an exposition
// line ("name{a=\"1\"}", exactly as written) to the series' storage ref, so a series seen before
// costs one lookup and is appended by ref: no label parsing, relabelling or storage lookup.
// Series that metric relabelling drops are remembered too. It also tracks which series the
// previous scrape appended, to write staleness markers for those that disappear, and the
// metadata (TYPE, HELP, UNIT) of each family.
//
// Labels are not kept: they are only needed when the storage no longer knows a ref (or never
// gave one), and the scrape loop rebuilds them from the raw text then. Per series the cache
// holds its raw text (in one arena), a 40-byte entry, and a few bytes of hash table and order.
//
// Lookups first try the entry that held the same position in the previous scrape (targets
// expose their series in a stable order, so entries and text are read sequentially), then fall
// back to the hash table and resynchronise.
//
// Not thread-safe: owned by one scrape loop (handed over to its successor on reload).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "expfmt/metric_family.h"
#include "storage/appender.h"

namespace vigie::scrape {

struct MetricMetadata {
  expfmt::MetricType type = expfmt::MetricType::kUnknown;
  std::string help;
  std::string unit;
  friend bool operator==(const MetricMetadata&, const MetricMetadata&) = default;
};

class ScrapeCache {
 public:
  struct Entry {
    // 0 when the storage gave none (the first append failed): labels are rebuilt then.
    storage::SeriesRef ref = 0;
    uint32_t key_offset = 0;  // raw text: arena_[key_offset, key_offset + key_size)
    uint32_t key_size = 0;
    uint32_t hash_tag = 0;  // low bits of the text's hash, checked before the text
    // Bookkeeping (see the .cpp): scrape iterations in which the entry was seen and in which
    // it was appended without an explicit timestamp (tracked for staleness).
    uint32_t last_iter = 0;
    uint32_t tracked_iter = 0;
    uint32_t prev_tracked_iter = 0;
    uint32_t position = 0;  // index in the scrape that saw it last
    bool dropped = false;   // metric relabelling drops this series
  };

  ScrapeCache() = default;
  ScrapeCache(const ScrapeCache&) = delete;
  ScrapeCache& operator=(const ScrapeCache&) = delete;

  // The entry for `raw` (check `dropped`), marked as seen in this scrape; nullptr when unknown.
  // Entry pointers stay valid until the next Add, AddDropped or IterDone.
  Entry* Get(std::string_view raw);
  Entry& Add(std::string_view raw, storage::SeriesRef ref);
  void AddDropped(std::string_view raw);
  // The raw series text of an entry.
  std::string_view Key(const Entry& e) const { return {arena_.data() + e.key_offset, e.key_size}; }

  // Records that `e` was appended in this scrape without an explicit timestamp.
  void TrackStaleness(Entry& e);
  // Calls `fn` for every series the previous scrape appended that this scrape did not.
  void ForEachStale(const std::function<void(const Entry&)>& fn) const;
  // Forgets what this scrape appended (it was rolled back): every series of the previous
  // scrape then counts as stale.
  void ResetCurrent() { reset_ = true; }
  // Ends a scrape. `success`: entries not seen in it are dropped. After failed scrapes the
  // cache is flushed anyway once it has grown past twice its size after the last success plus
  // 1000 entries (returns true then), so failing targets with churning labels stay bounded.
  bool IterDone(bool success);

  void SetMetadata(std::string_view family, expfmt::MetricType type);
  void SetHelp(std::string_view family, std::string_view help);
  void SetUnit(std::string_view family, std::string_view unit);
  const std::map<std::string, MetricMetadata, std::less<>>& metadata() const { return metadata_; }

  size_t size() const { return entries_.size(); }
  uint32_t iteration() const { return iter_; }
  // Ref and raw text of every series appended in the last completed scrape (for end-of-run
  // staleness).
  std::vector<std::pair<storage::SeriesRef, std::string>> PreviousSeries() const;
  // Bytes held for the entries (arena, entries, table, order), for tests and benchmarks.
  size_t MemoryBytes() const;

 private:
  static uint64_t Hash(std::string_view s);
  uint32_t Find(std::string_view raw, uint64_t hash) const;  // index + 1, or 0
  void InsertSlot(uint32_t index, uint64_t hash);
  void Rehash(size_t slots);
  Entry& Insert(std::string_view raw);
  void Seen(uint32_t index);
  bool InPrevious(const Entry& e) const;
  // Keeps only the entries seen in this scrape, compacting entries and text.
  void DropUnseen();

  std::vector<Entry> entries_;
  std::string arena_;  // every entry's raw text, back to back
  // Open addressing (linear probing) over entries_: index + 1 per slot, 0 when empty.
  std::vector<uint32_t> slots_;
  // Indexes of the entries in the order the previous and the current scrape saw them.
  std::vector<uint32_t> order_prev_;
  std::vector<uint32_t> order_cur_;
  size_t cursor_ = 0;    // position in order_prev_ expected next
  size_t seen_ = 0;      // distinct entries seen in this scrape
  size_t inserted_ = 0;  // entries added in this scrape
  bool reset_ = false;
  std::map<std::string, MetricMetadata, std::less<>> metadata_;
  uint32_t iter_ = 2;  // 0 and 1 mean "never" for the bookkeeping fields
  size_t successful_count_ = 0;
};

}  // namespace vigie::scrape
