// A label set packed into one heap block: [uvarint len][name][uvarint len][value]... .
// The head keeps one per series (one allocation, no per-label string headers), and expands it
// to a Labels only when a query needs it.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "core/labels.h"

namespace vigie::tsdb {

class PackedLabels {
 public:
  PackedLabels() = default;
  explicit PackedLabels(const Labels& labels);
  PackedLabels(PackedLabels&&) noexcept = default;
  PackedLabels& operator=(PackedLabels&&) noexcept = default;

  Labels ToLabels() const;
  bool Equals(const Labels& labels) const;
  // Value of `name`, or "" when absent.
  std::string_view Get(std::string_view name) const;
  // Calls fn(name, value) for each label in order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    const uint8_t* p = data_.get();
    const uint8_t* end = p + size_;
    while (p < end) {
      std::string_view n = Next(&p);
      std::string_view v = Next(&p);
      fn(n, v);
    }
  }
  size_t byte_size() const { return size_; }

 private:
  static std::string_view Next(const uint8_t** p) {
    uint32_t len = 0;
    unsigned shift = 0;
    while (**p & 0x80) {
      len |= static_cast<uint32_t>(**p & 0x7f) << shift;
      shift += 7;
      ++*p;
    }
    len |= static_cast<uint32_t>(**p) << shift;
    ++*p;
    std::string_view s(reinterpret_cast<const char*>(*p), len);
    *p += len;
    return s;
  }

  std::unique_ptr<uint8_t[]> data_;
  uint32_t size_ = 0;
};

}  // namespace vigie::tsdb
