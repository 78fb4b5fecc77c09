#include "net/address.h"

#include <charconv>

#include "net/params.h"

namespace vigie::net {
namespace {

Result<int> ParsePort(std::string_view s, std::string_view whole) {
  int port = -1;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || port < 0 || port > 65535) {
    return InvalidArgument("invalid port \"" + std::string(s) + "\" in address \"" +
                           std::string(whole) + "\" (want 0-65535)");
  }
  return port;
}

// Splits "host:port" / "[v6]:port" into host (brackets removed) and port text.
Status SplitHostPort(std::string_view s, std::string_view whole, std::string* host,
                     std::string_view* port) {
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) {
      return InvalidArgument("missing ']' in address \"" + std::string(whole) + "\"");
    }
    *host = std::string(s.substr(1, close - 1));
    std::string_view rest = s.substr(close + 1);
    if (rest.empty()) {
      *port = {};
      return OkStatus();
    }
    if (rest.front() != ':') {
      return InvalidArgument("unexpected text after ']' in address \"" + std::string(whole) + "\"");
    }
    *port = rest.substr(1);
    return OkStatus();
  }
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    *host = std::string(s);
    *port = {};
    return OkStatus();
  }
  if (s.find(':') != colon) {
    return InvalidArgument("IPv6 address needs brackets in \"" + std::string(whole) +
                           "\", e.g. [::1]:9090");
  }
  *host = std::string(s.substr(0, colon));
  *port = s.substr(colon + 1);
  return OkStatus();
}

}  // namespace

std::string JoinHostPort(std::string_view host, int port) {
  bool v6 = host.find(':') != std::string_view::npos;
  std::string out;
  out.reserve(host.size() + 8);
  if (v6) out.push_back('[');
  out.append(host);
  if (v6) out.push_back(']');
  out.push_back(':');
  out.append(std::to_string(port));
  return out;
}

Result<ListenAddress> ParseListenAddress(std::string_view s) {
  ListenAddress addr;
  if (s.substr(0, 5) == "unix:") {
    addr.unix_path = std::string(s.substr(5));
    if (addr.unix_path.empty()) {
      return InvalidArgument("empty socket path in listen address \"" + std::string(s) + "\"");
    }
    return addr;
  }
  std::string_view port;
  VIGIE_RETURN_IF_ERROR(SplitHostPort(s, s, &addr.host, &port));
  if (port.empty()) {
    return InvalidArgument("missing port in listen address \"" + std::string(s) +
                           "\" (want host:port, [::1]:port or :port)");
  }
  VIGIE_ASSIGN_OR_RETURN(addr.port, ParsePort(port, s));
  return addr;
}

std::string Url::HostHeader() const {
  if (!unix_path.empty()) return host;
  if (port == 80) return host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return JoinHostPort(host, port);
}

Result<Url> ParseUrl(std::string_view url) {
  Url out;
  std::string_view rest;
  bool is_unix = false;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 12) == "http+unix://") {
    rest = url.substr(12);
    is_unix = true;
  } else if (url.substr(0, 8) == "https://") {
    return Unimplemented("https is not supported: \"" + std::string(url) + "\"");
  } else {
    return InvalidArgument("URL \"" + std::string(url) +
                           "\" must start with http:// or http+unix://");
  }
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  std::string_view target =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.empty()) return InvalidArgument("missing host in URL \"" + std::string(url) + "\"");
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("user info in URL \"" + std::string(url) + "\" is not supported");
  }
  if (is_unix) {
    VIGIE_ASSIGN_OR_RETURN(out.unix_path, PercentDecode(authority));
    out.host = "localhost";
  } else {
    std::string_view port;
    VIGIE_RETURN_IF_ERROR(SplitHostPort(authority, url, &out.host, &port));
    if (out.host.empty())
      return InvalidArgument("missing host in URL \"" + std::string(url) + "\"");
    if (!port.empty()) {
      VIGIE_ASSIGN_OR_RETURN(out.port, ParsePort(port, url));
    }
  }
  size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  out.target = target.empty() ? "/" : std::string(target);
  if (out.target.front() == '?') out.target = std::string("/").append(out.target);
  return out;
}

}  // namespace vigie::net
