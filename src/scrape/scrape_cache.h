// The per-target scrape cache, as in Prometheus. It maps the raw series text of an exposition
// line ("name{a=\"1\"}", exactly as written) to the series' final labels (after honor_labels and
// metric relabelling) and its storage ref, so a series seen before costs one lookup: no label
// parsing, relabelling or storage lookup. Series that metric relabelling drops are remembered
// too. It also tracks which series the previous scrape appended, to write staleness markers for
// those that disappear, and the metadata (TYPE, HELP, UNIT) of each family.
//
// Lookups first try the entry that held the same position in the previous scrape (targets
// expose their series in a stable order), then fall back to a hash lookup and resynchronise.
//
// Not thread-safe: owned by one scrape loop (handed over to its successor on reload).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/labels.h"
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
    storage::SeriesRef ref = 0;
    // The final labels, packed as name 0xff value 0xff ... (0xff never occurs in UTF-8): a
    // third of the memory of a Labels. Only needed when the storage lost the ref and for
    // staleness markers.
    std::string packed_labels;
    bool dropped = false;  // metric relabelling drops this series
    // Bookkeeping (see the .cpp): scrape iterations in which the entry was seen and in which
    // it was appended without an explicit timestamp (tracked for staleness).
    uint32_t last_iter = 0;
    uint32_t tracked_iter = 0;
    uint32_t prev_tracked_iter = 0;
    uint32_t position = 0;  // index in the scrape that saw it last
    const std::string* key = nullptr;

    Labels labels() const;
  };
  static std::string PackLabels(const Labels& l);

  // The entry for `raw` (check `dropped`), marked as seen in this scrape; nullptr when unknown.
  Entry* Get(std::string_view raw);
  Entry& Add(std::string_view raw, storage::SeriesRef ref, const Labels& labels);
  void AddDropped(std::string_view raw);

  // Records that `e` was appended in this scrape without an explicit timestamp.
  void TrackStaleness(Entry& e);
  // Calls `fn` for every series the previous scrape appended that this scrape did not.
  void ForEachStale(const std::function<void(const Labels&)>& fn) const;
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

  size_t size() const { return series_.size(); }
  uint32_t iteration() const { return iter_; }
  // Labels of every series appended in the last completed scrape (for end-of-run staleness).
  std::vector<Labels> PreviousSeries() const;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  Entry& Insert(std::string_view raw);
  void Seen(Entry& e);
  bool InPrevious(const Entry& e) const;

  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> series_;
  // Entries in the order the previous and the current scrape saw them. Pointers into series_
  // nodes, valid because only entries unseen in the current scrape are ever erased (at its
  // end, when the previous order is dropped).
  std::vector<Entry*> order_prev_;
  std::vector<Entry*> order_cur_;
  size_t cursor_ = 0;  // position in order_prev_ expected next
  size_t seen_ = 0;    // distinct entries seen in this scrape
  bool reset_ = false;
  std::map<std::string, MetricMetadata, std::less<>> metadata_;
  uint32_t iter_ = 2;  // 0 and 1 mean "never" for the bookkeeping fields
  size_t successful_count_ = 0;
};

}  // namespace vigie::scrape
