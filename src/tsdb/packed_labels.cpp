#include "tsdb/packed_labels.h"

namespace vigie::tsdb {

namespace {
size_t UvarintLen(size_t x) {
  size_t n = 1;
  while (x >= 0x80) {
    x >>= 7;
    ++n;
  }
  return n;
}
uint8_t* PutUvarint(uint8_t* p, size_t x) {
  while (x >= 0x80) {
    *p++ = static_cast<uint8_t>(x) | 0x80;
    x >>= 7;
  }
  *p++ = static_cast<uint8_t>(x);
  return p;
}
}  // namespace

PackedLabels::PackedLabels(const Labels& labels) {
  size_t n = 0;
  for (const auto& l : labels) {
    n += UvarintLen(l.name.size()) + l.name.size() + UvarintLen(l.value.size()) + l.value.size();
  }
  data_.reset(new uint8_t[n]);
  size_ = static_cast<uint32_t>(n);
  uint8_t* p = data_.get();
  for (const auto& l : labels) {
    p = PutUvarint(p, l.name.size());
    std::memcpy(p, l.name.data(), l.name.size());
    p += l.name.size();
    p = PutUvarint(p, l.value.size());
    std::memcpy(p, l.value.data(), l.value.size());
    p += l.value.size();
  }
}

Labels PackedLabels::ToLabels() const {
  std::vector<Label> out;
  ForEach([&](std::string_view n, std::string_view v) {
    out.push_back({std::string(n), std::string(v)});
  });
  return Labels::FromSorted(std::move(out));
}

bool PackedLabels::Equals(const Labels& labels) const {
  size_t i = 0;
  bool eq = true;
  ForEach([&](std::string_view n, std::string_view v) {
    if (!eq) return;
    if (i >= labels.size() || labels[i].name != n || labels[i].value != v) eq = false;
    ++i;
  });
  return eq && i == labels.size();
}

std::string_view PackedLabels::Get(std::string_view name) const {
  std::string_view out;
  bool found = false;
  ForEach([&](std::string_view n, std::string_view v) {
    if (!found && n == name) {
      out = v;
      found = true;
    }
  });
  return out;
}

}  // namespace vigie::tsdb
