// Listen addresses and URLs, parsed without touching the network.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace vigie::net {

// "host:port", "[::1]:port", ":port" (every interface), or "unix:/path/to.sock".
struct ListenAddress {
  std::string host;       // "" = every interface; IPv6 without brackets
  int port = 0;           // 0 = an ephemeral port
  std::string unix_path;  // set for unix sockets (host/port unused)
  bool is_unix() const { return !unix_path.empty(); }
};
Result<ListenAddress> ParseListenAddress(std::string_view s);

// An http URL. https is rejected (not supported). "http+unix://%2Fvar%2Frun%2Fdocker.sock/v1.41/x"
// names a unix socket (percent-encoded path) as the host, the Docker SDK convention.
struct Url {
  std::string host;  // IPv6 without brackets; "localhost" for http+unix
  int port = 80;
  std::string target;     // path and query, "/" at least
  std::string unix_path;  // set for http+unix URLs
  // Host header value: "host" or "host:port" (brackets around IPv6).
  std::string HostHeader() const;
};
Result<Url> ParseUrl(std::string_view url);

// "127.0.0.1:9090", "[::1]:9090" (brackets around IPv6).
std::string JoinHostPort(std::string_view host, int port);

}  // namespace vigie::net
