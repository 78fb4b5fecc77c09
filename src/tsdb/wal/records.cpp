#include "tsdb/wal/records.h"

#include <bit>
#include <cstring>

namespace vigie::tsdb::wal {

namespace {
void PutBE64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(b, 8);
}
void PutUvarint(std::string* out, uint64_t x) {
  while (x >= 0x80) {
    out->push_back(static_cast<char>(static_cast<uint8_t>(x) | 0x80));
    x >>= 7;
  }
  out->push_back(static_cast<char>(x));
}
void PutVarint(std::string* out, int64_t x) {
  uint64_t ux = static_cast<uint64_t>(x) << 1;
  if (x < 0) ux = ~ux;
  PutUvarint(out, ux);
}
void PutString(std::string* out, std::string_view s) {
  PutUvarint(out, s.size());
  out->append(s);
}

struct Decoder {
  std::string_view b;
  bool ok = true;
  uint64_t BE64() {
    if (b.size() < 8) return Bad();
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(b[static_cast<size_t>(i)]);
    b.remove_prefix(8);
    return v;
  }
  uint64_t Uvarint() {
    uint64_t x = 0;
    unsigned s = 0;
    for (size_t i = 0; i < b.size() && i < 10; ++i) {
      uint8_t c = static_cast<uint8_t>(b[i]);
      if (c < 0x80) {
        b.remove_prefix(i + 1);
        return x | (uint64_t{c} << s);
      }
      x |= uint64_t{static_cast<uint8_t>(c & 0x7f)} << s;
      s += 7;
    }
    return Bad();
  }
  int64_t Varint() {
    uint64_t ux = Uvarint();
    int64_t x = static_cast<int64_t>(ux >> 1);
    if (ux & 1) x = ~x;
    return x;
  }
  std::string_view String() {
    uint64_t n = Uvarint();
    if (!ok || n > b.size()) {
      Bad();
      return {};
    }
    auto s = b.substr(0, n);
    b.remove_prefix(n);
    return s;
  }
  uint64_t Bad() {
    ok = false;
    b = {};
    return 0;
  }
};
}  // namespace

RecordType TypeOf(std::string_view rec) {
  if (rec.empty()) return RecordType::kUnknown;
  auto t = static_cast<uint8_t>(rec[0]);
  if (t == 1) return RecordType::kSeries;
  if (t == 2) return RecordType::kSamples;
  return RecordType::kUnknown;
}

void EncodeOneSeries(uint64_t ref, const Labels& labels, std::string* out) {
  out->push_back(static_cast<char>(RecordType::kSeries));
  PutBE64(out, ref);
  PutUvarint(out, labels.size());
  for (const auto& l : labels) {
    PutString(out, l.name);
    PutString(out, l.value);
  }
}

void EncodeSeries(std::span<const RefSeries> series, std::string* out) {
  out->push_back(static_cast<char>(RecordType::kSeries));
  for (const auto& s : series) {
    PutBE64(out, s.ref);
    PutUvarint(out, s.labels.size());
    for (const auto& l : s.labels) {
      PutString(out, l.name);
      PutString(out, l.value);
    }
  }
}

void EncodeSamples(std::span<const RefSample> samples, std::string* out) {
  out->push_back(static_cast<char>(RecordType::kSamples));
  if (samples.empty()) return;
  const auto& first = samples[0];
  PutBE64(out, first.ref);
  PutBE64(out, static_cast<uint64_t>(first.t));
  for (const auto& s : samples) {
    PutVarint(out, static_cast<int64_t>(s.ref - first.ref));
    PutVarint(out, s.t - first.t);
    PutBE64(out, std::bit_cast<uint64_t>(s.v));
  }
}

Status DecodeSeries(std::string_view rec, std::vector<RefSeries>* out) {
  if (TypeOf(rec) != RecordType::kSeries) return Corruption("WAL record is not a series record");
  Decoder d{rec.substr(1)};
  while (d.ok && !d.b.empty()) {
    RefSeries s;
    s.ref = d.BE64();
    uint64_t n = d.Uvarint();
    if (!d.ok || n > d.b.size()) break;
    std::vector<Label> labels;
    labels.reserve(n);
    for (uint64_t i = 0; i < n && d.ok; ++i) {
      auto name = d.String();
      auto value = d.String();
      labels.push_back({std::string(name), std::string(value)});
    }
    if (!d.ok) break;
    s.labels = Labels::FromSorted(std::move(labels));
    out->push_back(std::move(s));
  }
  if (!d.ok) return Corruption("WAL series record: truncated or malformed");
  return OkStatus();
}

Status DecodeSamples(std::string_view rec, std::vector<RefSample>* out) {
  if (TypeOf(rec) != RecordType::kSamples) return Corruption("WAL record is not a samples record");
  Decoder d{rec.substr(1)};
  if (d.b.empty()) return OkStatus();
  uint64_t base_ref = d.BE64();
  int64_t base_t = static_cast<int64_t>(d.BE64());
  while (d.ok && !d.b.empty()) {
    RefSample s;
    s.ref = base_ref + static_cast<uint64_t>(d.Varint());
    s.t = base_t + d.Varint();
    s.v = std::bit_cast<double>(d.BE64());
    if (d.ok) out->push_back(s);
  }
  if (!d.ok) return Corruption("WAL samples record: truncated or malformed");
  return OkStatus();
}

}  // namespace vigie::tsdb::wal
