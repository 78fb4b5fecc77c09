// Sample values and the staleness marker, as in Prometheus (pkg/value).
#pragma once

#include <bit>
#include <cstdint>

#include "core/time.h"

namespace vigie::storage {

// The exact NaN bit pattern Prometheus writes as a staleness marker. Ordinary NaNs (e.g. from
// 0/0) have other bit patterns, so a stored NaN is only "stale" when it has exactly this one.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
inline const double kStaleNaN = std::bit_cast<double>(kStaleNaNBits);

inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

// One float sample.
struct Sample {
  TimestampMs t = 0;
  double v = 0;
};

}  // namespace vigie::storage
