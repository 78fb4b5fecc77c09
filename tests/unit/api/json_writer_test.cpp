// The JSON writer spells numbers, timestamps and strings exactly as Prometheus 2.42 does
// (expected strings taken from Go's strconv/encoding/json and Prometheus's jsonutil).
#include "api/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace vigie::api {
namespace {

std::string SampleValue(double v) {
  std::string s;
  AppendSampleValue(&s, v);
  return s;
}

std::string JsonNumber(double v) {
  std::string s;
  AppendJsonNumber(&s, v);
  return s;
}

std::string Ts(TimestampMs t) {
  std::string s;
  AppendTimestamp(&s, t);
  return s;
}

std::string Str(std::string_view in) {
  std::string s;
  AppendJsonString(&s, in);
  return s;
}

TEST(JsonWriterTest, SampleValuesLikeMarshalValue) {
  EXPECT_EQ(SampleValue(1), "1");
  EXPECT_EQ(SampleValue(0), "0");
  EXPECT_EQ(SampleValue(-0.0), "-0");
  EXPECT_EQ(SampleValue(0.1), "0.1");
  EXPECT_EQ(SampleValue(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(SampleValue(123456789.125), "123456789.125");
  EXPECT_EQ(SampleValue(1e20), "100000000000000000000");
  EXPECT_EQ(SampleValue(1e21), "1e+21");
  EXPECT_EQ(SampleValue(1.5e300), "1.5e+300");
  EXPECT_EQ(SampleValue(0.000001), "0.000001");
  EXPECT_EQ(SampleValue(1e-7), "1e-07");
  EXPECT_EQ(SampleValue(-2.5e-10), "-2.5e-10");
  EXPECT_EQ(SampleValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(SampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(SampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(SampleValue(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(SampleValue(5e-324), "5e-324");
}

TEST(JsonWriterTest, ScalarValuesUseFixedNotationAlways) {
  std::string s;
  AppendGoFloat(&s, 1e21, 'f');
  EXPECT_EQ(s, "1000000000000000000000");
  s.clear();
  AppendGoFloat(&s, 1e-7, 'f');
  EXPECT_EQ(s, "0.0000001");
}

TEST(JsonWriterTest, JsonNumbersLikeEncodingJson) {
  EXPECT_EQ(JsonNumber(0), "0");
  EXPECT_EQ(JsonNumber(0.5), "0.5");
  EXPECT_EQ(JsonNumber(0.001234), "0.001234");
  EXPECT_EQ(JsonNumber(1e-7), "1e-7");
  EXPECT_EQ(JsonNumber(1.25e-10), "1.25e-10");
  EXPECT_EQ(JsonNumber(1e21), "1e+21");
  EXPECT_EQ(JsonNumber(1435781451.781), "1435781451.781");
}

TEST(JsonWriterTest, TimestampsLikeMarshalTimestamp) {
  EXPECT_EQ(Ts(1435781451781), "1435781451.781");
  EXPECT_EQ(Ts(1435781451780), "1435781451.780");
  EXPECT_EQ(Ts(1435781451001), "1435781451.001");
  EXPECT_EQ(Ts(1435781451010), "1435781451.010");
  EXPECT_EQ(Ts(1435781451000), "1435781451");
  EXPECT_EQ(Ts(0), "0");
  EXPECT_EQ(Ts(-1500), "-1.500");
  EXPECT_EQ(Ts(-1000), "-1");
}

TEST(JsonWriterTest, StringsEscapedLikeGo) {
  EXPECT_EQ(Str("plain"), "\"plain\"");
  EXPECT_EQ(Str("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Str("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(Str(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(Str("\b\f"), "\"\\u0008\\u000c\"");
  EXPECT_EQ(Str("<a href=\"x\">&</a>"),
            "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\"");
  EXPECT_EQ(Str("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(Str("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"");
  // Invalid UTF-8: each bad byte becomes U+FFFD.
  EXPECT_EQ(Str("a\xff"
                "b\xc3"),
            "\"a\\ufffdb\\ufffd\"");
  EXPECT_EQ(Str("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
}

TEST(JsonWriterTest, GoTimes) {
  EXPECT_EQ(FormatGoTime(0), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatGoTime(1435781451781), "2015-07-01T20:10:51.781Z");
  EXPECT_EQ(FormatGoTime(1435781451780), "2015-07-01T20:10:51.78Z");
  EXPECT_EQ(FormatGoTime(1435781451000), "2015-07-01T20:10:51Z");
}

TEST(JsonWriterTest, StructureAndCommas) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.Uint(2);
  w.Bool(true);
  w.Null();
  w.EndArray();
  w.Key("b");
  w.LabelsObject(Labels{{"__name__", "up"}, {"job", "x"}});
  w.Key("c");
  w.BeginObject();
  w.EndObject();
  w.Key("d");
  w.BeginArray();
  w.Timestamp(1500);
  w.SampleValue(2);
  w.EndArray();
  w.EndObject();
  EXPECT_EQ(w.buffer(),
            R"({"a":[1,2,true,null],"b":{"__name__":"up","job":"x"},"c":{},"d":[1.500,"2"]})");
}

TEST(JsonWriterTest, StreamsThroughSinkInPieces) {
  std::vector<std::string> pieces;
  JsonWriter w(
      [&](std::string_view p) {
        pieces.emplace_back(p);
        return true;
      },
      16);
  w.BeginArray();
  for (int i = 0; i < 20; ++i) {
    w.BeginArray();
    w.Timestamp(i * 1000);
    w.SampleValue(i);
    w.EndArray();
  }
  w.EndArray();
  w.Flush();
  ASSERT_GT(pieces.size(), 3u);
  std::string joined;
  for (auto& p : pieces) joined += p;
  EXPECT_EQ(joined.substr(0, 20), R"([[0,"0"],[1,"1"],[2,)");
  EXPECT_EQ(joined.back(), ']');
  EXPECT_TRUE(w.flushed_any());
}

TEST(JsonWriterTest, SinkFailureIsReported) {
  JsonWriter w([](std::string_view) { return false; }, 1);
  w.BeginArray();
  w.Int(1);
  w.EndArray();
  EXPECT_TRUE(w.failed());
}

// The short-decimal fast path of AppendSampleValue must spell every value exactly as the
// general shortest-digits formatting (std::to_chars, Go's 'f' -1) does.
TEST(JsonWriterTest, ShortDecimalFastPathMatchesShortestFormatting) {
  auto general = [](double v) {
    std::string s;
    double a = std::fabs(v);
    AppendGoFloat(&s, v, a != 0 && (a < 1e-6 || a >= 1e21) ? 'e' : 'f');
    return s;
  };
  std::vector<double> values = {0.1 + 0.2,
                                1e15 - 0.5,
                                999999999999999.9,
                                999999999999999.0,
                                1e15,
                                1e-6,
                                1.0000000000000002e-6,
                                9.999999999999999e-7,
                                0.000123,
                                0.3,
                                2.675,
                                1.005,
                                1e14 + 0.01,
                                4503599627370495.5,
                                123.456789012345,
                                0.1234567890123456,
                                10136.308,
                                -5538.685,
                                99.99999999999999,
                                0.09999999999999999,
                                1234567.0000001};
  uint64_t x = 88172645463325252ULL;
  auto next = [&x] {  // xorshift64
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
  for (int i = 0; i < 200000; ++i) {
    // Short decimals of every size and scale, their neighbours, and arbitrary doubles.
    double d =
        static_cast<double>(next() % 10000000000000000ULL >> (next() % 50)) / pow10[next() % 13];
    values.push_back(d);
    values.push_back(-d);
    values.push_back(std::nextafter(d, 1e300));
    values.push_back(std::nextafter(d, 0.0));
    double r;
    uint64_t bits = next();
    std::memcpy(&r, &bits, sizeof r);
    values.push_back(r);
  }
  for (double v : values) {
    ASSERT_EQ(SampleValue(v), general(v)) << std::hexfloat << v;
  }
}

TEST(JsonWriterTest, SamplePairsLikeOneValueAtATime) {
  std::vector<storage::Sample> pts = {{1435781451781, 1}, {1435781451780, 0.1}, {-1500, -2.5e-10},
                                      {0, std::nan("")},  {1000, 1e21},         {1001, 10136.308}};
  for (int i = 0; i < 3000; ++i) pts.push_back({i * 15000 + 7, i * 0.001});
  JsonWriter fast;
  fast.SamplePairs(pts);
  JsonWriter slow;
  slow.BeginArray();
  for (const auto& p : pts) {
    slow.BeginArray();
    slow.Timestamp(p.t);
    slow.SampleValue(p.v);
    slow.EndArray();
  }
  slow.EndArray();
  EXPECT_EQ(fast.Take(), slow.Take());
  JsonWriter empty;
  empty.SamplePairs({});
  EXPECT_EQ(empty.Take(), "[]");
}

}  // namespace
}  // namespace vigie::api
