// Private to net/: state shared by the server's listeners, connections and sweeper, and the
// response-head serialiser. Not part of the public API (no Asio here either).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "net/http_message.h"
#include "net/http_server.h"
#include "net/router.h"

namespace vigie::net::internal {

// What a connection is doing; the sweeper and Shutdown() read it.
enum class ConnState : int { kIdle, kReading, kHandling, kWriting, kClosing };

// The part of a connection the registry needs.
class TrackedConnection {
 public:
  explicit TrackedConnection(int fd) : fd_(fd) {}
  virtual ~TrackedConnection() = default;
  int fd() const { return fd_; }
  std::atomic<int64_t> deadline_ns{0};  // monotonic; 0 = none
  std::atomic<ConnState> state{ConnState::kIdle};

 private:
  const int fd_;
};

// Shared by everything inside one server. Connections register while open; they unregister
// *before* closing their socket, so that the sweeper (which holds `mu` while it calls
// shutdown(2) on registered sockets) never touches a reused file descriptor.
struct ServerCore {
  explicit ServerCore(ServerOptions opts) : options(std::move(opts)) {}

  const ServerOptions options;
  Router router;
  std::atomic<bool> ready{true};
  std::atomic<bool> draining{false};

  std::mutex mu;
  std::condition_variable all_closed;
  std::unordered_set<TrackedConnection*> connections;  // GUARDED_BY(mu)

  // The deadline sweeper sleeps until the earliest deadline, or while there is no connection
  // until one registers (an idle server wakes for nothing).
  std::mutex sweep_mu;
  std::condition_variable sweep_cv;
  uint64_t registrations = 0;  // GUARDED_BY(sweep_mu)
  bool sweeper_idle = false;   // GUARDED_BY(sweep_mu): waiting for a first connection
  bool stop_sweeper = false;   // GUARDED_BY(sweep_mu)

  void Register(TrackedConnection* c);
  void Unregister(TrackedConnection* c);
  // Shuts down (both directions) registered sockets past their deadline. Returns the earliest
  // deadline still ahead (0: none) and whether any connection is registered.
  int64_t SweepDeadlines(int64_t now_ns, bool* any_connection);
  // Shuts down idle sockets (draining) or all of them (`all`).
  void ShutdownSockets(bool all);
  size_t ConnectionCount();
};

// Appends "HTTP/1.1 <status> <text>\r\n", Date, the response's headers (minus Content-Length,
// Transfer-Encoding, Connection, which are decided here) and the framing headers, then "\r\n".
// content_length < 0 means chunked (or close-delimited when !chunked). HTTP/1.0 clients that
// keep the connection alive get an explicit "Connection: keep-alive".
void AppendResponseHead(const Response& res, int64_t content_length, bool chunked, bool keep_alive,
                        bool http10, std::string_view content_encoding, std::string* out);

// True for bodies worth gzipping (not images, archives, video).
bool CompressibleType(std::string_view content_type);

}  // namespace vigie::net::internal
