// Writing through the storage seam: an Appender batches samples of one scrape or rule
// evaluation; Commit makes them visible (and durable per the implementation's policy).
#pragma once

#include <cstdint>
#include <memory>

#include "core/labels.h"
#include "core/result.h"
#include "core/time.h"

namespace vigie::storage {

// An opaque series reference handed out by Append; 0 means "unknown". A caller may cache it
// (e.g. per scrape cache entry) and pass it back to skip the label lookup. A stale ref (series
// since garbage-collected) is detected and the labels are used instead.
using SeriesRef = uint64_t;

// Used by one goroutine-equivalent (thread) at a time; not reusable after Commit/Rollback.
class Appender {
 public:
  virtual ~Appender() = default;

  // Adds a sample. `labels` must be valid (sorted, unique names, no empty values); they are
  // used when `ref` is 0 or unknown. Errors are per sample and leave the appender usable:
  // ErrorCode::kOutOfRange for out-of-order or too-old samples, kAlreadyExists for a
  // different value at an existing timestamp ("duplicate sample for timestamp"),
  // kInvalidArgument for bad labels. Appending the exact same (t, v) again is not an error.
  virtual Result<SeriesRef> Append(SeriesRef ref, const Labels& labels, TimestampMs t,
                                   double v) = 0;

  // Makes all appended samples visible to new queriers, atomically per appender. What a
  // returned OK guarantees about durability is documented by the implementation.
  virtual Status Commit() = 0;
  // Drops everything appended.
  virtual Status Rollback() = 0;
};

class Appendable {
 public:
  virtual ~Appendable() = default;
  // Thread-safe: many appenders may be open at once.
  virtual std::unique_ptr<Appender> NewAppender() = 0;
};

// The duplicate/out-of-order error messages, as Prometheus words them.
inline constexpr const char* kErrOutOfOrderSample = "out of order sample";
inline constexpr const char* kErrOutOfBounds = "out of bounds";
inline constexpr const char* kErrDuplicateSampleForTimestamp = "duplicate sample for timestamp";

}  // namespace vigie::storage
