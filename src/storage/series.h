// Series and sets of series, as read through a Querier.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/labels.h"
#include "storage/iterator.h"

namespace vigie::storage {

// A series: its label set and a way to iterate its samples (restricted to the querier's
// [mint, maxt]). Iterator() may be called several times; each iterator is independent.
class Series {
 public:
  virtual ~Series() = default;
  virtual const Labels& labels() const = 0;
  virtual std::unique_ptr<SampleIterator> Iterator() const = 0;

  // Appends the samples with timestamps in [mint, maxt] to `out`, in order: exactly what
  // Iterator() yields after Seek(mint), up to maxt, but in one call, so that sources which
  // decode chunks can skip the two virtual calls per sample (the default does iterate). On
  // error the samples read before it stay appended and the error is returned.
  virtual Status AppendSamples(TimestampMs mint, TimestampMs maxt, std::vector<Sample>* out) const;

  // The labels, for a consumer that owns the set and is done with this series (a query turning
  // selected series into its result): sources that hold a private copy move it out, after which
  // labels() is empty. The default copies.
  virtual Labels TakeLabels() const { return labels(); }
};

// A forward-only set of series. Same shape as the sample iterator: Next() then At(); when
// Next() returns false, check Err(). The Series returned by At() stays valid until the set is
// destroyed (so callers may keep pointers to series they already visited), unless stated
// otherwise by the producer. When Select was asked for sorted output, series come in
// increasing label-set order and no two have equal labels.
class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  virtual bool Next() = 0;
  virtual const Series& At() const = 0;
  virtual Status Err() const { return OkStatus(); }
  // Non-fatal problems (e.g. a block that could not be read and was skipped).
  virtual std::vector<std::string> Warnings() const { return {}; }
};

std::unique_ptr<SeriesSet> NewEmptySeriesSet();
std::unique_ptr<SeriesSet> NewErrorSeriesSet(Error err);

}  // namespace vigie::storage
