#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "storage/value.h"
#include "tsdb/chunkenc/xor.h"
#include "unit/tsdb/chunk_iterator_check.h"

namespace vigie::tsdb::chunkenc {
namespace {

struct S {
  int64_t t;
  double v;
};

std::vector<uint8_t> Encode(const std::vector<S>& in) {
  std::vector<uint8_t> buf;
  XorAppendState st;
  XorInit(&buf, &st);
  for (const auto& s : in) XorAppend(&buf, &st, s.t, s.v);
  return buf;
}

void ExpectRoundTrip(const std::vector<S>& in) {
  auto buf = Encode(in);
  EXPECT_EQ(XorNumSamples(buf), in.size());
  XorIterator it(buf);
  for (const auto& s : in) {
    ASSERT_TRUE(it.Next());
    EXPECT_EQ(it.At().t, s.t);
    EXPECT_EQ(std::bit_cast<uint64_t>(it.At().v), std::bit_cast<uint64_t>(s.v));
  }
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.Err().ok());
}

TEST(XorChunk, KnownBytesForTwoSamples) {
  // count=2 | varint(zigzag(1000))=0xd0 0x0f | bits(1.0) | uvarint(15000)=0x98 0x75 | '0'
  auto buf = Encode({{1000, 1.0}, {16000, 1.0}});
  std::vector<uint8_t> want = {0x00, 0x02, 0xd0, 0x0f, 0x3f, 0xf0, 0,   0,
                               0,    0,    0,    0,    0x98, 0x75, 0x00};
  EXPECT_EQ(buf, want);
}

TEST(XorChunk, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  ExpectRoundTrip({{0, std::nan("")},
                   {1, storage::kStaleNaN},
                   {2, inf},
                   {3, -inf},
                   {4, 0.0},
                   {5, -0.0},
                   {6, storage::kStaleNaN},
                   {7, std::numeric_limits<double>::denorm_min()},
                   {8, std::numeric_limits<double>::max()},
                   {9, -1.5}});
  auto buf = Encode({{5, storage::kStaleNaN}, {6, 1}, {7, storage::kStaleNaN}});
  XorIterator it(buf);
  ASSERT_TRUE(it.Next());
  EXPECT_TRUE(storage::IsStaleNaN(it.At().v));
  ASSERT_TRUE(it.Next());
  ASSERT_TRUE(it.Next());
  EXPECT_TRUE(storage::IsStaleNaN(it.At().v));
}

TEST(XorChunk, TimestampBuckets) {
  // Deltas-of-delta hitting every bucket, negative ones and bucket edges.
  std::vector<int64_t> dods = {0,
                               1,
                               -1,
                               8192,
                               -8191,
                               8193,
                               65536,
                               -65535,
                               65537,
                               524288,
                               -524287,
                               524289,
                               int64_t{1} << 40,
                               -(int64_t{1} << 40)};
  std::vector<S> in = {{-5000, 1}, {1000, 2}};
  int64_t delta = 6000;
  for (int64_t d : dods) {
    delta += d;
    if (delta <= 0) delta = 1;
    in.push_back({in.back().t + delta, static_cast<double>(in.size())});
  }
  ExpectRoundTrip(in);
}

TEST(XorChunk, RandomRoundTrips) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<S> in;
    int64_t t = static_cast<int64_t>(rng() % 2000000000000ULL) - 1000000000000LL;
    double v = 0;
    int n = 1 + static_cast<int>(rng() % 240);
    for (int i = 0; i < n; ++i) {
      switch (rng() % 4) {
        case 0:
          t += 15000;
          break;
        case 1:
          t += 15000 + static_cast<int64_t>(rng() % 200) - 100;
          break;
        case 2:
          t += 1 + static_cast<int64_t>(rng() % 100000000);
          break;
        default:
          t += 1;
          break;
      }
      switch (rng() % 5) {
        case 0:
          break;
        case 1:
          v += static_cast<double>(rng() % 10);
          break;
        case 2:
          v = std::bit_cast<double>(rng());
          break;
        case 3:
          v = static_cast<double>(rng() % 1000) / 7.0;
          break;
        default:
          v = -v;
          break;
      }
      in.push_back({t, v});
    }
    ExpectRoundTrip(in);
  }
}

TEST(XorChunk, SeekNeverGoesBack) {
  std::vector<S> in;
  for (int i = 0; i < 120; ++i) in.push_back({i * 10, static_cast<double>(i)});
  auto buf = Encode(in);
  XorIterator it(buf);
  ASSERT_TRUE(it.Seek(55));
  EXPECT_EQ(it.At().t, 60);
  ASSERT_TRUE(it.Seek(10));
  EXPECT_EQ(it.At().t, 60);
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.At().t, 70);
  EXPECT_FALSE(it.Seek(5000));
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.Err().ok());
}

TEST(XorChunk, RecoverStateContinuesIdentically) {
  std::mt19937_64 rng(7);
  std::vector<S> in;
  int64_t t = 1000;
  for (int i = 0; i < 100; ++i) {
    t += 15000 + static_cast<int64_t>(rng() % 50);
    in.push_back({t, static_cast<double>(rng() % 100) * 0.25});
  }
  auto full = Encode(in);
  std::vector<S> first(in.begin(), in.begin() + 37);
  auto part = Encode(first);
  XorAppendState st;
  ASSERT_TRUE(XorRecoverState(part, &st));
  for (size_t i = 37; i < in.size(); ++i) XorAppend(&part, &st, in[i].t, in[i].v);
  EXPECT_EQ(part, full);
}

TEST(XorChunk, TruncatedBytesAreAnErrorNotACrash) {
  std::vector<S> in;
  for (int i = 0; i < 50; ++i) in.push_back({i * 1000 + (i % 3), i * 1.1});
  auto buf = Encode(in);
  for (size_t cut = 2; cut < buf.size(); ++cut) {  // <2 bytes reads as an empty chunk
    std::vector<uint8_t> b(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(cut));
    XorIterator it(b);
    int n = 0;
    while (it.Next()) ++n;
    if (cut < buf.size() - 1) {
      EXPECT_FALSE(it.Err().ok()) << "cut=" << cut << " n=" << n;
    }
  }
}

// AppendRange yields exactly what Next() does, also on truncated bytes.
TEST(XorChunk, AppendRangeMatchesNext) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 300; ++round) {
    std::vector<S> in;
    int64_t t = static_cast<int64_t>(rng() % 1000000000000ULL);
    const int n = 1 + static_cast<int>(rng() % 150);
    for (int i = 0; i < n; ++i) {
      t += 1 + static_cast<int64_t>(rng() % (uint64_t{1} << (rng() % 24)));
      double v = rng() % 4 == 0 ? std::bit_cast<double>(rng()) : (rng() % 1000) * 0.1;
      in.push_back({t, v});
    }
    auto buf = Encode(in);
    for (size_t cut : {buf.size(), buf.size() - 1, buf.size() / 2, size_t{3}}) {
      if (cut < 2 || cut > buf.size()) continue;
      std::span<const uint8_t> b(buf.data(), cut);
      const int64_t mint = in[rng() % in.size()].t - 1, maxt = mint + (int64_t{1} << 26);
      XorIterator a(b), c(b);
      ExpectAppendRangeMatchesNext(a, c, mint, maxt,
                                   std::to_string(round) + " cut " + std::to_string(cut));
    }
  }
}

}  // namespace
}  // namespace vigie::tsdb::chunkenc
