// Reading through the storage seam: a Queryable hands out Queriers over a time range.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "storage/matcher.h"
#include "storage/series.h"

namespace vigie::storage {

// Optional hints about what the caller will do with the selected data; implementations may
// use them to read less. All times are inclusive milliseconds.
struct SelectHints {
  TimestampMs start = 0;  // first timestamp the caller will read
  TimestampMs end = 0;    // last timestamp the caller will read
  int64_t step_ms = 0;    // query step, 0 for instant queries
  std::string func;       // surrounding function name, e.g. "rate"; "series" for metadata only
};

// Reads series within [mint, maxt] (inclusive). A Querier sees a consistent snapshot of what
// was committed when it was created or later (it never sees uncommitted appends). Several
// threads may use different Queriers at once; one Querier is used by one thread at a time.
// The SeriesSets it returns must be destroyed before the Querier.
class Querier {
 public:
  virtual ~Querier() = default;

  // Series matching all `matchers` (at least one matcher should select something non-empty).
  // With `sorted`, series come ordered by label set. `hints` may be null.
  virtual std::unique_ptr<SeriesSet> Select(bool sorted, const SelectHints* hints,
                                            std::span<const Matcher> matchers) = 0;

  // Sorted, unique values of label `name` among series matching `matchers` (all series when
  // empty) that have samples in the range (implementations may over-approximate by range).
  virtual Result<std::vector<std::string>> LabelValues(const std::string& name,
                                                       std::span<const Matcher> matchers) = 0;
  // Sorted, unique label names among series matching `matchers` (all series when empty).
  virtual Result<std::vector<std::string>> LabelNames(std::span<const Matcher> matchers) = 0;
};

class Queryable {
 public:
  virtual ~Queryable() = default;
  virtual Result<std::unique_ptr<Querier>> NewQuerier(TimestampMs mint, TimestampMs maxt) = 0;
};

}  // namespace vigie::storage
