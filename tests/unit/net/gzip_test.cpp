#include "net/gzip.h"

#include <gtest/gtest.h>

namespace vigie::net {
namespace {

std::string Payload(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i)
    s += "node_cpu_seconds_total{cpu=\"" + std::to_string(i % 8) + "\"} 1\n";
  s.resize(n);
  return s;
}

TEST(Gzip, RoundTrip) {
  std::string data = Payload(100000);
  std::string z = GzipCompress(data);
  EXPECT_LT(z.size(), data.size() / 4);
  EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x1f);
  auto back = GzipDecompress(z, 1 << 20);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, data);
  EXPECT_EQ(*GzipDecompress(GzipCompress(""), 10), "");
}

// Whole-body compression at every level, on compressible text and on random bytes (which do
// not compress and so test the output room), appended after existing bytes.
TEST(Gzip, CompressWholeEveryLevelRoundTrips) {
  std::string random(300000, '\0');
  uint64_t x = 88172645463325252ULL;
  for (char& c : random) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  for (const std::string& data : {Payload(200000), random, std::string("x")}) {
    for (int level : {1, 2, 5, 6, 9}) {
      GzipEncoder enc(level);
      std::string out = "prefix";
      enc.CompressWhole(data, &out);
      ASSERT_EQ(out.substr(0, 6), "prefix");
      auto back = GzipDecompress(std::string_view(out).substr(6), 1 << 20);
      ASSERT_TRUE(back.ok()) << "level " << level << ": " << back.error().message();
      EXPECT_EQ(*back, data) << "level " << level;
    }
  }
}

TEST(Gzip, LimitStopsBombs) {
  std::string z = GzipCompress(std::string(10 << 20, 'a'));
  auto r = GzipDecompress(z, 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
}

TEST(Gzip, CorruptAndTruncated) {
  std::string z = GzipCompress(Payload(5000));
  EXPECT_EQ(GzipDecompress(z.substr(0, z.size() / 2), 1 << 20).error().code(),
            ErrorCode::kCorruption);
  EXPECT_FALSE(GzipDecompress("not gzip at all", 1 << 20).ok());
}

TEST(Gzip, StreamingFlushIsDecodableIncrementally) {
  GzipEncoder enc(1);
  GzipDecoder dec(1 << 20);
  std::string decoded;
  for (int i = 0; i < 5; ++i) {
    std::string piece = "line " + std::to_string(i) + "\n";
    std::string out;
    enc.Write(piece, true, &out);
    ASSERT_TRUE(dec.Feed(out, &decoded).ok());
    EXPECT_EQ(decoded.substr(decoded.size() - piece.size()), piece);  // available right away
  }
  std::string tail;
  enc.Finish(&tail);
  ASSERT_TRUE(dec.Feed(tail, &decoded).ok());
  EXPECT_TRUE(dec.done());
}

TEST(Gzip, ConcatenatedMembers) {
  std::string z = GzipCompress("abc") + GzipCompress("def");
  EXPECT_EQ(*GzipDecompress(z, 100), "abcdef");
}

}  // namespace
}  // namespace vigie::net
