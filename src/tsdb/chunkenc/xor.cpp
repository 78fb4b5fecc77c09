#include "tsdb/chunkenc/xor.h"

#include <algorithm>
#include <bit>

namespace vigie::tsdb::chunkenc {

namespace {
void PutUvarint(BitWriter& w, uint64_t x) {
  while (x >= 0x80) {
    w.WriteByte(static_cast<uint8_t>(x) | 0x80);
    x >>= 7;
  }
  w.WriteByte(static_cast<uint8_t>(x));
}

void PutVarint(BitWriter& w, int64_t x) {
  uint64_t ux = static_cast<uint64_t>(x) << 1;
  if (x < 0) ux = ~ux;
  PutUvarint(w, ux);
}

bool GetUvarint(BitReader& r, uint64_t* out) {
  uint64_t x = 0;
  unsigned s = 0;
  for (int i = 0; i < 10; ++i) {
    uint8_t b;
    if (!r.ReadByte(&b)) return false;
    if (b < 0x80) {
      if (i == 9 && b > 1) return false;
      *out = x | (uint64_t{b} << s);
      return true;
    }
    x |= uint64_t{static_cast<uint8_t>(b & 0x7f)} << s;
    s += 7;
  }
  return false;
}

bool GetVarint(BitReader& r, int64_t* out) {
  uint64_t ux;
  if (!GetUvarint(r, &ux)) return false;
  int64_t x = static_cast<int64_t>(ux >> 1);
  if (ux & 1) x = ~x;
  *out = x;
  return true;
}

// Whether x fits the signed `nbits` bucket as Prometheus defines it (asymmetric on purpose).
bool BitRange(int64_t x, int nbits) {
  return -((int64_t{1} << (nbits - 1)) - 1) <= x && x <= (int64_t{1} << (nbits - 1));
}

void WriteValue(BitWriter& w, XorAppendState* st, uint64_t v_bits) {
  uint64_t delta = v_bits ^ st->v_bits;
  if (delta == 0) {
    w.WriteBit(false);
    return;
  }
  w.WriteBit(true);
  uint8_t leading = static_cast<uint8_t>(std::countl_zero(delta));
  uint8_t trailing = static_cast<uint8_t>(std::countr_zero(delta));
  if (leading >= 32) leading = 31;  // 5 bits
  if (st->leading != 0xff && leading >= st->leading && trailing >= st->trailing) {
    w.WriteBit(false);
    w.WriteBits(delta >> st->trailing, 64 - st->leading - st->trailing);
    return;
  }
  st->leading = leading;
  st->trailing = trailing;
  w.WriteBit(true);
  w.WriteBits(leading, 5);
  // 64 significant bits do not fit 6 bits; they are written as 0 (0 never occurs otherwise).
  int sigbits = 64 - leading - trailing;
  w.WriteBits(static_cast<uint64_t>(sigbits), 6);
  w.WriteBits(delta >> trailing, sigbits);
}
}  // namespace

void XorInit(std::vector<uint8_t>* buf, XorAppendState* st) {
  buf->assign(2, 0);
  *st = XorAppendState{};
}

void XorAppend(std::vector<uint8_t>* buf, XorAppendState* st, int64_t t, double v) {
  uint16_t num = st->num;
  uint64_t v_bits = std::bit_cast<uint64_t>(v);
  BitWriter w(buf, st->free_bits);
  uint64_t t_delta = 0;
  if (num == 0) {
    PutVarint(w, t);
    w.WriteBits(v_bits, 64);
  } else if (num == 1) {
    t_delta = static_cast<uint64_t>(t - st->t);
    PutUvarint(w, t_delta);
    WriteValue(w, st, v_bits);
  } else {
    t_delta = static_cast<uint64_t>(t - st->t);
    int64_t dod = static_cast<int64_t>(t_delta - st->t_delta);
    if (dod == 0) {
      w.WriteBit(false);
    } else if (BitRange(dod, 14)) {
      w.WriteBits(0b10, 2);
      w.WriteBits(static_cast<uint64_t>(dod), 14);
    } else if (BitRange(dod, 17)) {
      w.WriteBits(0b110, 3);
      w.WriteBits(static_cast<uint64_t>(dod), 17);
    } else if (BitRange(dod, 20)) {
      w.WriteBits(0b1110, 4);
      w.WriteBits(static_cast<uint64_t>(dod), 20);
    } else {
      w.WriteBits(0b1111, 4);
      w.WriteBits(static_cast<uint64_t>(dod), 64);
    }
    WriteValue(w, st, v_bits);
  }
  st->t = t;
  st->v_bits = v_bits;
  st->t_delta = t_delta;
  st->free_bits = w.free_bits();
  st->num = ++num;
  (*buf)[0] = static_cast<uint8_t>(num >> 8);
  (*buf)[1] = static_cast<uint8_t>(num);
}

bool XorRecoverState(std::span<const uint8_t> b, XorAppendState* st) {
  XorIterator it(b);
  while (it.Next()) {
  }
  if (!it.Err().ok()) return false;
  *st = it.StateAtEnd();
  return true;
}

void XorIterator::Reset(std::span<const uint8_t> b) {
  *this = XorIterator();
  total_ = XorNumSamples(b);
  if (b.size() >= 2) br_ = BitReader(b.data() + 2, b.size() - 2);
}

bool XorIterator::Fail() {
  err_ = true;
  done_ = true;
  return false;
}

[[gnu::always_inline]] inline bool XorIterator::ReadValue() {
  if (br_.PeekBits() >= 13) {
    // The control bits (and a new window's sizes) from one 64-bit look-ahead.
    const uint64_t w = br_.Peek();
    if ((w >> 63) == 0) {
      br_.Skip(1);
      return true;  // same value
    }
    if (((w >> 62) & 1) == 0) {
      br_.Skip(2);
      if (!window_set_) return Fail();  // '10' before any window: corrupt
    } else {
      uint64_t lead = (w >> 57) & 0x1f, sig = (w >> 51) & 0x3f;
      br_.Skip(13);
      if (sig == 0) sig = 64;
      if (lead + sig > 64) return Fail();
      leading_ = static_cast<uint8_t>(lead);
      trailing_ = static_cast<uint8_t>(64 - lead - sig);
      window_set_ = true;
    }
    const int mbits = 64 - leading_ - trailing_;
    uint64_t bits;
    if (mbits <= 0 || !br_.ReadBits(mbits, &bits)) return Fail();
    v_bits_ ^= bits << trailing_;
    return true;
  }
  bool bit;
  if (!br_.ReadBit(&bit)) return Fail();
  if (!bit) return true;  // same value
  if (!br_.ReadBit(&bit)) return Fail();
  if (bit) {
    uint64_t lead, sig;
    if (!br_.ReadBits(5, &lead) || !br_.ReadBits(6, &sig)) return Fail();
    if (sig == 0) sig = 64;
    if (lead + sig > 64) return Fail();
    leading_ = static_cast<uint8_t>(lead);
    trailing_ = static_cast<uint8_t>(64 - lead - sig);
    window_set_ = true;
  }
  if (!window_set_) return Fail();  // '10' before any window: corrupt
  int mbits = 64 - leading_ - trailing_;
  uint64_t bits;
  if (mbits <= 0 || !br_.ReadBits(mbits, &bits)) return Fail();
  v_bits_ ^= bits << trailing_;
  return true;
}

// Next()'s body, inlined into AppendRange's loop.
[[gnu::always_inline]] inline bool XorIterator::Step() {
  if (done_) return false;
  if (read_ >= total_) {
    done_ = true;
    return false;
  }
  if (read_ == 0) {
    if (!GetVarint(br_, &t_) || !br_.ReadBits(64, &v_bits_)) return Fail();
    leading_ = 0;
    trailing_ = 0;
  } else if (read_ == 1) {
    if (!GetUvarint(br_, &t_delta_)) return Fail();
    t_ += static_cast<int64_t>(t_delta_);
    if (!ReadValue()) return false;
  } else {
    static constexpr int kSizes[] = {0, 14, 17, 20, 64};
    int ones = 0;
    int64_t dod = 0;
    if (br_.PeekBits() >= 4) {
      // The bucket prefix from one 64-bit look-ahead.
      ones = std::min(std::countl_one(br_.Peek()), 4);
      br_.Skip(static_cast<size_t>(ones < 4 ? ones + 1 : 4));
    } else {
      for (; ones < 4; ++ones) {
        bool bit;
        if (!br_.ReadBit(&bit)) return Fail();
        if (!bit) break;
      }
    }
    int sz = kSizes[ones];
    if (sz != 0) {
      uint64_t bits;
      if (!br_.ReadBits(sz, &bits)) return Fail();
      if (sz != 64 && bits > (uint64_t{1} << (sz - 1))) bits -= uint64_t{1} << sz;
      dod = static_cast<int64_t>(bits);
    }
    t_delta_ = static_cast<uint64_t>(static_cast<int64_t>(t_delta_) + dod);
    t_ += static_cast<int64_t>(t_delta_);
    if (!ReadValue()) return false;
  }
  ++read_;
  return true;
}

bool XorIterator::Next() { return Step(); }

bool XorIterator::Seek(TimestampMs t) {
  if (done_) return false;
  if (read_ > 0 && t_ >= t) return true;
  while (Next()) {
    if (t_ >= t) return true;
  }
  return false;
}

void XorIterator::AppendRange(int64_t mint, int64_t maxt, std::vector<storage::Sample>* out) {
  while (Step()) {
    if (t_ > maxt) return;
    if (t_ >= mint) out->push_back({t_, std::bit_cast<double>(v_bits_)});
  }
}

Status XorIterator::Err() const {
  if (err_) return Corruption("XOR chunk: truncated or corrupt bit stream");
  return OkStatus();
}

XorAppendState XorIterator::StateAtEnd() const {
  XorAppendState st;
  st.t = t_;
  st.v_bits = v_bits_;
  st.t_delta = t_delta_;
  // A chunk with fewer than 2 samples has no XOR window yet.
  st.leading = window_set_ ? leading_ : 0xff;
  st.trailing = trailing_;
  size_t bits = br_.bit_pos();
  st.free_bits = static_cast<uint8_t>((8 - bits % 8) % 8);
  st.num = static_cast<uint16_t>(total_);
  return st;
}

}  // namespace vigie::tsdb::chunkenc
