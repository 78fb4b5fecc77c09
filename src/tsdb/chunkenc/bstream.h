// Bit streams for the Gorilla chunk encoding: bits are written most significant first into a
// byte buffer, exactly like Prometheus's bstream, so chunk bytes are interchangeable.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace vigie::tsdb::chunkenc {

// Appends to `buf`. `free_bits` is how many low bits of the last byte are still unused
// (0 = the last byte is full, or the buffer is empty). Keep it alongside the buffer to resume.
class BitWriter {
 public:
  BitWriter(std::vector<uint8_t>* buf, uint8_t free_bits) : buf_(buf), free_(free_bits) {}

  void WriteBit(bool bit) {
    if (free_ == 0) {
      buf_->push_back(0);
      free_ = 8;
    }
    if (bit) buf_->back() |= static_cast<uint8_t>(1u << (free_ - 1));
    --free_;
  }

  // Writes the low `nbits` bits of `u` (nbits in 0..64), most significant first.
  void WriteBits(uint64_t u, int nbits) {
    while (nbits > 0) {
      if (free_ == 0) {
        buf_->push_back(0);
        free_ = 8;
      }
      int take = nbits < free_ ? nbits : free_;
      uint64_t chunk = (u >> (nbits - take)) & ((uint64_t{1} << take) - 1);
      buf_->back() |= static_cast<uint8_t>(chunk << (free_ - take));
      free_ = static_cast<uint8_t>(free_ - take);
      nbits -= take;
    }
  }

  void WriteByte(uint8_t b) { WriteBits(b, 8); }

  uint8_t free_bits() const { return free_; }

 private:
  std::vector<uint8_t>* buf_;
  uint8_t free_;
};

// Reads bits from [data, data+size). Reads past the end fail (return false) and latch.
// Away from the end of the buffer, reads take one unaligned 64-bit load (Peek) instead of a
// loop over bytes: decoding chunks is the inner loop of every query.
class BitReader {
 public:
  BitReader() = default;
  BitReader(const uint8_t* data, size_t size)
      : data_(data), size_bytes_(size), size_bits_(size * 8) {}

  bool ReadBit(bool* bit) {
    if (pos_ >= size_bits_) return false;
    *bit = (data_[pos_ >> 3] >> (7 - (pos_ & 7))) & 1;
    ++pos_;
    return true;
  }

  // The next bits, most significant first, left-aligned in the result and zero past the end
  // of the data; only the top PeekBits() of them are valid.
  uint64_t Peek() const {
    const size_t byte = pos_ >> 3;
    uint64_t w = 0;
    if (byte + 8 <= size_bytes_) {
      std::memcpy(&w, data_ + byte, 8);
      if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    } else {
      for (size_t i = byte; i < size_bytes_; ++i) w |= uint64_t{data_[i]} << (56 - 8 * (i - byte));
    }
    return w << (pos_ & 7);
  }
  // How many of Peek()'s bits are data: the bits left, at most 64 - bit_pos() % 8 (>= 57).
  size_t PeekBits() const {
    const size_t left = size_bits_ - pos_, window = 64 - (pos_ & 7);
    return left < window ? left : window;
  }
  // Consumes `n` <= PeekBits() bits already looked at through Peek().
  void Skip(size_t n) { pos_ += n; }

  bool ReadBits(int nbits, uint64_t* out) {
    if (nbits > 0 && static_cast<size_t>(nbits) <= PeekBits()) {
      *out = Peek() >> (64 - nbits);
      pos_ += static_cast<size_t>(nbits);
      return true;
    }
    if (pos_ + static_cast<size_t>(nbits) > size_bits_) return false;
    uint64_t v = 0;
    while (nbits > 0) {
      size_t byte = pos_ >> 3;
      int avail = 8 - static_cast<int>(pos_ & 7);
      int take = nbits < avail ? nbits : avail;
      uint64_t bits = (data_[byte] >> (avail - take)) & ((1u << take) - 1);
      v = (v << take) | bits;
      pos_ += static_cast<size_t>(take);
      nbits -= take;
    }
    *out = v;
    return true;
  }

  size_t bit_pos() const { return pos_; }

  bool ReadByte(uint8_t* b) {
    uint64_t v;
    if (!ReadBits(8, &v)) return false;
    *b = static_cast<uint8_t>(v);
    return true;
  }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_bytes_ = 0;
  size_t size_bits_ = 0;
  size_t pos_ = 0;
};

}  // namespace vigie::tsdb::chunkenc
