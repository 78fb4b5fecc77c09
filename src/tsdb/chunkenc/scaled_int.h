// vigie's second chunk encoding (encoding byte 0x81), used only in blocks and only when it is
// smaller than XOR for a chunk: values that are integers after scaling by 10^k (k = 0..4), as
// counters and most gauges are (node-exporter's 2-decimal CPU seconds, byte counts, ...),
// stored as deltas or deltas-of-deltas of those integers in variable bit widths; timestamps as
// in XOR but with a narrow 7-bit bucket for the few milliseconds of scrape jitter.
// Layout: docs/format/chunks.md.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "storage/iterator.h"
#include "tsdb/chunkenc/bstream.h"

namespace vigie::tsdb::chunkenc {

inline constexpr uint8_t kScaledIntEncoding = 0x81;

// Encodes `samples` (timestamps increasing, at most 65535) into `out`; false when some value is
// not an integer after scaling by any 10^k, k <= 4 (NaN, Inf, -0, too many decimals or too big).
bool EncodeScaledInt(std::span<const storage::Sample> samples, std::vector<uint8_t>* out);

class ScaledIntIterator final : public storage::SampleIterator {
 public:
  ScaledIntIterator() = default;
  void Reset(std::span<const uint8_t> b);
  bool Next() override;
  bool Seek(TimestampMs t) override;
  storage::Sample At() const override { return {t_, value_}; }
  Status Err() const override;
  // As XorIterator::AppendRange.
  void AppendRange(int64_t mint, int64_t maxt, std::vector<storage::Sample>* out);
  int64_t t() const { return t_; }
  double v() const { return value_; }

 private:
  bool Fail();
  bool Step();
  BitReader br_;
  uint16_t total_ = 0, read_ = 0;
  uint8_t scale_ = 0;
  bool dod_values_ = false;
  int64_t t_ = 0, t_delta_ = 0;
  int64_t v_ = 0, v_delta_ = 0;
  double value_ = 0;  // v_ / 10^scale_, computed once per sample
  bool err_ = false, done_ = false;
};

}  // namespace vigie::tsdb::chunkenc
