// Private to net/: a blocking-with-deadline socket for the HTTP client (plain POSIX; poll(2)
// for timeouts). Errors carry kTimeout / kCanceled / kUnavailable without the URL; the client
// adds it. One thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "net/cancel_signal.h"

namespace vigie::net::internal {

// Absolute monotonic deadline in ns (0 = none) and an optional cancel flag.
struct Deadline {
  int64_t ns = 0;
  const CancelSignal* cancel = nullptr;
};

class ClientSocket {
 public:
  static Result<std::unique_ptr<ClientSocket>> ConnectTcp(const std::string& host, int port,
                                                          Deadline deadline);
  static Result<std::unique_ptr<ClientSocket>> ConnectUnix(const std::string& path,
                                                           Deadline deadline);
  ~ClientSocket();
  ClientSocket(const ClientSocket&) = delete;
  ClientSocket& operator=(const ClientSocket&) = delete;

  Status SendAll(std::string_view a, std::string_view b, Deadline deadline);
  // Reads what is available (waiting for at least one byte); 0 means the peer closed.
  Result<size_t> Recv(char* buf, size_t len, Deadline deadline);
  // False if the peer closed or sent something unexpected while the socket sat idle.
  bool IdleAndOpen() const;

  int64_t idle_since_ns = 0;

 private:
  explicit ClientSocket(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace vigie::net::internal
