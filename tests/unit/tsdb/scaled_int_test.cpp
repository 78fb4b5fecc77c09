#include "tsdb/chunkenc/scaled_int.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>

#include "storage/list_series.h"
#include "storage/value.h"
#include "tsdb/block.h"
#include "tsdb/chunkenc/xor.h"
#include "unit/tsdb/chunk_iterator_check.h"

namespace vigie::tsdb::chunkenc {
namespace {

using storage::Sample;

void ExpectRoundTrip(const std::vector<Sample>& in) {
  std::vector<uint8_t> buf;
  ASSERT_TRUE(EncodeScaledInt(in, &buf));
  ScaledIntIterator it;
  it.Reset(buf);
  for (const auto& s : in) {
    ASSERT_TRUE(it.Next());
    EXPECT_EQ(it.At().t, s.t);
    EXPECT_EQ(std::bit_cast<uint64_t>(it.At().v), std::bit_cast<uint64_t>(s.v)) << s.v;
  }
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.Err().ok());
}

TEST(ScaledInt, RoundTripsIntegersAndDecimals) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 200; ++round) {
    int scale = static_cast<int>(rng() % 5);
    double div = std::pow(10.0, scale);
    std::vector<Sample> in;
    int64_t t = static_cast<int64_t>(rng() % 1000000000000ULL);
    int64_t ticks = static_cast<int64_t>(rng() % 100000000) - 50000000;
    int n = 1 + static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) {
      t += (rng() % 3 == 0) ? 15000 + static_cast<int64_t>(rng() % 9) - 4
                            : 1 + static_cast<int64_t>(rng() % 5000000);
      switch (rng() % 4) {
        case 0:
          ticks += static_cast<int64_t>(rng() % 1000);
          break;
        case 1:
          ticks -= static_cast<int64_t>(rng() % 100000);
          break;
        case 2:
          ticks = static_cast<int64_t>(rng() % (int64_t{1} << 50));
          break;
        default:
          break;
      }
      in.push_back({t, static_cast<double>(ticks) / div});
    }
    ExpectRoundTrip(in);
  }
}

TEST(ScaledInt, RefusesValuesItCannotRepresent) {
  std::vector<uint8_t> buf;
  EXPECT_FALSE(EncodeScaledInt(std::vector<Sample>{{1, 0.1234567}}, &buf));
  EXPECT_FALSE(EncodeScaledInt(std::vector<Sample>{{1, 1}, {2, std::nan("")}}, &buf));
  EXPECT_FALSE(EncodeScaledInt(std::vector<Sample>{{1, storage::kStaleNaN}}, &buf));
  EXPECT_FALSE(EncodeScaledInt(std::vector<Sample>{{1, INFINITY}}, &buf));
  EXPECT_FALSE(EncodeScaledInt(std::vector<Sample>{{1, -0.0}}, &buf));
  EXPECT_FALSE(EncodeScaledInt(std::vector<Sample>{{1, 1e300}}, &buf));
  EXPECT_TRUE(EncodeScaledInt(std::vector<Sample>{{1, 63961.88}, {2, 0.0}, {3, -5}}, &buf));
}

TEST(ScaledInt, SmallerThanXorForTypicalCounters) {
  std::vector<Sample> in;
  std::vector<uint8_t> xbuf, sbuf;
  XorAppendState st;
  XorInit(&xbuf, &st);
  int64_t ticks = 670487915;
  for (int i = 0; i < 120; ++i) {
    ticks += 1100 + (i * 37) % 300;
    Sample s{1700000000000 + i * 15000 + (i * 7) % 5, static_cast<double>(ticks) / 100};
    in.push_back(s);
    XorAppend(&xbuf, &st, s.t, s.v);
  }
  ASSERT_TRUE(EncodeScaledInt(in, &sbuf));
  EXPECT_LT(sbuf.size() * 2, xbuf.size());
}

TEST(ScaledInt, TruncatedIsAnError) {
  std::vector<Sample> in;
  for (int i = 0; i < 60; ++i) in.push_back({i * 1000 + i % 3, static_cast<double>(i * i)});
  std::vector<uint8_t> buf;
  ASSERT_TRUE(EncodeScaledInt(in, &buf));
  for (size_t cut = 3; cut + 1 < buf.size(); ++cut) {
    std::vector<uint8_t> b(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(cut));
    ScaledIntIterator it;
    it.Reset(b);
    while (it.Next()) {
    }
    EXPECT_FALSE(it.Err().ok()) << cut;
  }
}

TEST(ScaledInt, BlocksMixEncodingsAndReadBack) {
  auto fs = fs::NewMemory();
  std::vector<std::unique_ptr<storage::Series>> series;
  std::vector<Sample> ints, floats;
  for (int i = 0; i < 500; ++i) {
    ints.push_back({i * 15000, static_cast<double>(i * 3)});
    floats.push_back({i * 15000, std::sqrt(static_cast<double>(i))});
  }
  floats[250].v = storage::kStaleNaN;
  series.push_back(std::make_unique<storage::ListSeries>(Labels{{"__name__", "a"}}, floats));
  series.push_back(std::make_unique<storage::ListSeries>(Labels{{"__name__", "b"}}, ints));
  auto set = storage::NewListSeriesSet(std::move(series));
  auto meta = WriteBlock(*fs, "/blocks", 0, 500 * 15000, *set, BlockWriteOptions{});
  ASSERT_TRUE(meta.ok()) << meta.error().message();
  auto b = Block::Open(*fs, "/blocks/" + meta->ulid);
  ASSERT_TRUE(b.ok());
  auto q = (*b)->NewQuerier(0, 500 * 15000);
  auto all = storage::ReadAll(*(*q)->Select(true, nullptr, {}));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  for (size_t i = 0; i < 500; ++i) {
    EXPECT_EQ(std::bit_cast<uint64_t>((*all)[0].samples()[i].v),
              std::bit_cast<uint64_t>(floats[i].v));
    EXPECT_EQ((*all)[1].samples()[i].v, ints[i].v);
  }
  // Seek across chunks of the scaled-int series.
  auto q2 = (*b)->NewQuerier(0, 500 * 15000);
  auto set2 = (*q2)->Select(true, nullptr, {});
  ASSERT_TRUE(set2->Next());
  ASSERT_TRUE(set2->Next());
  auto it = set2->At().Iterator();
  ASSERT_TRUE(it->Seek(300 * 15000 + 1));
  EXPECT_EQ(it->At().t, 301 * 15000);
  EXPECT_EQ(it->At().v, 903);
}

// AppendRange (the bulk decoder queries use) yields exactly what Next() does, for every range,
// every bucket width, and on truncated bytes (the same samples, then the same error).
TEST(ScaledInt, AppendRangeMatchesNext) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::vector<Sample> in;
    int64_t t = static_cast<int64_t>(rng() % 1000000000000ULL);
    int64_t v = 0;
    const int n = 1 + static_cast<int>(rng() % 150);
    for (int i = 0; i < n; ++i) {
      // Jitter and value steps from 0 up to 40 bits, so every bucket occurs.
      t += 15000 + static_cast<int64_t>(rng() % (uint64_t{1} << (rng() % 22)));
      v += static_cast<int64_t>(rng() % (uint64_t{1} << (rng() % 41))) - (1 << 20);
      in.push_back({t, static_cast<double>(v) / 100});
    }
    std::vector<uint8_t> buf;
    ASSERT_TRUE(EncodeScaledInt(in, &buf));
    for (size_t cut : {buf.size(), buf.size() - 1, buf.size() / 2, size_t{4}}) {
      if (cut < 3 || cut > buf.size()) continue;
      std::span<const uint8_t> b(buf.data(), cut);
      const int64_t mint = in[rng() % in.size()].t - 1, maxt = mint + 30 * 15000;
      ScaledIntIterator a, c;
      a.Reset(b);
      c.Reset(b);
      ExpectAppendRangeMatchesNext(a, c, mint, maxt,
                                   std::to_string(round) + " cut " + std::to_string(cut));
    }
  }
}

}  // namespace
}  // namespace vigie::tsdb::chunkenc
