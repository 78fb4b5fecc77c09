// A stand-in for the engine's socket in unit tests: an HTTP/1.1 server on a unix socket in a
// temporary directory that answers each request with what the test's handler writes. (The
// real engine is exercised by tests/swarm.)
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/temp_dir.h"

namespace vigie::docker::testing {

class FakeEngine {
 public:
  // handler(request_target, write) writes the raw response with write(bytes); returning closes
  // the connection.
  using Handler =
      std::function<void(const std::string& target, const std::function<bool(std::string_view)>&)>;

  explicit FakeEngine(Handler handler) : handler_(std::move(handler)) {
    path_ = dir_.Join("docker.sock");
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      ::close(listen_fd_);
      listen_fd_ = -1;
      return;
    }
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeEngine() {
    stop_ = true;
    if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    for (auto& t : conns_) t.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }
  const std::string& path() const { return path_; }
  bool ok() const { return listen_fd_ >= 0; }
  std::vector<std::string> targets() {
    std::lock_guard lock(mu_);
    return targets_;
  }
  bool stopping() const { return stop_; }

  static std::string Response(int status, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) +
           " X\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  static std::string ChunkedHead() {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: "
           "chunked\r\n\r\n";
  }
  static std::string Chunk(const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
  }

 private:
  void Serve() {
    while (!stop_) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) break;
      conns_.emplace_back([this, fd] { HandleConn(fd); });
    }
  }
  void HandleConn(int fd) {
    std::string req;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
    }
    size_t sp1 = req.find(' '), sp2 = req.find(' ', sp1 + 1);
    std::string target = sp1 == std::string::npos ? "" : req.substr(sp1 + 1, sp2 - sp1 - 1);
    {
      std::lock_guard lock(mu_);
      targets_.push_back(target);
    }
    handler_(target, [fd](std::string_view data) {
      return ::send(fd, data.data(), data.size(), MSG_NOSIGNAL) ==
             static_cast<ssize_t>(data.size());
    });
    ::close(fd);
  }

  vigie::testing::TempDir dir_;
  std::string path_;
  Handler handler_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> conns_;
  std::mutex mu_;
  std::vector<std::string> targets_;
};

}  // namespace vigie::docker::testing
