#include "net/params.h"

#include <gtest/gtest.h>

#include "net/address.h"
#include "net/headers.h"
#include "net/http_message.h"

namespace vigie::net {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlus) {
  EXPECT_EQ(*PercentDecode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(*PercentDecode("a+b"), "a+b");
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
  EXPECT_EQ(*PercentDecode("%e2%82%AC"), "\xe2\x82\xac");
}

TEST(PercentDecode, RejectsBadEscapesNamingOffset) {
  for (const char* bad : {"%", "%2", "a%zz", "%g0"}) {
    auto r = PercentDecode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("offset"), std::string::npos) << r.error().message();
  }
}

TEST(PercentEncode, RoundTrips) {
  std::string raw = "up{job=\"a b\"}/&=+%~._-";
  std::string enc = PercentEncode(raw);
  EXPECT_EQ(enc.find_first_of(" {}\"/&=+"), std::string::npos) << enc;
  EXPECT_EQ(*PercentDecode(enc), raw);
}

TEST(ParseUrlEncoded, KeepsRepeatedKeysInOrder) {
  Params p;
  ASSERT_TRUE(ParseUrlEncoded("match[]=up&query=rate(x%5B5m%5D)&match[]=down&&flag&e=", &p).ok());
  ASSERT_EQ(p.size(), 5u);
  auto m = p.GetAll("match[]");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], "up");
  EXPECT_EQ(m[1], "down");
  EXPECT_EQ(p.GetOr("query"), "rate(x[5m])");
  EXPECT_TRUE(p.Has("flag"));
  EXPECT_EQ(p.GetOr("flag", "x"), "");
  EXPECT_EQ(p.GetOr("e", "x"), "");
  EXPECT_FALSE(p.Has("missing"));
}

TEST(ParseUrlEncoded, ErrorNamesTheParameter) {
  Params p;
  Status st = ParseUrlEncoded("a=1&query=%ZZ", &p);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("query"), std::string::npos) << st.error().message();
  EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument);
}

TEST(EncodeUrlEncoded, RoundTrips) {
  Params p;
  p.Add("match[]", "up{a=\"1\"}");
  p.Add("match[]", "x y");
  p.Add("time", "1.5");
  Params back;
  ASSERT_TRUE(ParseUrlEncoded(EncodeUrlEncoded(p), &back).ok());
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back.GetAll("match[]")[1], "x y");
}

TEST(Headers, CaseInsensitiveAndOrdered) {
  Headers h;
  h.Add("Content-Type", "text/plain");
  h.Add("X-A", "1");
  h.Add("x-a", "2");
  EXPECT_EQ(h.GetOr("content-type"), "text/plain");
  EXPECT_EQ(h.GetAll("X-a").size(), 2u);
  h.Set("X-A", "3");
  EXPECT_EQ(h.GetAll("x-a").size(), 1u);
  EXPECT_EQ(h.GetOr("x-a"), "3");
  h.Remove("CONTENT-TYPE");
  EXPECT_FALSE(h.Has("Content-Type"));
}

TEST(HeaderHasToken, HonoursQualityZero) {
  EXPECT_TRUE(HeaderHasToken("gzip", "gzip"));
  EXPECT_TRUE(HeaderHasToken("deflate, GZIP;q=0.5", "gzip"));
  EXPECT_FALSE(HeaderHasToken("deflate, gzip;q=0", "gzip"));
  EXPECT_FALSE(HeaderHasToken("gzip;q=0.000", "gzip"));
  EXPECT_FALSE(HeaderHasToken("xgzip, br", "gzip"));
}

TEST(RequestForm, BodyFirstThenQuery) {
  Request r;
  r.method = "POST";
  r.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body = "query=up&match[]=b";
  ASSERT_TRUE(ParseUrlEncoded("query=down&match[]=a", &r.query).ok());
  auto form = r.Form();
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(form->GetOr("query"), "up");
  auto m = form->GetAll("match[]");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], "b");
  EXPECT_EQ(m[1], "a");

  r.body = "query=%";
  EXPECT_FALSE(r.Form().ok());
  r.method = "GET";  // GET bodies are not forms
  EXPECT_EQ(r.Form()->GetOr("query"), "down");
}

TEST(ListenAddress, Forms) {
  auto a = ParseListenAddress("127.0.0.1:9090");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9090);
  a = ParseListenAddress("[::1]:80");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "::1");
  a = ParseListenAddress(":0");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "");
  EXPECT_EQ(a->port, 0);
  a = ParseListenAddress("unix:/tmp/x.sock");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->is_unix());
  for (const char* bad : {"localhost", "1.2.3.4:99999", "::1:80", "[::1", "host:x", "unix:"}) {
    auto r = ParseListenAddress(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find(bad), std::string::npos) << r.error().message();
  }
}

TEST(Url, Forms) {
  auto u = ParseUrl("http://example.com/metrics?x=1#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/metrics?x=1");
  EXPECT_EQ(u->HostHeader(), "example.com");
  u = ParseUrl("http://[::1]:9100");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->HostHeader(), "[::1]:9100");
  u = ParseUrl("http+unix://%2Fvar%2Frun%2Fdocker.sock/v1.41/info");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->unix_path, "/var/run/docker.sock");
  EXPECT_EQ(u->target, "/v1.41/info");
  EXPECT_EQ(ParseUrl("https://x/").error().code(), ErrorCode::kUnimplemented);
  EXPECT_FALSE(ParseUrl("ftp://x/").ok());
  EXPECT_FALSE(ParseUrl("http:///x").ok());
  EXPECT_FALSE(ParseUrl("http://h:99999/").ok());
}

}  // namespace
}  // namespace vigie::net
