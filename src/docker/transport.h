// How the Docker client reaches the engine: HTTP/1.1 over the engine's unix socket. An
// interface so the client does not care how the bytes move (and tests can point it at any
// server that speaks HTTP on a unix socket).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace vigie::docker {

struct HttpResponse {
  int status = 0;
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // One request with an empty body; returns the status and the whole response body (bodies
  // over 64 MiB are an error). Errors: the engine cannot be reached or the response is not
  // HTTP. Thread-safe: each call uses its own connection.
  virtual Result<HttpResponse> Request(std::string_view method, std::string_view target) = 0;

  // A GET whose body is a stream (GET /events): calls on_data with each piece of the decoded
  // body as it arrives, until the engine closes the stream (Ok), on_data returns false (Ok),
  // Cancel() is called (kCanceled) or the connection fails. A non-2xx answer is an error
  // carrying the engine's message. One stream at a time per transport.
  virtual Status Stream(std::string_view target,
                        const std::function<bool(std::string_view)>& on_data) = 0;

  // Makes a Stream running in another thread return promptly. Thread-safe; a later Stream
  // runs normally.
  virtual void Cancel() = 0;
};

// The engine's socket, e.g. /var/run/docker.sock. `timeout_ms` bounds connecting and each
// Request (not the life of a Stream).
std::unique_ptr<Transport> NewUnixSocketTransport(std::string socket_path, DurationMs timeout_ms);

}  // namespace vigie::docker
