#include "net/internal/server_core.h"

#include <sys/socket.h>

#include <charconv>
#include <ctime>

namespace vigie::net::internal {

void ServerCore::Register(TrackedConnection* c) {
  {
    std::lock_guard<std::mutex> lock(mu);
    connections.insert(c);
  }
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(sweep_mu);
    ++registrations;
    wake = sweeper_idle;
  }
  if (wake) sweep_cv.notify_one();
}

void ServerCore::Unregister(TrackedConnection* c) {
  std::lock_guard<std::mutex> lock(mu);
  if (connections.erase(c) > 0 && connections.empty()) all_closed.notify_all();
}

int64_t ServerCore::SweepDeadlines(int64_t now_ns, bool* any_connection) {
  std::lock_guard<std::mutex> lock(mu);
  int64_t earliest = 0;
  for (TrackedConnection* c : connections) {
    int64_t d = c->deadline_ns.load(std::memory_order_relaxed);
    if (d == 0) continue;
    if (now_ns > d) {
      c->deadline_ns.store(0, std::memory_order_relaxed);
      ::shutdown(c->fd(), SHUT_RDWR);  // wakes the pending read/write with an error
    } else if (earliest == 0 || d < earliest) {
      earliest = d;
    }
  }
  *any_connection = !connections.empty();
  return earliest;
}

void ServerCore::ShutdownSockets(bool all) {
  std::lock_guard<std::mutex> lock(mu);
  for (TrackedConnection* c : connections) {
    if (all || c->state.load() == ConnState::kIdle) ::shutdown(c->fd(), SHUT_RDWR);
  }
}

size_t ServerCore::ConnectionCount() {
  std::lock_guard<std::mutex> lock(mu);
  return connections.size();
}

namespace {

// "Date: Tue, 24 Nov 2026 03:14:35 GMT\r\n", formatted once per second per thread.
std::string_view DateLine() {
  thread_local time_t cached_second = 0;
  thread_local char line[64];
  thread_local size_t len = 0;
  time_t now = time(nullptr);
  if (now != cached_second) {
    cached_second = now;
    struct tm tm;
    gmtime_r(&now, &tm);
    len = strftime(line, sizeof(line), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
  }
  return std::string_view(line, len);
}

bool IsFramingHeader(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
         EqualsIgnoreCase(name, "Connection");
}

void AppendNumber(int64_t v, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, end);
}

}  // namespace

void AppendResponseHead(const Response& res, int64_t content_length, bool chunked, bool keep_alive,
                        bool http10, std::string_view content_encoding, std::string* out) {
  out->append("HTTP/1.1 ");
  AppendNumber(res.status, out);
  out->push_back(' ');
  out->append(StatusText(res.status));
  out->append("\r\n");
  out->append(DateLine());
  for (const auto& [name, value] : res.headers) {
    if (IsFramingHeader(name)) continue;
    out->append(name);
    out->append(": ");
    out->append(value);
    out->append("\r\n");
  }
  if (!content_encoding.empty()) {
    out->append("Content-Encoding: ");
    out->append(content_encoding);
    out->append("\r\nVary: Accept-Encoding\r\n");
  }
  bool no_body = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
  if (!no_body) {
    if (content_length >= 0) {
      out->append("Content-Length: ");
      AppendNumber(content_length, out);
      out->append("\r\n");
    } else if (chunked) {
      out->append("Transfer-Encoding: chunked\r\n");
    }
  }
  if (!keep_alive) {
    out->append("Connection: close\r\n");
  } else if (http10) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("\r\n");
}

bool CompressibleType(std::string_view type) {
  auto starts = [&](std::string_view p) { return type.substr(0, p.size()) == p; };
  if (starts("image/")) return starts("image/svg");
  return !(starts("video/") || starts("audio/") || starts("application/gzip") ||
           starts("application/zip") || starts("application/x-gzip") ||
           starts("application/octet-stream") || starts("font/woff"));
}

}  // namespace vigie::net::internal
