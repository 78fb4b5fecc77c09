// The client against well-behaved and broken peers.
#include <gtest/gtest.h>

#include <thread>

#include "net/gzip.h"
#include "net/http_client.h"
#include "test_util.h"

namespace vigie::net {
namespace {

using std::chrono::milliseconds;
using test::RawServer;

int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

void Reply(int fd, std::string_view text) { test::RawSend(fd, text); }

TEST(HttpClient, ConnectionRefusedNamesUrl) {
  HttpClient c;
  std::string url = "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/metrics";
  auto r = c.Get(url);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message(), "GET " + url + ": connection refused");
}

TEST(HttpClient, BadUrl) {
  HttpClient c;
  auto r = c.Get("localhost:9090/metrics");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST(HttpClient, ResponseTooLarge) {
  RawServer srv([](int fd) {
    RawServer::ReadHead(fd);
    Reply(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + std::string(10000, 'a'));
  });
  ClientOptions o;
  o.max_response_bytes = 1000;
  HttpClient c(o);
  auto r = c.Get(srv.url("/metrics"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(r.error().message().find("exceeds the limit of 1000 bytes"), std::string::npos)
      << r.error().message();
}

TEST(HttpClient, ChunkedResponseTooLarge) {
  RawServer chunked([](int fd) {
    RawServer::ReadHead(fd);
    std::string resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 20; ++i) resp += "100\r\n" + std::string(256, 'c') + "\r\n";
    Reply(fd, resp + "0\r\n\r\n");
  });
  ClientOptions o;
  o.max_response_bytes = 1000;
  HttpClient c(o);
  auto r = c.Get(chunked.url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
}

TEST(HttpClient, DecodesGzipAndChunked) {
  std::string plain;
  for (int i = 0; i < 2000; ++i) plain += "metric_" + std::to_string(i) + " 1\n";
  std::string z = GzipCompress(plain);
  RawServer srv([&](int fd) {
    std::string head = RawServer::ReadHead(fd);
    EXPECT_NE(head.find("Accept-Encoding: gzip"), std::string::npos);
    std::string resp =
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n";
    for (size_t off = 0; off < z.size(); off += 1000) {
      std::string piece = z.substr(off, 1000);
      char size[16];
      snprintf(size, sizeof(size), "%zx\r\n", piece.size());
      resp += size + piece + "\r\n";
    }
    Reply(fd, resp + "0\r\n\r\n");
  });
  HttpClient c;
  auto r = c.Get(srv.url());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, plain);
  EXPECT_FALSE(r->headers.Has("Content-Encoding"));

  ClientOptions small;
  small.max_response_bytes = 1000;  // the decoded size counts
  HttpClient limited(small);
  auto big = limited.Get(srv.url());
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
}

TEST(HttpClient, MalformedResponse) {
  RawServer srv([](int fd) {
    RawServer::ReadHead(fd);
    Reply(fd, "SMTP ready\r\n\r\n");
  });
  HttpClient c;
  auto r = c.Get(srv.url("/x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("malformed response"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find(srv.url("/x")), std::string::npos);
}

TEST(HttpClient, TruncatedResponse) {
  RawServer srv([](int fd) {
    RawServer::ReadHead(fd);
    Reply(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
  });
  HttpClient c;
  auto r = c.Get(srv.url());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("before the response was complete"), std::string::npos)
      << r.error().message();
}

TEST(HttpClient, CloseDelimitedBody) {
  RawServer srv([](int fd) {
    RawServer::ReadHead(fd);
    Reply(fd, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
  });
  HttpClient c;
  auto r = c.Get(srv.url());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "all of it");
  EXPECT_EQ(c.idle_connections(), 0u);
}

TEST(HttpClient, StaleIdleConnectionIsReplaced) {
  ServerOptions o;
  o.idle_timeout = milliseconds(100);
  auto srv = test::StartServer(
      o, [](Router& r) { r.Get("/", [](const Request&, Response& res) { res.Set(200, "ok"); }); });
  HttpClient c;
  ASSERT_EQ(c.Get(test::BaseUrl(*srv) + "/")->body, "ok");
  std::this_thread::sleep_for(milliseconds(400));  // the server closes the idle connection
  auto r = c.Get(test::BaseUrl(*srv) + "/");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(c.connections_opened(), 2u);
}

TEST(HttpClient, CancelStopsASilentStream) {
  RawServer srv([](int fd) {
    RawServer::ReadHead(fd);
    Reply(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\n");
    test::RawReadAll(fd, milliseconds(3000));  // then silence until the client leaves
  });
  HttpClient c;
  CancelSignal cancel;
  ClientRequest req;
  req.url = srv.url("/events");
  req.cancel = &cancel;
  std::string got;
  Status st = c.Stream(req, {nullptr, [&](std::string_view d) {
                               got += d;
                               cancel.Set();  // e.g. set by another thread at shutdown
                               return true;
                             }});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kCanceled);
  EXPECT_EQ(got, "hello\n");
}

// A wait with no deadline sleeps until data or cancellation (no periodic look at a flag):
// cancelling from another thread must still end it at once. Were the signal's descriptor not
// waited on, the wait would last until the server gives up after 30 s and end otherwise.
TEST(HttpClient, CancelWakesASilentStream) {
  RawServer srv([](int fd) {
    RawServer::ReadHead(fd);
    Reply(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\n");
    test::RawReadAll(fd, milliseconds(30000));
  });
  HttpClient c;
  CancelSignal cancel;
  ASSERT_GE(cancel.fd(), 0);
  ClientRequest req;
  req.url = srv.url("/events");
  req.cancel = &cancel;
  std::thread canceller;
  Status st = c.Stream(req, {nullptr, [&](std::string_view) {
                               canceller = std::thread([&] {
                                 std::this_thread::sleep_for(milliseconds(50));
                                 cancel.Set();
                               });
                               return true;
                             }});
  canceller.join();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kCanceled);
}

TEST(HttpClient, StreamOnHeadCanRefuse) {
  RawServer srv([](int fd) {
    RawServer::ReadHead(fd);
    Reply(fd, "HTTP/1.1 500 Oops\r\nContent-Length: 3\r\n\r\nbad");
  });
  HttpClient c;
  ClientRequest req;
  req.url = srv.url();
  bool data_called = false;
  Status st = c.Stream(req, {[](int status, const Headers&) { return status == 200; },
                             [&](std::string_view) {
                               data_called = true;
                               return true;
                             }});
  EXPECT_TRUE(st.ok());
  EXPECT_FALSE(data_called);
}

TEST(HttpClient, ConnectTimeoutToBlackhole) {
  // A listener whose backlog is full does not complete new connections (SYNs are dropped).
  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
  ::listen(lfd, 0);
  int port = ntohs(a.sin_port);
  std::vector<int> fillers;
  for (int i = 0; i < 8; ++i) {
    int f = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(f, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    fillers.push_back(f);
  }
  ClientOptions o;
  o.connect_timeout = milliseconds(200);
  HttpClient c(o);
  auto r = c.Get("http://127.0.0.1:" + std::to_string(port) + "/");
  for (int f : fillers) ::close(f);
  ::close(lfd);
  ASSERT_FALSE(r.ok());
  // Either the SYN was dropped (timeout) or, on some kernels, accepted then reset.
  if (r.error().code() == ErrorCode::kTimeout) {
    EXPECT_NE(r.error().message().find("timed out after 200ms connecting"), std::string::npos)
        << r.error().message();
  }
}

}  // namespace
}  // namespace vigie::net
