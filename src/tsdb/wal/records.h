// WAL record payloads (see docs/format/wal.md): series and samples, like Prometheus's.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/result.h"

namespace vigie::tsdb::wal {

enum class RecordType : uint8_t { kUnknown = 255, kSeries = 1, kSamples = 2 };

struct RefSeries {
  uint64_t ref = 0;
  Labels labels;
};

struct RefSample {
  uint64_t ref = 0;
  int64_t t = 0;
  double v = 0;
};

RecordType TypeOf(std::string_view rec);

// Appends an encoded record to `out` (which is not cleared).
void EncodeSeries(std::span<const RefSeries> series, std::string* out);
void EncodeOneSeries(uint64_t ref, const Labels& labels, std::string* out);
void EncodeSamples(std::span<const RefSample> samples, std::string* out);

// Decoders append to `out`; a malformed record is a kCorruption error.
Status DecodeSeries(std::string_view rec, std::vector<RefSeries>* out);
Status DecodeSamples(std::string_view rec, std::vector<RefSample>* out);

}  // namespace vigie::tsdb::wal
