// Synchronous HTTP/1.1 client: keep-alive connection pool keyed by host, connect and total
// timeouts, transparent gzip, a response size limit, chunked responses, http:// and unix
// sockets (ClientOptions::unix_socket, or "http+unix://%2Fvar%2Frun%2Fdocker.sock/v1.41/info"),
// and a streaming mode for endless bodies such as Docker's /events. No Beast/Asio here.
//
// Threading: an HttpClient is safe to use from many threads at once; each call borrows a
// pooled connection (or opens one) for its duration and blocks the calling thread.
// Errors name the method, the URL and the cause, e.g.
//   "GET http://127.0.0.1:9100/metrics: connection refused"
//   "GET http://127.0.0.1:9100/metrics: timed out after 10s"
//   "GET http://127.0.0.1:9100/metrics: response body exceeds the limit of 10485760 bytes"
// with ErrorCode kUnavailable, kTimeout, kResourceExhausted, kInvalidArgument (bad URL or
// malformed response) or kCanceled.
//
// Throughput (e.g. a load generator): a request on a pooled keep-alive connection costs a
// mutex-guarded pool lookup, one poll(2) liveness check, one sendmsg(2) and the reads of the
// response; run one thread per concurrent user and the pool keeps one connection per thread
// (set max_idle_per_host to at least the number of threads). There is no event-loop client
// (many connections per thread) yet.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "net/cancel_signal.h"
#include "net/headers.h"

namespace vigie::net {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  // Whole exchange (connect, send, full response) unless a request says otherwise.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  size_t max_response_bytes = 64 * 1024 * 1024;  // body, after gzip decoding
  size_t max_header_bytes = 1024 * 1024;
  bool accept_gzip = true;  // send Accept-Encoding: gzip and decode transparently
  size_t max_idle_per_host = 8;
  std::chrono::milliseconds idle_connection_timeout{std::chrono::seconds(60)};
  // When set, every request goes over this unix socket; the URL then only gives the target
  // and the Host header (e.g. "http://localhost/v1.41/containers/json").
  std::string unix_socket;
  std::string user_agent = "vigie";
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;   // Host, Content-Length, Accept-Encoding are added unless present
  std::string body;  // sent with Content-Length when non-empty (or for POST/PUT/PATCH)
  // -1 ms: ClientOptions::timeout (for Stream(): none); 0: none; else the total time allowed.
  std::chrono::milliseconds timeout{-1};
  size_t max_response_bytes = 0;  // 0: ClientOptions::max_response_bytes
  // Set it from another thread to abandon the request with kCanceled (a scrape at shutdown,
  // an endless stream).
  const CancelSignal* cancel = nullptr;
};

struct ClientResponse {
  int status = 0;
  Headers headers;  // Content-Encoding/Content-Length dropped when the body was gunzipped
  std::string body;
};

struct StreamHandler {
  // Called once with the status and headers before any data; return false to stop there.
  std::function<bool(int status, const Headers& headers)> on_head;
  // Called with each piece of the (decoded) body as it arrives; return false to stop.
  std::function<bool(std::string_view data)> on_data;
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request and reads the whole response (any status is a successful Result).
  Result<ClientResponse> Do(const ClientRequest& request);
  Result<ClientResponse> Get(std::string_view url, const Headers& headers = {});
  Result<ClientResponse> Post(std::string_view url, std::string body, std::string_view content_type,
                              const Headers& headers = {});
  Result<ClientResponse> Delete(std::string_view url, const Headers& headers = {});

  // Sends the request and hands the body to `handler` piece by piece until the body ends, a
  // callback returns false (both OK), or an error. The connection is reused only if the body
  // was read to its end.
  Status Stream(const ClientRequest& request, const StreamHandler& handler);

  // Connections opened so far (reuse shows as fewer connections than requests).
  uint64_t connections_opened() const;
  size_t idle_connections() const;
  void CloseIdleConnections();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::net
