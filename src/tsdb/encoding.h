// Byte encoding helpers for the on-disk formats: big-endian integers and (u)varints.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace vigie::tsdb {

class EncBuf {
 public:
  void PutByte(uint8_t b) { s_.push_back(static_cast<char>(b)); }
  void PutBE32(uint32_t v) {
    for (int i = 3; i >= 0; --i) PutByte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void PutBE64(uint64_t v) {
    for (int i = 7; i >= 0; --i) PutByte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void PutUvarint(uint64_t x) {
    while (x >= 0x80) {
      PutByte(static_cast<uint8_t>(x) | 0x80);
      x >>= 7;
    }
    PutByte(static_cast<uint8_t>(x));
  }
  void PutVarint(int64_t x) {
    uint64_t ux = static_cast<uint64_t>(x) << 1;
    if (x < 0) ux = ~ux;
    PutUvarint(ux);
  }
  void PutString(std::string_view v) {
    PutUvarint(v.size());
    s_.append(v);
  }
  void PutBytes(std::string_view v) { s_.append(v); }
  std::string& str() { return s_; }
  size_t size() const { return s_.size(); }
  void Reset() { s_.clear(); }

 private:
  std::string s_;
};

// Reads from a byte span; any overrun latches ok() == false and returns zeros.
class DecBuf {
 public:
  DecBuf() = default;
  explicit DecBuf(std::span<const uint8_t> b) : p_(b.data()), n_(b.size()) {}
  bool ok() const { return ok_; }
  size_t remaining() const { return n_; }
  const uint8_t* data() const { return p_; }
  uint8_t Byte() {
    if (n_ < 1) return Bad();
    uint8_t b = *p_;
    Skip(1);
    return b;
  }
  uint32_t BE32() {
    if (n_ < 4) return Bad();
    uint32_t v = (uint32_t{p_[0]} << 24) | (uint32_t{p_[1]} << 16) | (uint32_t{p_[2]} << 8) | p_[3];
    Skip(4);
    return v;
  }
  uint64_t BE64() {
    uint64_t hi = BE32();
    return (hi << 32) | BE32();
  }
  uint64_t Uvarint() {
    uint64_t x = 0;
    unsigned s = 0;
    for (size_t i = 0; i < n_ && i < 10; ++i) {
      uint8_t c = p_[i];
      if (c < 0x80) {
        Skip(i + 1);
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
    uint64_t len = Uvarint();
    if (!ok_ || len > n_) {
      Bad();
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(p_), len);
    Skip(len);
    return s;
  }
  std::span<const uint8_t> Bytes(size_t len) {
    if (len > n_) {
      Bad();
      return {};
    }
    std::span<const uint8_t> s(p_, len);
    Skip(len);
    return s;
  }
  void Skip(size_t k) {
    p_ += k;
    n_ -= k;
  }

 private:
  uint8_t Bad() {
    ok_ = false;
    n_ = 0;
    return 0;
  }
  const uint8_t* p_ = nullptr;
  size_t n_ = 0;
  bool ok_ = true;
};

}  // namespace vigie::tsdb
