#include "tsdb/chunkenc/scaled_int.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace vigie::tsdb::chunkenc {

namespace {
constexpr double kPow10[] = {1, 10, 100, 1000, 10000};
constexpr int64_t kMaxExact = int64_t{1} << 53;

// Signed variable-width buckets: prefix of k ones then a zero (the last bucket has no zero).
struct Buckets {
  int widths[5];
  int n;
};
constexpr Buckets kTimeBuckets{{7, 14, 20, 64, 0}, 4};    // '0' | '10'+7 | ... | '1111'+64
constexpr Buckets kValueBuckets{{7, 14, 24, 40, 64}, 5};  // '0' | '10'+7 | ... | '11111'+64

bool Fits(int64_t x, int w) {
  if (w == 64) return true;
  return -(int64_t{1} << (w - 1)) + 1 <= x && x <= (int64_t{1} << (w - 1));
}

void WriteSigned(BitWriter& w, int64_t x, const Buckets& b) {
  if (x == 0) {
    w.WriteBit(false);
    return;
  }
  for (int i = 0; i < b.n; ++i) {
    if (Fits(x, b.widths[i])) {
      w.WriteBits((uint64_t{1} << (i + 1)) - 1, i + 1);  // i+1 ones
      if (i + 1 < b.n) w.WriteBit(false);
      w.WriteBits(static_cast<uint64_t>(x), b.widths[i]);
      return;
    }
  }
}

int64_t SignExtend(uint64_t v, int w) {
  if (w != 64 && v > (uint64_t{1} << (w - 1))) v -= uint64_t{1} << w;
  return static_cast<int64_t>(v);
}

// Bit by bit, near the end of the chunk's bytes.
[[gnu::noinline]] bool ReadSignedSlow(BitReader& r, const Buckets& b, int64_t* out) {
  int ones = 0;
  bool bit;
  while (ones < b.n) {
    if (!r.ReadBit(&bit)) return false;
    if (!bit) break;
    ++ones;
  }
  if (ones == 0) {
    *out = 0;
    return true;
  }
  int w = b.widths[ones - 1];
  uint64_t v;
  if (!r.ReadBits(w, &v)) return false;
  if (w != 64 && v > (uint64_t{1} << (w - 1))) v -= uint64_t{1} << w;
  *out = static_cast<int64_t>(v);
  return true;
}

// The prefix and (usually) the value from one 64-bit look-ahead. Inlined into the decoding
// loop: it runs twice per sample.
[[gnu::always_inline]] inline bool ReadSigned(BitReader& r, const Buckets& b, int64_t* out) {
  const uint64_t w = r.Peek();
  const size_t avail = r.PeekBits();
  const int ones = std::min(std::countl_one(w), b.n);
  if (ones == 0 && avail >= 1) {
    r.Skip(1);
    *out = 0;
    return true;
  }
  if (ones == 0) return false;  // no bits left
  const int prefix = ones + (ones < b.n ? 1 : 0);
  const int width = b.widths[ones - 1];
  if (width < 64 && static_cast<size_t>(prefix + width) <= avail) {
    r.Skip(static_cast<size_t>(prefix + width));
    *out = SignExtend((w << prefix) >> (64 - width), width);
    return true;
  }
  // 64-bit values, and the truncated or last bits of the chunk.
  return ReadSignedSlow(r, b, out);
}

void PutVarint(BitWriter& w, int64_t x) {
  uint64_t ux = static_cast<uint64_t>(x) << 1;
  if (x < 0) ux = ~ux;
  while (ux >= 0x80) {
    w.WriteByte(static_cast<uint8_t>(ux) | 0x80);
    ux >>= 7;
  }
  w.WriteByte(static_cast<uint8_t>(ux));
}

bool GetVarint(BitReader& r, int64_t* out) {
  uint64_t x = 0;
  unsigned s = 0;
  for (int i = 0; i < 10; ++i) {
    uint8_t b;
    if (!r.ReadByte(&b)) return false;
    if (b < 0x80) {
      x |= uint64_t{b} << s;
      int64_t v = static_cast<int64_t>(x >> 1);
      *out = (x & 1) ? ~v : v;
      return true;
    }
    x |= uint64_t{static_cast<uint8_t>(b & 0x7f)} << s;
    s += 7;
  }
  return false;
}

// The smallest k for which every value is an exact integer / 10^k.
int FindScale(std::span<const storage::Sample> s, std::vector<int64_t>* ints) {
  for (int k = 0; k <= 4; ++k) {
    ints->clear();
    bool ok = true;
    for (const auto& smp : s) {
      double x = smp.v * kPow10[k];
      if (!std::isfinite(x) || std::fabs(x) >= static_cast<double>(kMaxExact)) {
        ok = false;
        break;
      }
      int64_t r = std::llround(x);
      double back = static_cast<double>(r) / kPow10[k];
      if (std::bit_cast<uint64_t>(back) != std::bit_cast<uint64_t>(smp.v)) {
        ok = false;
        break;
      }
      ints->push_back(r);
    }
    if (ok) return k;
  }
  return -1;
}

void Encode(std::span<const storage::Sample> s, const std::vector<int64_t>& ints, int scale,
            bool dod_values, std::vector<uint8_t>* out) {
  out->assign(3, 0);
  (*out)[0] = static_cast<uint8_t>(s.size() >> 8);
  (*out)[1] = static_cast<uint8_t>(s.size());
  (*out)[2] = static_cast<uint8_t>(scale | (dod_values ? 0x80 : 0));
  BitWriter w(out, 0);
  int64_t t_delta = 0, v_delta = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 0) {
      PutVarint(w, s[0].t);
      PutVarint(w, ints[0]);
      continue;
    }
    int64_t td = s[i].t - s[i - 1].t;
    int64_t vd = ints[i] - ints[i - 1];
    if (i == 1) {
      PutVarint(w, td);
      WriteSigned(w, vd, kValueBuckets);
    } else {
      WriteSigned(w, td - t_delta, kTimeBuckets);
      WriteSigned(w, dod_values ? vd - v_delta : vd, kValueBuckets);
    }
    t_delta = td;
    v_delta = vd;
  }
}
}  // namespace

bool EncodeScaledInt(std::span<const storage::Sample> samples, std::vector<uint8_t>* out) {
  if (samples.empty() || samples.size() > 65535) return false;
  std::vector<int64_t> ints;
  int scale = FindScale(samples, &ints);
  if (scale < 0) return false;
  // Deltas suit gauges, deltas of deltas steady counters: keep the smaller.
  std::vector<uint8_t> by_dod;
  Encode(samples, ints, scale, false, out);
  Encode(samples, ints, scale, true, &by_dod);
  if (by_dod.size() < out->size()) out->swap(by_dod);
  return true;
}

void ScaledIntIterator::Reset(std::span<const uint8_t> b) {
  *this = ScaledIntIterator();
  if (b.size() < 3) return;
  total_ = static_cast<uint16_t>((b[0] << 8) | b[1]);
  scale_ = b[2] & 0x7f;
  dod_values_ = (b[2] & 0x80) != 0;
  if (scale_ > 4) {
    Fail();
    return;
  }
  br_ = BitReader(b.data() + 3, b.size() - 3);
}

bool ScaledIntIterator::Fail() {
  err_ = done_ = true;
  return false;
}

// Next()'s body, inlined into AppendRange's loop.
[[gnu::always_inline]] inline bool ScaledIntIterator::Step() {
  if (done_) return false;
  if (read_ >= total_) {
    done_ = true;
    return false;
  }
  if (read_ == 0) {
    if (!GetVarint(br_, &t_) || !GetVarint(br_, &v_)) return Fail();
  } else if (read_ == 1) {
    int64_t vd;
    if (!GetVarint(br_, &t_delta_) || !ReadSigned(br_, kValueBuckets, &vd)) return Fail();
    t_ += t_delta_;
    v_delta_ = vd;
    v_ += vd;
  } else {
    int64_t dod, vx;
    if (!ReadSigned(br_, kTimeBuckets, &dod) || !ReadSigned(br_, kValueBuckets, &vx)) return Fail();
    t_delta_ += dod;
    t_ += t_delta_;
    v_delta_ = dod_values_ ? v_delta_ + vx : vx;
    v_ += v_delta_;
  }
  value_ = static_cast<double>(v_) / kPow10[scale_];
  ++read_;
  return true;
}

bool ScaledIntIterator::Next() { return Step(); }

bool ScaledIntIterator::Seek(TimestampMs t) {
  if (done_) return false;
  if (read_ > 0 && t_ >= t) return true;
  while (Next()) {
    if (t_ >= t) return true;
  }
  return false;
}

void ScaledIntIterator::AppendRange(int64_t mint, int64_t maxt, std::vector<storage::Sample>* out) {
  // The first two samples (and a chunk that failed already) through Step().
  while (read_ < 2 || done_) {
    if (!Step()) return;
    if (t_ > maxt) return;
    if (t_ >= mint) out->push_back({t_, value_});
  }
  out->reserve(out->size() + (total_ - read_));
  // Step()'s third case on local copies of the state, which the compiler keeps in registers
  // (stores to `out` could alias the members).
  BitReader br = br_;
  int64_t t = t_, t_delta = t_delta_, v = v_, v_delta = v_delta_;
  uint16_t read = read_;
  const double div = kPow10[scale_];
  const bool dod_values = dod_values_;
  bool ok = true;
  while (read < total_) {
    int64_t dod, vx;
    if (!ReadSigned(br, kTimeBuckets, &dod) || !ReadSigned(br, kValueBuckets, &vx)) {
      ok = false;
      break;
    }
    t_delta += dod;
    t += t_delta;
    v_delta = dod_values ? v_delta + vx : vx;
    v += v_delta;
    ++read;
    if (t > maxt) break;
    if (t >= mint) out->push_back({t, static_cast<double>(v) / div});
  }
  br_ = br;
  t_ = t;
  t_delta_ = t_delta;
  v_ = v;
  v_delta_ = v_delta;
  read_ = read;
  value_ = static_cast<double>(v) / div;
  if (!ok) Fail();
}

Status ScaledIntIterator::Err() const {
  if (err_) return Corruption("scaled-int chunk: truncated or corrupt bit stream");
  return OkStatus();
}

}  // namespace vigie::tsdb::chunkenc
