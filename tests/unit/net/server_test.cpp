// The server and the client together on 127.0.0.1 ephemeral ports (and a unix socket).
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "lib/temp_dir.h"
#include "net/gzip.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "test_util.h"

namespace vigie::net {
namespace {

using std::chrono::milliseconds;
using test::BaseUrl;
using test::RawConnect;
using test::RawReadAll;
using test::RawSend;
using test::StartServer;

// A latch a handler waits on (bounded, so a failing test cannot hang shutdown).
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> l(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool Wait(milliseconds max = milliseconds(10000)) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, max, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

void Echo(Router& r) {
  r.Get("/api/v1/label/{name}/values", [](const Request& req, Response& res) {
    std::string body = "name=" + std::string(req.PathParam("name"));
    for (auto m : req.query.GetAll("match[]")) body += " match=" + std::string(m);
    res.Set(200, body);
  });
  r.Get("/remote", [](const Request& req, Response& res) { res.Set(200, req.remote_address); });
  r.Get("/big", [](const Request&, Response& res) {
    std::string body;
    while (body.size() < 200000) body += "node_load1{instance=\"x\"} 0.5\n";
    res.Set(200, body);
  });
  r.Get("/big-raw", [](const Request&, Response& res) {
    res.Set(200, std::string(200000, 'z'), "text/plain");
    res.DisableCompression();
  });
  r.Get("/small", [](const Request&, Response& res) { res.Set(200, "tiny"); });
  r.Post("/echo", [](const Request& req, Response& res) { res.Set(200, req.body); });
  r.Post("/form", [](const Request& req, Response& res) {
    auto form = req.Form();
    if (!form.ok()) {
      res.Set(400, form.error().message());
      return;
    }
    std::string body;
    for (const auto& [k, v] : *form) body += k + "=" + v + ";";
    res.Set(200, body);
  });
  r.Get("/accept",
        [](const Request& req, Response& res) { res.Set(200, std::string(req.Accept())); });
  r.Get("/throw", [](const Request&, Response&) { throw std::runtime_error("boom"); });
}

TEST(HttpServer, RoutingParamsAndErrors) {
  auto srv = StartServer({}, Echo);
  HttpClient c;
  auto r = c.Get(BaseUrl(*srv) + "/api/v1/label/job/values?match[]=up&match[]=down%7Bx%7D");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "name=job match=up match=down{x}");
  r = c.Get(BaseUrl(*srv) + "/nowhere");
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("/nowhere"), std::string::npos);
  r = c.Post(BaseUrl(*srv) + "/small", "x", "text/plain");
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->headers.GetOr("Allow"), "GET, HEAD");
  r = c.Get(BaseUrl(*srv) + "/api/v1/label/job/values?match[]=%zz");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("query"), std::string::npos) << r->body;
  r = c.Get(BaseUrl(*srv) + "/static/../etc/passwd");
  EXPECT_EQ(r->status, 400);
  r = c.Get(BaseUrl(*srv) + "/throw");
  EXPECT_EQ(r->status, 500);
  ClientRequest accept;
  accept.url = BaseUrl(*srv) + "/accept";
  accept.headers.Add("Accept", "application/openmetrics-text;version=1.0.0");
  EXPECT_EQ(c.Do(accept)->body, "application/openmetrics-text;version=1.0.0");
}

TEST(HttpServer, HealthAndReady) {
  auto srv = StartServer({}, [](Router&) {});
  HttpClient c;
  EXPECT_EQ(c.Get(BaseUrl(*srv) + "/-/healthy")->status, 200);
  EXPECT_EQ(c.Get(BaseUrl(*srv) + "/-/ready")->status, 200);
  srv->SetReady(false);
  auto r = c.Get(BaseUrl(*srv) + "/-/ready");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "vigie is not ready.\n");
}

TEST(HttpServer, KeepAliveReusesOneConnection) {
  auto srv = StartServer({}, Echo);
  HttpClient c;
  std::string first;
  for (int i = 0; i < 20; ++i) {
    auto r = c.Get(BaseUrl(*srv) + "/remote");
    ASSERT_TRUE(r.ok());
    if (i == 0) first = r->body;
    EXPECT_EQ(r->body, first);  // same client port every time
  }
  EXPECT_EQ(c.connections_opened(), 1u);
  EXPECT_EQ(c.idle_connections(), 1u);
}

TEST(HttpServer, GzipWhenAcceptedAndWorthIt) {
  auto srv = StartServer({}, Echo);
  HttpClient decoding;  // accept_gzip: transparent
  auto r = decoding.Get(BaseUrl(*srv) + "/big");
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r->body.size(), 200000u);
  EXPECT_EQ(r->body.substr(0, 24), "node_load1{instance=\"x\"}");
  EXPECT_FALSE(r->headers.Has("Content-Encoding"));  // decoded

  ClientOptions raw_opts;
  raw_opts.accept_gzip = false;
  HttpClient raw(raw_opts);
  Headers want_gzip;
  want_gzip.Add("Accept-Encoding", "gzip");
  r = raw.Get(BaseUrl(*srv) + "/big", want_gzip);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->headers.GetOr("Content-Encoding"), "gzip");
  EXPECT_EQ(r->headers.GetOr("Vary"), "Accept-Encoding");
  auto plain = GzipDecompress(r->body, 1 << 20);
  ASSERT_TRUE(plain.ok());
  EXPECT_GE(plain->size(), 200000u);
  EXPECT_LT(r->body.size(), plain->size() / 5);

  r = raw.Get(BaseUrl(*srv) + "/big");  // not accepted: identity
  EXPECT_FALSE(r->headers.Has("Content-Encoding"));
  r = raw.Get(BaseUrl(*srv) + "/small", want_gzip);  // too small to be worth it
  EXPECT_FALSE(r->headers.Has("Content-Encoding"));
  EXPECT_EQ(r->body, "tiny");
  r = raw.Get(BaseUrl(*srv) + "/big-raw", want_gzip);  // handler opted out
  EXPECT_FALSE(r->headers.Has("Content-Encoding"));
  EXPECT_EQ(r->body.size(), 200000u);
}

TEST(HttpServer, HeadAnswersLikeGetWithoutBody) {
  auto srv = StartServer({}, Echo);
  HttpClient c;
  ClientRequest head;
  head.method = "HEAD";
  head.url = BaseUrl(*srv) + "/big-raw";
  auto r = c.Do(head);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.GetOr("Content-Length"), "200000");
  EXPECT_TRUE(r->body.empty());
  // The connection stays usable after a bodiless HEAD response.
  auto g = c.Get(BaseUrl(*srv) + "/small");
  EXPECT_EQ(g->body, "tiny");
  EXPECT_EQ(c.connections_opened(), 1u);
}

TEST(HttpServer, BodyLimitGives413) {
  ServerOptions o;
  o.max_body_bytes = 1000;
  auto srv = StartServer(o, Echo);
  HttpClient c;
  auto ok = c.Post(BaseUrl(*srv) + "/echo", std::string(1000, 'a'), "text/plain");
  EXPECT_EQ(ok->status, 200);
  auto r = c.Post(BaseUrl(*srv) + "/echo", std::string(5000, 'a'), "text/plain");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("1000 bytes"), std::string::npos) << r->body;
  // A body far larger than what the server drains before closing still gets the 413.
  r = c.Post(BaseUrl(*srv) + "/echo", std::string(8 << 20, 'a'), "text/plain");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 413);
}

TEST(HttpServer, ChunkedRequestBodyOverLimitGives413) {
  ServerOptions o;
  o.max_body_bytes = 100;
  auto srv = StartServer(o, Echo);
  int fd = RawConnect(srv->port());
  ASSERT_GE(fd, 0);
  RawSend(fd, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  RawSend(fd, "50\r\n" + std::string(0x50, 'a') + "\r\n50\r\n" + std::string(0x50, 'b') +
                  "\r\n0\r\n\r\n");
  std::string got = RawReadAll(fd, milliseconds(5000));
  EXPECT_EQ(got.substr(0, 12), "HTTP/1.1 413");
  ::close(fd);
}

TEST(HttpServer, ChunkedRequestBodyIsJoined) {
  auto srv = StartServer({}, Echo);
  int fd = RawConnect(srv->port());
  RawSend(
      fd,
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  std::string got = RawReadAll(fd, milliseconds(5000));
  EXPECT_NE(got.find("\r\n\r\nabcde"), std::string::npos) << got;
  ::close(fd);
}

TEST(HttpServer, HeaderLimitGives431) {
  ServerOptions o;
  o.max_header_bytes = 2048;
  auto srv = StartServer(o, Echo);
  HttpClient c;
  Headers big;
  big.Add("X-Big", std::string(8000, 'h'));
  auto r = c.Get(BaseUrl(*srv) + "/small", big);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(c.Get(BaseUrl(*srv) + "/small")->status, 200);  // the server is fine
}

TEST(HttpServer, SlowClientIsDisconnected) {
  ServerOptions o;
  o.read_timeout = milliseconds(200);
  auto srv = StartServer(o, Echo);
  int fd = RawConnect(srv->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(RawSend(fd, "GET /small HTTP/1.1\r\nHost: x\r\n"));  // never finishes the head
  bool closed = false;
  RawReadAll(fd, milliseconds(10000), &closed);
  EXPECT_TRUE(closed);
  ::close(fd);
  // A client that connects and says nothing is cut off too.
  fd = RawConnect(srv->port());
  RawReadAll(fd, milliseconds(10000), &closed);
  EXPECT_TRUE(closed);
  ::close(fd);
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosed) {
  ServerOptions o;
  o.idle_timeout = milliseconds(200);
  auto srv = StartServer(o, Echo);
  int fd = RawConnect(srv->port());
  RawSend(fd, "GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  std::string got = RawReadAll(fd, milliseconds(10000), &closed);
  EXPECT_NE(got.find("tiny"), std::string::npos);
  EXPECT_TRUE(closed);
  ::close(fd);
}

TEST(HttpServer, SlowServerMakesClientTimeOut) {
  Gate release;
  auto srv = StartServer({}, [&](Router& r) {
    r.Get("/slow", [&](const Request&, Response& res) {
      release.Wait();
      res.Set(200, "late");
    });
  });
  HttpClient c;
  ClientRequest req;
  req.url = BaseUrl(*srv) + "/slow";
  req.timeout = milliseconds(200);
  auto r = c.Do(req);
  release.Open();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kTimeout);
  EXPECT_NE(r.error().message().find("timed out after 200ms"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find(req.url), std::string::npos);
}

TEST(HttpServer, ConcurrentRequests) {
  ServerOptions o;
  o.threads = 4;
  auto srv = StartServer(o, Echo);
  HttpClient c;
  std::atomic<int> good{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string name = "t";
        name.append(std::to_string(t)).append("i").append(std::to_string(i));
        auto r = c.Get(BaseUrl(*srv) + "/api/v1/label/" + name + "/values");
        std::string want("name=");
        want.append(name);
        if (r.ok() && r->body == want) ++good;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(good.load(), 400);
  EXPECT_LE(c.connections_opened(), 16u);
}

TEST(HttpServer, GracefulShutdownFinishesInFlightRequest) {
  Gate entered, release;
  auto srv = StartServer({}, [&](Router& r) {
    r.Get("/work", [&](const Request&, Response& res) {
      entered.Open();
      release.Wait();
      res.Set(200, "finished");
    });
    r.Get("/small", [](const Request&, Response& res) { res.Set(200, "tiny"); });
  });
  const std::string base = BaseUrl(*srv);
  HttpClient idle_client;  // holds an idle keep-alive connection during shutdown
  ASSERT_EQ(idle_client.Get(base + "/small")->status, 200);

  HttpClient c;
  Result<ClientResponse> result = Unavailable("not run");
  std::thread client([&] { result = c.Get(base + "/work"); });
  ASSERT_TRUE(entered.Wait());
  std::thread stopper([&] { srv->Shutdown(std::chrono::seconds(30)); });
  // Shutdown stops accepting first: new connections are refused once it has.
  for (int i = 0; i < 200; ++i) {
    int fd = RawConnect(srv->port());
    if (fd < 0) break;
    ::close(fd);
    std::this_thread::sleep_for(milliseconds(10));
  }
  release.Open();
  client.join();
  stopper.join();
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "finished");
  EXPECT_EQ(result->headers.GetOr("Connection"), "close");
  EXPECT_LT(RawConnect(srv->port()), 0);
}

TEST(HttpServer, UnixSocketTransport) {
  testing::TempDir dir;
  std::string path = dir.Join("vigie.sock");
  ServerOptions o;
  o.listen_addresses = {"unix:" + path, "127.0.0.1:0"};
  auto srv = StartServer(o, Echo);
  auto addrs = srv->addresses();
  ASSERT_EQ(addrs.size(), 2u);
  EXPECT_EQ(addrs[1], "unix:" + path);

  ClientOptions co;
  co.unix_socket = path;
  HttpClient over_socket(co);
  auto r = over_socket.Get("http://localhost/remote");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "unix");
  r = over_socket.Get("http://localhost/api/v1/label/docker/values");
  EXPECT_EQ(r->body, "name=docker");
  EXPECT_EQ(over_socket.connections_opened(), 1u);

  HttpClient plain;
  r = plain.Get("http+unix://" + PercentEncode(path) + "/api/v1/label/u/values");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "name=u");
  srv->Shutdown();
  EXPECT_FALSE(plain.Get("http+unix://" + PercentEncode(path) + "/small").ok());
}

TEST(HttpServer, FormAndQueryParsing) {
  auto srv = StartServer({}, Echo);
  HttpClient c;
  auto r = c.Post(BaseUrl(*srv) + "/form?match[]=q1&start=1",
                  "match[]=b1&match[]=b%7B2%7D&query=sum+by+(job)+(up)",
                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "match[]=b1;match[]=b{2};query=sum by (job) (up);match[]=q1;start=1;");
  r = c.Post(BaseUrl(*srv) + "/form", "query=%", "application/x-www-form-urlencoded");
  EXPECT_EQ(r->status, 400);
}

TEST(HttpServer, StreamsChunks) {
  std::atomic<bool> client_left{false};
  auto srv = StartServer({}, [&](Router& r) {
    r.Get("/five", [](const Request&, Response& res) {
      res.SetHeader("Content-Type", "application/json");
      for (int i = 0; i < 5; ++i) {
        if (!res.Write("{\"n\":" + std::to_string(i) + "}\n")) return;
      }
    });
    r.Get("/endless", [&](const Request&, Response& res) {
      for (int i = 0; i < 100000; ++i) {
        if (!res.Write("event " + std::to_string(i) + "\n")) {
          client_left = true;
          return;
        }
        std::this_thread::sleep_for(milliseconds(2));
      }
    });
  });
  HttpClient c;
  auto whole = c.Get(BaseUrl(*srv) + "/five");
  ASSERT_TRUE(whole.ok()) << whole.error().message();
  EXPECT_EQ(whole->headers.GetOr("Transfer-Encoding"), "chunked");
  EXPECT_EQ(whole->body, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");

  int status = 0;
  std::string got;
  int pieces = 0;
  ClientRequest req;
  req.url = BaseUrl(*srv) + "/endless";
  Status st = c.Stream(req, {[&](int s, const Headers&) {
                               status = s;
                               return true;
                             },
                             [&](std::string_view d) {
                               got += d;
                               return ++pieces < 3;
                             }});
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(got.substr(0, 8), "event 0\n");
  for (int i = 0; i < 500 && !client_left; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_TRUE(client_left.load());  // Write() reported the client gone
}

TEST(HttpServer, StreamsGzipWhenAccepted) {
  auto srv = StartServer({}, [&](Router& r) {
    r.Get("/lines", [](const Request&, Response& res) {
      for (int i = 0; i < 50; ++i) res.Write("line number " + std::to_string(i) + "\n");
    });
  });
  ClientOptions raw_opts;
  raw_opts.accept_gzip = false;
  HttpClient raw(raw_opts);
  Headers gz;
  gz.Add("Accept-Encoding", "gzip");
  auto r = raw.Get(BaseUrl(*srv) + "/lines", gz);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->headers.GetOr("Content-Encoding"), "gzip");
  HttpClient c;
  auto d = c.Get(BaseUrl(*srv) + "/lines");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*GzipDecompress(r->body, 1 << 20), d->body);
  EXPECT_EQ(d->body.substr(0, 14), "line number 0\n");
}

TEST(HttpServer, ObserverSeesRouteMethodStatus) {
  std::mutex mu;
  std::vector<std::string> seen;
  ServerOptions o;
  o.observer = [&](std::string_view route, std::string_view method, int status, double seconds,
                   size_t bytes) {
    std::lock_guard<std::mutex> l(mu);
    seen.push_back(std::string(route) + " " + std::string(method) + " " + std::to_string(status) +
                   " " + std::to_string(bytes) + (seconds >= 0 ? "" : " negative"));
  };
  auto srv = StartServer(o, Echo);
  HttpClient c;
  (void)c.Get(BaseUrl(*srv) + "/api/v1/label/x/values");
  (void)c.Get(BaseUrl(*srv) + "/missing");
  // The observer runs after the response is written, possibly after the client has it.
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard<std::mutex> l(mu);
      if (seen.size() >= 2) break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  std::lock_guard<std::mutex> l(mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "/api/v1/label/{name}/values GET 200 6");
  EXPECT_EQ(seen[1], " GET 404 20");
}

TEST(HttpServer, PipelinedRequestsAndHttp10) {
  auto srv = StartServer({}, Echo);
  int fd = RawConnect(srv->port());
  RawSend(fd,
          "GET /small HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/label/p/values HTTP/1.1\r\nHost: "
          "x\r\nConnection: close\r\n\r\n");
  bool closed = false;
  std::string got = RawReadAll(fd, milliseconds(5000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(got.find("tiny"), std::string::npos);
  EXPECT_NE(got.find("name=p"), std::string::npos);
  ::close(fd);

  fd = RawConnect(srv->port());
  RawSend(fd, "GET /small HTTP/1.0\r\n\r\n");
  got = RawReadAll(fd, milliseconds(5000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(got.find("tiny"), std::string::npos);
  ::close(fd);
}

TEST(HttpServer, ExpectContinue) {
  auto srv = StartServer({}, Echo);
  int fd = RawConnect(srv->port());
  RawSend(fd,
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  std::string interim = RawReadAll(fd, milliseconds(300));
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  RawSend(fd, "hello");
  std::string got = RawReadAll(fd, milliseconds(300));
  EXPECT_EQ(got.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(got.find("\r\n\r\nhello"), std::string::npos);
  ::close(fd);
}

TEST(HttpServer, OpenReportsBadAddresses) {
  ServerOptions o;
  o.listen_addresses = {"127.0.0.1:99999"};
  auto s = HttpServer::Open(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("99999"), std::string::npos);

  auto first = StartServer({}, Echo);
  o.listen_addresses = {"127.0.0.1:" + std::to_string(first->port())};
  s = HttpServer::Open(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find(o.listen_addresses[0]), std::string::npos)
      << s.error().message();
}

TEST(HttpServer, ReusePortLetsTwoServersShareAPort) {
  ServerOptions o;
  o.reuse_port = true;
  auto a = StartServer(o, Echo);
  o.listen_addresses = {"127.0.0.1:" + std::to_string(a->port())};
  auto b = StartServer(o, Echo);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->port(), b->port());
}

TEST(HttpServer, ListensOnIpv6LoopbackAndAllInterfaces) {
  ServerOptions o;
  o.listen_addresses = {"[::1]:0"};
  auto v6 = HttpServer::Open(o);
  if (!v6.ok()) GTEST_SKIP() << "no IPv6 loopback: " << v6.error().message();
  (*v6)->router().Get("/", [](const Request&, Response& res) { res.Set(200, "six"); });
  ASSERT_TRUE((*v6)->Start().ok());
  EXPECT_EQ((*v6)->addresses()[0].substr(0, 6), "[::1]:");
  HttpClient c;
  auto r = c.Get("http://[::1]:" + std::to_string((*v6)->port()) + "/");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "six");

  o.listen_addresses = {":0"};  // every interface: reachable over IPv4 loopback too
  auto any = StartServer(o, Echo);
  EXPECT_EQ(c.Get(BaseUrl(*any) + "/small")->body, "tiny");
}

TEST(HttpServer, NoContentSendsNoBodyAndKeepsTheConnection) {
  auto srv = StartServer({}, [](Router& r) {
    r.Delete("/thing/{id}", [](const Request&, Response& res) {
      res.Set(204, "ignored");  // a 204 never carries a body, whatever the handler set
    });
    r.Get("/after", [](const Request&, Response& res) { res.Set(200, "after"); });
  });
  HttpClient c;
  auto r = c.Delete(BaseUrl(*srv) + "/thing/1");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->body, "");
  EXPECT_EQ(c.Get(BaseUrl(*srv) + "/after")->body, "after");
  EXPECT_EQ(c.connections_opened(), 1u);
}

}  // namespace
}  // namespace vigie::net
