// The request a server handler reads and the response it fills. No Beast/Asio here.
//
// Threading and ownership: the server owns both objects; a handler gets them by reference
// for the duration of one call on a pool thread and must not keep pointers past its return.
// The same objects are reused for the next request on that connection.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "net/headers.h"
#include "net/params.h"

namespace vigie::net {

inline constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
inline constexpr std::string_view kApplicationJson = "application/json";

struct Request {
  std::string method;          // "GET", "POST", ... as received
  std::string target;          // as received, e.g. "/api/v1/query?query=up"
  std::string path;            // percent-decoded path, e.g. "/api/v1/query"
  Params query;                // decoded query string, repeated keys in order
  Headers headers;             // case-insensitive lookup
  std::string body;            // complete body (chunked request bodies are joined)
  Params path_params;          // {name} segments of the matched route; "*" = rest of a prefix
  std::string remote_address;  // "127.0.0.1:54321", "[::1]:54321", or "unix"
  int http_version = 11;       // 10 or 11
  std::string_view route;      // pattern of the matched route ("" when none matched)

  std::string_view PathParam(std::string_view name) const { return path_params.GetOr(name); }
  std::string_view Header(std::string_view name) const { return headers.GetOr(name); }
  // The Accept header ("" when absent), for content negotiation (e.g. OpenMetrics).
  std::string_view Accept() const { return headers.GetOr("Accept"); }
  bool AcceptsGzip() const;
  // Like Go's Request.Form: the application/x-www-form-urlencoded body's values (for POST,
  // PUT and PATCH) first, then the query string's. A malformed body is an error to report
  // as 400.
  Result<Params> Form() const;

  // Empties every field, keeping allocated capacity for the next request.
  void Clear();
};

// Hooks the server gives a Response so that Write() can stream (see Response::Write).
class ResponseStreamSink {
 public:
  virtual ~ResponseStreamSink() = default;
  // Sends the status line and headers, announcing a chunked body. False if the client is gone.
  virtual bool BeginStream(class Response& response) = 0;
  // Sends one piece of the body. False if the client is gone or too slow (write timeout).
  virtual bool WriteStream(std::string_view data) = 0;
};

class Response {
 public:
  int status = 200;
  Headers headers;
  std::string body;

  // Sets status, body and Content-Type in one call.
  void Set(int status_code, std::string body_text, std::string_view content_type = kTextPlain);
  void SetHeader(std::string_view name, std::string_view value) { headers.Set(name, value); }
  // Keeps the server from gzip-compressing this response (e.g. already compressed images).
  void DisableCompression() { compress_ = false; }
  bool compression_allowed() const { return compress_; }

  // Streams the body in pieces instead of filling `body`: the first call sends the status and
  // headers (set them before) with chunked transfer encoding (or, for HTTP/1.0 clients, a body
  // ended by closing the connection); each call then sends `data` at once. Returns false once
  // the client has gone away or stalls past the write timeout: stop producing then. For HEAD
  // requests nothing is sent and Write returns false. Outside a server (handler unit tests)
  // Write appends to `body`.
  bool Write(std::string_view data);
  bool streaming() const { return streaming_; }

  // Resets to a fresh 200 response with no sink (server internal; keeps capacity).
  void Clear();
  void set_stream_sink(ResponseStreamSink* sink) { sink_ = sink; }

 private:
  ResponseStreamSink* sink_ = nullptr;
  bool compress_ = true;
  bool streaming_ = false;
  bool broken_ = false;
};

// A request handler: runs synchronously on a server pool thread. It may block (e.g. a query),
// but each blocked handler holds one of the pool's threads. Exceptions become a 500.
using Handler = std::function<void(const Request&, Response&)>;

// Standard reason phrase for a status code ("OK", "Not Found"; "Unknown" otherwise).
std::string_view StatusText(int status);

}  // namespace vigie::net
