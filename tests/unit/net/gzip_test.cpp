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
