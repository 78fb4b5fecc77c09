// HttpServer: listeners (TCP and unix), the thread pool running one io_context, the deadline
// sweeper, health endpoints and graceful shutdown. Connections live in server_connection.cpp.
#include "net/http_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <optional>
#include <thread>

#include "core/log.h"
#include "core/time.h"
#include "net/address.h"
#include "net/internal/server_connection.h"

namespace vigie::net {

namespace asio = boost::asio;
using boost::system::error_code;
using internal::ServerCore;

namespace {

std::string EndpointString(const asio::ip::tcp::endpoint& ep) {
  return JoinHostPort(ep.address().to_string(), ep.port());
}

// Accept loop for one listening socket; accept errors (e.g. out of file descriptors) are
// logged and retried after a short pause instead of ending the loop.
template <typename Protocol>
class Listener {
 public:
  using Acceptor = typename Protocol::acceptor;
  Listener(asio::io_context& ioc, ServerCore& core, Acceptor acceptor, std::string name)
      : core_(core),
        strand_(asio::make_strand(ioc)),
        acceptor_(std::move(acceptor)),
        retry_(strand_),
        name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  void Start() {
    asio::post(strand_, [this] { Accept(); });
  }
  // Posts the close to the listener's strand; `done` runs after it.
  void Close(std::function<void()> done) {
    asio::post(strand_, [this, done = std::move(done)] {
      closed_ = true;
      error_code ec;
      acceptor_.close(ec);
      retry_.cancel();
      done();
    });
  }
  void CloseNow() {
    error_code ec;
    acceptor_.close(ec);
  }

 private:
  void Accept() {
    if (closed_) return;
    acceptor_.async_accept(asio::bind_executor(strand_, [this](error_code ec,
                                                               typename Protocol::socket sock) {
      if (closed_ || ec == asio::error::operation_aborted) return;
      if (ec) {
        log::Warn("accept failed", {{"listen", name_}, {"err", ec.message()}});
        retry_.expires_after(std::chrono::milliseconds(50));
        retry_.async_wait([this](error_code wec) {
          if (!wec) Accept();
        });
        return;
      }
      std::string remote = "unix";
      if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
        error_code opt_ec;
        sock.set_option(asio::ip::tcp::no_delay(true), opt_ec);
        auto ep = sock.remote_endpoint(opt_ec);
        if (!opt_ec) remote = EndpointString(ep);
      }
      internal::StartConnection(core_, internal::GenericSocket(std::move(sock)), std::move(remote));
      Accept();
    }));
  }

  ServerCore& core_;
  asio::strand<asio::io_context::executor_type> strand_;
  Acceptor acceptor_;
  asio::steady_timer retry_;
  std::string name_;
  bool closed_ = false;  // only touched on strand_
};

Status SetReusePort(int fd, const std::string& addr) {
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) {
    return IoError("listen " + addr + ": setting SO_REUSEPORT: " + std::strerror(errno));
  }
  return OkStatus();
}

}  // namespace

class HttpServer::Impl {
 public:
  explicit Impl(ServerOptions opts)
      : core_(std::move(opts)), ioc_(std::max(1, core_.options.threads)) {}

  ~Impl() { Shutdown(std::chrono::milliseconds(0)); }

  Status Bind() {
    if (core_.options.listen_addresses.empty()) {
      return InvalidArgument("no listen address configured");
    }
    for (const std::string& text : core_.options.listen_addresses) {
      VIGIE_ASSIGN_OR_RETURN(ListenAddress addr, ParseListenAddress(text));
      if (addr.is_unix()) {
        VIGIE_RETURN_IF_ERROR(BindUnix(addr.unix_path));
      } else {
        VIGIE_RETURN_IF_ERROR(BindTcp(text, addr));
      }
    }
    return OkStatus();
  }

  Status BindTcp(const std::string& text, const ListenAddress& addr) {
    std::vector<asio::ip::tcp::endpoint> endpoints;
    if (addr.host.empty()) {
      // One dual-stack socket for ":port"; plain IPv4 where the kernel has no IPv6.
      asio::ip::tcp::acceptor probe(ioc_);
      error_code v6_ec;
      probe.open(asio::ip::tcp::v6(), v6_ec);
      endpoints.emplace_back(v6_ec ? asio::ip::tcp::v4() : asio::ip::tcp::v6(),
                             static_cast<unsigned short>(addr.port));
    } else {
      asio::ip::tcp::resolver resolver(ioc_);
      error_code ec;
      auto results = resolver.resolve(addr.host, std::to_string(addr.port),
                                      asio::ip::tcp::resolver::passive, ec);
      if (ec) return InvalidArgument("listen " + text + ": cannot resolve host: " + ec.message());
      for (const auto& r : results) {
        endpoints.push_back(r.endpoint());
        break;  // the first address, as Go's net.Listen does
      }
    }
    for (const auto& ep : endpoints) {
      asio::ip::tcp::acceptor acc(ioc_);
      error_code ec;
      acc.open(ep.protocol(), ec);
      if (ec) return IoError("listen " + text + ": " + ec.message());
      acc.set_option(asio::socket_base::reuse_address(true), ec);
      if (ep.address().is_v6() && addr.host.empty()) {
        acc.set_option(asio::ip::v6_only(false), ec);  // ":port" means IPv4 and IPv6
      }
      if (core_.options.reuse_port) {
        VIGIE_RETURN_IF_ERROR(SetReusePort(acc.native_handle(), text));
      }
      acc.bind(ep, ec);
      if (ec) return IoError("listen " + text + ": " + ec.message());
      acc.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return IoError("listen " + text + ": " + ec.message());
      auto local = acc.local_endpoint(ec);
      std::string name = addr.host.empty() ? JoinHostPort("", local.port()) : EndpointString(local);
      if (first_tcp_port_ == 0) first_tcp_port_ = local.port();
      tcp_.push_back(std::make_unique<Listener<asio::ip::tcp>>(ioc_, core_, std::move(acc), name));
    }
    return OkStatus();
  }

  Status BindUnix(const std::string& path) {
    std::string text = "unix:" + path;
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        return IoError("listen " + text + ": path exists and is not a socket");
      }
      // Remove a stale socket, but never one a live server still answers on.
      asio::local::stream_protocol::socket probe(ioc_);
      error_code ec;
      probe.connect(asio::local::stream_protocol::endpoint(path), ec);
      if (!ec) return IoError("listen " + text + ": another server is listening there");
      ::unlink(path.c_str());
    }
    asio::local::stream_protocol::acceptor acc(ioc_);
    error_code ec;
    acc.open(asio::local::stream_protocol(), ec);
    if (!ec) acc.bind(asio::local::stream_protocol::endpoint(path), ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return IoError("listen " + text + ": " + ec.message());
    unix_paths_.push_back(path);
    unix_.push_back(std::make_unique<Listener<asio::local::stream_protocol>>(ioc_, core_,
                                                                             std::move(acc), text));
    return OkStatus();
  }

  void AddHealthRoutes() {
    if (!core_.options.health_endpoints) return;
    std::string name = core_.options.name;
    core_.router.Get("/-/healthy", [name](const Request&, Response& res) {
      res.Set(200, name + " is Healthy.\n");
    });
    core_.router.Get("/-/ready", [this, name](const Request&, Response& res) {
      if (core_.ready.load()) {
        res.Set(200, name + " is Ready.\n");
      } else {
        res.Set(503, name + " is not ready.\n");
      }
    });
  }

  Status Start() {
    if (started_) return InvalidArgument("server already started");
    started_ = true;
    work_.emplace(asio::make_work_guard(ioc_));
    for (auto& l : tcp_) l->Start();
    for (auto& l : unix_) l->Start();
    int n = std::max(1, core_.options.threads);
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    sweeper_ = std::thread([this] { SweepLoop(); });
    std::vector<std::string> addrs = Addresses();
    std::string joined;
    for (const auto& a : addrs) joined += (joined.empty() ? "" : ",") + a;
    log::Info("HTTP server listening", {{"address", joined}, {"threads", n}});
    return OkStatus();
  }

  // Wakes at the earliest connection deadline, at the latest one shortest timeout from now (a
  // deadline set meanwhile is at least that far away), and not at all while no connection is
  // open until one registers.
  void SweepLoop() {
    const auto& o = core_.options;
    const int64_t shortest_ns =
        std::chrono::nanoseconds(std::min({o.read_timeout, o.write_timeout, o.idle_timeout}))
            .count();
    std::unique_lock<std::mutex> lock(core_.sweep_mu);
    while (!core_.stop_sweeper) {
      uint64_t seen = core_.registrations;
      lock.unlock();
      int64_t now = MonotonicNs();
      bool any = false;
      int64_t earliest = core_.SweepDeadlines(now, &any);
      lock.lock();
      if (!any) {
        core_.sweeper_idle = true;
        core_.sweep_cv.wait(lock,
                            [&] { return core_.stop_sweeper || core_.registrations != seen; });
        core_.sweeper_idle = false;
        continue;
      }
      int64_t wake = now + std::max<int64_t>(shortest_ns, 1'000'000);
      if (earliest != 0) wake = std::min(wake, earliest + 1'000'000);  // just past it
      core_.sweep_cv.wait_for(lock, std::chrono::nanoseconds(wake - now),
                              [&] { return core_.stop_sweeper; });
    }
  }

  void Shutdown(std::chrono::milliseconds grace) {
    if (shut_down_) return;
    shut_down_ = true;
    if (!started_) {
      for (auto& l : tcp_) l->CloseNow();
      for (auto& l : unix_) l->CloseNow();
      RemoveUnixPaths();
      return;
    }
    // 1. Stop accepting (on each listener's strand), and wait until that happened.
    size_t pending = tcp_.size() + unix_.size();
    std::mutex mu;
    std::condition_variable cv;
    auto done = [&] {
      std::lock_guard<std::mutex> lock(mu);
      if (--pending == 0) cv.notify_all();
    };
    for (auto& l : tcp_) l->Close(done);
    for (auto& l : unix_) l->Close(done);
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return pending == 0; });
    }
    // 2. Drain: idle connections close now, busy ones after their response.
    core_.draining.store(true);
    core_.ShutdownSockets(false);
    auto deadline = std::chrono::steady_clock::now() + grace;
    {
      std::unique_lock<std::mutex> lock(core_.mu);
      core_.all_closed.wait_until(lock, deadline, [&] { return core_.connections.empty(); });
    }
    // 3. Whatever is left is cut off.
    if (core_.ConnectionCount() > 0) {
      log::Warn("HTTP server shutdown: closing connections still in flight",
                {{"connections", core_.ConnectionCount()}});
      core_.ShutdownSockets(true);
      std::unique_lock<std::mutex> lock(core_.mu);
      core_.all_closed.wait_for(lock, std::chrono::seconds(1),
                                [&] { return core_.connections.empty(); });
    }
    {
      std::lock_guard<std::mutex> lock(core_.sweep_mu);
      core_.stop_sweeper = true;
    }
    core_.sweep_cv.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    RemoveUnixPaths();
  }

  void RemoveUnixPaths() {
    for (const auto& p : unix_paths_) ::unlink(p.c_str());
    unix_paths_.clear();
  }

  std::vector<std::string> Addresses() const {
    std::vector<std::string> out;
    for (const auto& l : tcp_) out.push_back(l->name());
    for (const auto& l : unix_) out.push_back(l->name());
    return out;
  }

  ServerCore core_;  // declared first: destroyed after the io_context and its handlers
  asio::io_context ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::unique_ptr<Listener<asio::ip::tcp>>> tcp_;
  std::vector<std::unique_ptr<Listener<asio::local::stream_protocol>>> unix_;
  std::vector<std::string> unix_paths_;
  std::vector<std::thread> threads_;
  std::thread sweeper_;
  int first_tcp_port_ = 0;
  bool started_ = false;
  bool shut_down_ = false;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Open(ServerOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  VIGIE_RETURN_IF_ERROR(impl->Bind());
  impl->AddHealthRoutes();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Router& HttpServer::router() { return impl_->core_.router; }
Status HttpServer::Start() { return impl_->Start(); }
void HttpServer::Shutdown(std::chrono::milliseconds grace) { impl_->Shutdown(grace); }
void HttpServer::SetReady(bool ready) { impl_->core_.ready.store(ready); }
std::vector<std::string> HttpServer::addresses() const { return impl_->Addresses(); }
int HttpServer::port() const { return impl_->first_tcp_port_; }

}  // namespace vigie::net
