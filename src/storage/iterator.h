// The sample iterator contract, the same as Prometheus's chunkenc.Iterator for float samples.
#pragma once

#include <memory>

#include "core/result.h"
#include "storage/value.h"

namespace vigie::storage {

// Iterates one series' samples in strictly increasing timestamp order.
//
// Contract (every implementation honours it; callers may rely on nothing more):
// - A fresh iterator is positioned before the first sample: call Next() or Seek() first.
// - Next() advances by one sample; it returns false when there is none left or on error.
// - Seek(t) advances to the first sample with timestamp >= t and returns true if there is one.
//   If the current sample already has timestamp >= t it stays put: Seek never goes backwards.
//   Seek may be the first call.
// - At() is valid only after Next()/Seek() returned true. After either returned false, At() is
//   undefined, and further Next()/Seek() calls keep returning false.
// - Err() is checked after iteration ends: false from Next()/Seek() means "exhausted" only when
//   Err() is ok.
// Not thread-safe: one iterator is used by one thread at a time.
class SampleIterator {
 public:
  virtual ~SampleIterator() = default;
  virtual bool Next() = 0;
  virtual bool Seek(TimestampMs t) = 0;
  virtual Sample At() const = 0;
  virtual Status Err() const { return OkStatus(); }
};

// An iterator with no samples (or only an error).
std::unique_ptr<SampleIterator> NewEmptyIterator(Status err = OkStatus());

}  // namespace vigie::storage
