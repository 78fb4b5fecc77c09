// HTTP/1.1 server: keep-alive, a fixed pool of threads, routing (net/router.h), limits,
// timeouts, gzip, streaming responses, graceful shutdown, /-/healthy and /-/ready.
// Boost.Asio/Beast stay inside net/*.cpp: including this header is cheap.
//
// Lifecycle: Open() binds every listen address (errors name the address), routes are
// registered on router(), Start() starts the pool, Shutdown() stops accepting, lets in-flight
// requests finish within a grace period, then closes everything and joins the threads.
//
// Threading: handlers run synchronously on the pool's threads, many at once (one per
// connection being served). A handler that blocks holds one thread; keep N above the number
// of long-running streams you expect. SetReady/addresses/port are safe from any thread;
// router() must only be changed before Start().
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "net/http_message.h"
#include "net/router.h"

namespace vigie::net {

// Called once per request after the response has been written (or the connection failed):
// the matched route pattern ("" when none matched), method, status, seconds from the complete
// request to the end of the response, and body bytes sent (after compression). Runs on a
// pool thread; must be thread-safe and quick. The instrument layer adapts it into metrics.
using RequestObserver = std::function<void(std::string_view route, std::string_view method,
                                           int status, double seconds, size_t response_bytes)>;

struct ServerOptions {
  // "host:port", "[::1]:port", ":port" (all interfaces) or "unix:/path"; port 0 = ephemeral.
  std::vector<std::string> listen_addresses = {":9090"};
  // Fixed pool size (at least 1). Every handler that blocks (a long query, a streamed
  // response) holds a thread while it runs, so size it for the concurrency you expect.
  int threads = 4;
  bool reuse_port = false;                   // SO_REUSEPORT: replicas may share a TCP port
  size_t max_header_bytes = 64 * 1024;       // request line + headers; past it: 431
  size_t max_body_bytes = 32 * 1024 * 1024;  // past it: 413
  // A request must arrive completely within read_timeout of its first byte; each response
  // write (and each streamed chunk) within write_timeout; a keep-alive connection may sit idle
  // for idle_timeout between requests. Slow or silent clients are disconnected.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
  // gzip a response when the client sends Accept-Encoding: gzip, the body is at least
  // gzip_min_bytes long, and the handler did not set Content-Encoding or DisableCompression().
  bool gzip = true;
  size_t gzip_min_bytes = 1024;
  int gzip_level = 5;
  bool health_endpoints = true;  // GET /-/healthy and /-/ready
  std::string name = "vigie";    // in the health endpoints' bodies
  RequestObserver observer;      // optional
};

class HttpServer {
 public:
  // Binds every listen address; nothing is served until Start().
  static Result<std::unique_ptr<HttpServer>> Open(ServerOptions options);
  ~HttpServer();  // Shutdown(0) if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Router& router();
  Status Start();
  // Stops accepting, closes idle keep-alive connections, waits up to `grace` for requests in
  // flight (their responses carry Connection: close), then shuts the remaining sockets down
  // and joins the pool (a handler still running then is waited for; its Write()s fail).
  // Idempotent. Call it from outside the pool (never from a handler: it would wait for itself).
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // /-/ready answers 200 when ready (the default), 503 otherwise.
  void SetReady(bool ready);
  // Bound addresses with the real ports, e.g. "127.0.0.1:34567", "unix:/tmp/x.sock".
  std::vector<std::string> addresses() const;
  // Port of the first TCP listener (0 if none).
  int port() const;

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::net
