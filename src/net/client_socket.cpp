#include "net/internal/client_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/time.h"

namespace vigie::net::internal {
namespace {

constexpr int64_t kCancelPollMs = 100;

// Waits until `fd` is ready for `events`, the deadline passes (kTimeout) or cancel is set.
Status WaitFd(int fd, short events, Deadline d) {
  while (true) {
    if (d.cancel && d.cancel->is_set()) return Error(ErrorCode::kCanceled, "canceled");
    int64_t wait_ms = -1;
    if (d.ns != 0) {
      int64_t left = d.ns - MonotonicNs();
      if (left <= 0) return Timeout("timed out");
      wait_ms = (left + 999'999) / 1'000'000;
    }
    int cancel_fd = d.cancel ? d.cancel->fd() : -1;
    // A signal without a descriptor to wake on is looked at every kCancelPollMs.
    if (d.cancel && cancel_fd < 0) {
      wait_ms = wait_ms < 0 ? kCancelPollMs : std::min(wait_ms, kCancelPollMs);
    }
    pollfd pfd[2] = {{fd, events, 0}, {cancel_fd, POLLIN, 0}};
    nfds_t n = cancel_fd >= 0 ? 2 : 1;
    int rc = ::poll(pfd, n, static_cast<int>(std::min<int64_t>(wait_ms, 1 << 30)));
    if (rc > 0 && pfd[0].revents != 0) return OkStatus();
    if (rc < 0 && errno != EINTR) return IoError(std::string("poll: ") + std::strerror(errno));
  }
}

Status ConnectFd(int fd, const sockaddr* addr, socklen_t len, Deadline d) {
  if (::connect(fd, addr, len) == 0) return OkStatus();
  if (errno != EINPROGRESS && errno != EAGAIN) {
    int e = errno;
    if (e == ECONNREFUSED || e == ENOENT) return Unavailable("connection refused");
    return Unavailable(std::strerror(e));
  }
  VIGIE_RETURN_IF_ERROR(WaitFd(fd, POLLOUT, d));
  int err = 0;
  socklen_t err_len = sizeof(err);
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (err == 0) return OkStatus();
  if (err == ECONNREFUSED) return Unavailable("connection refused");
  return Unavailable(std::strerror(err));
}

int NewSocket(int family) {
  return ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

}  // namespace

Result<std::unique_ptr<ClientSocket>> ClientSocket::ConnectTcp(const std::string& host, int port,
                                                               Deadline deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port_text = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res);
  if (rc != 0) {
    return Unavailable("cannot resolve host \"" + host + "\": " + gai_strerror(rc));
  }
  Status last = Unavailable("no address for host \"" + host + "\"");
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = NewSocket(ai->ai_family);
    if (fd < 0) {
      last = IoError(std::string("socket: ") + std::strerror(errno));
      continue;
    }
    last = ConnectFd(fd, ai->ai_addr, ai->ai_addrlen, deadline);
    if (last.ok()) {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      ::freeaddrinfo(res);
      return std::unique_ptr<ClientSocket>(new ClientSocket(fd));
    }
    ::close(fd);
    if (last.error().code() == ErrorCode::kTimeout || last.error().code() == ErrorCode::kCanceled) {
      break;
    }
  }
  ::freeaddrinfo(res);
  return std::move(last).error();
}

Result<std::unique_ptr<ClientSocket>> ClientSocket::ConnectUnix(const std::string& path,
                                                                Deadline deadline) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return InvalidArgument("unix socket path too long: " + path);
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = NewSocket(AF_UNIX);
  if (fd < 0) return IoError(std::string("socket: ") + std::strerror(errno));
  Status st = ConnectFd(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr), deadline);
  if (!st.ok()) {
    ::close(fd);
    return std::move(st).error();
  }
  return std::unique_ptr<ClientSocket>(new ClientSocket(fd));
}

ClientSocket::~ClientSocket() { ::close(fd_); }

Status ClientSocket::SendAll(std::string_view a, std::string_view b, Deadline deadline) {
  iovec iov[2] = {{const_cast<char*>(a.data()), a.size()}, {const_cast<char*>(b.data()), b.size()}};
  int first = a.empty() ? 1 : 0;
  int count = b.empty() ? 1 : 2;
  while (first < count) {
    msghdr msg{};
    msg.msg_iov = &iov[first];
    msg.msg_iovlen = static_cast<size_t>(count - first);
    ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        VIGIE_RETURN_IF_ERROR(WaitFd(fd_, POLLOUT, deadline));
        continue;
      }
      return Unavailable(std::string("sending the request: ") + std::strerror(errno));
    }
    size_t left = static_cast<size_t>(n);
    while (first < count && left >= iov[first].iov_len) {
      left -= iov[first].iov_len;
      ++first;
    }
    if (first < count) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return OkStatus();
}

Result<size_t> ClientSocket::Recv(char* buf, size_t len, Deadline deadline) {
  while (true) {
    ssize_t n = ::recv(fd_, buf, len, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      VIGIE_RETURN_IF_ERROR(WaitFd(fd_, POLLIN, deadline));
      continue;
    }
    if (errno == ECONNRESET) return Unavailable("connection reset by peer");
    return Unavailable(std::string("reading the response: ") + std::strerror(errno));
  }
}

bool ClientSocket::IdleAndOpen() const {
  pollfd pfd{fd_, POLLIN, 0};
  return ::poll(&pfd, 1, 0) == 0;
}

}  // namespace vigie::net::internal
