// One server connection: read -> parse (Beast's basic_parser) -> route -> write, looping for
// keep-alive. Responses are written straight to the socket with sendmsg(2) when the kernel
// takes them whole (the usual case), falling back to an Asio async write otherwise, which
// saves a trip through the scheduler per request. Timeouts are deadlines enforced by the
// server's sweeper thread (see ServerCore), not per-operation timers.
#include "net/internal/server_connection.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <boost/asio/write.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "core/log.h"
#include "core/time.h"
#include "net/gzip.h"

namespace vigie::net::internal {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

constexpr size_t kInitialBuffer = 8192;
constexpr int64_t kLingerNs = 2'000'000'000;  // drain a closing client for at most 2 s
constexpr size_t kLingerMaxBytes = 1 << 20;

int64_t NsFromMs(std::chrono::milliseconds ms) { return int64_t{ms.count()} * 1'000'000; }

// Fills a Request straight from the parser's callbacks (no intermediate field container).
class RequestParser final : public http::basic_parser<true> {
 public:
  explicit RequestParser(Request* req) : req_(req) {}
  bool expect_continue = false;

 private:
  void on_request_impl(http::verb, boost::beast::string_view method,
                       boost::beast::string_view target, int version, error_code&) override {
    req_->method.assign(method.data(), method.size());
    req_->target.assign(target.data(), target.size());
    req_->http_version = version;
  }
  void on_response_impl(int, boost::beast::string_view, int, error_code&) override {}
  void on_field_impl(http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, error_code&) override {
    req_->headers.Add(std::string_view(name_string.data(), name_string.size()),
                      std::string_view(value.data(), value.size()));
    if (name == http::field::expect &&
        EqualsIgnoreCase(std::string_view(value.data(), value.size()), "100-continue")) {
      expect_continue = true;
    }
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) req_->body.reserve(*length);  // already checked against body_limit
  }
  size_t on_body_impl(boost::beast::string_view body, error_code&) override {
    req_->body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body, error_code&) override {
    req_->body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  Request* req_;
};

// Splits the request target into the decoded path and the query. Accepts origin-form
// ("/p?q") and absolute-form ("http://host/p?q").
Status ParseTarget(Request& req) {
  std::string_view target = req.target;
  if (target.substr(0, 7) == "http://") {
    size_t slash = target.find('/', 7);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  if (target.empty() || target.front() != '/') {
    return InvalidArgument("request target \"" + req.target + "\" must start with '/'");
  }
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (raw_path.find('%') == std::string_view::npos) {
    req.path.assign(raw_path);
  } else {
    auto decoded = PercentDecode(raw_path);
    if (!decoded.ok()) return decoded.error().Wrap("malformed path");
    req.path = std::move(*decoded);
  }
  // Refuse dot-dot segments so that prefix handlers serving files cannot be walked out of.
  std::string_view p = req.path;
  for (size_t pos = p.find(".."); pos != std::string_view::npos; pos = p.find("..", pos + 1)) {
    bool seg_start = pos > 0 && p[pos - 1] == '/';
    bool seg_end = pos + 2 == p.size() || p[pos + 2] == '/';
    if (seg_start && seg_end) return InvalidArgument("path must not contain \"..\" segments");
  }
  if (q != std::string_view::npos) {
    Status st = ParseUrlEncoded(target.substr(q + 1), &req.query);
    if (!st.ok()) return std::move(st).error().Wrap("malformed query string");
  }
  return OkStatus();
}

class Connection final : public TrackedConnection,
                         public ResponseStreamSink,
                         public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerCore& core, GenericSocket socket, std::string remote)
      : TrackedConnection(socket.native_handle()),
        core_(core),
        opts_(core.options),
        socket_(std::move(socket)),
        remote_(std::move(remote)),
        buf_(new char[kInitialBuffer]),
        cap_(kInitialBuffer) {}

  ~Connection() override {
    if (!closed_) core_.Unregister(this);
  }

  void Start() {
    core_.Register(this);
    // The first request must start within the read timeout (not the longer idle timeout).
    GoIdle(std::min(opts_.read_timeout, opts_.idle_timeout));
  }

  // ResponseStreamSink: called from the handler, on this connection's thread, while no
  // asynchronous operation is pending on the socket.
  bool BeginStream(Response& res) override {
    bool head = req_.method == "HEAD";
    stream_chunked_ = req_.http_version >= 11;
    keep_alive_ = stream_chunked_ && parser_->keep_alive() && !core_.draining.load();
    std::string_view encoding;
    if (!head && WantGzip(res)) {
      encoding = "gzip";
      if (!encoder_) encoder_ = std::make_unique<GzipEncoder>(opts_.gzip_level);
      encoder_->Reset();
      stream_gzip_ = true;
    }
    head_.clear();
    AppendResponseHead(res, -1, stream_chunked_, keep_alive_, req_.http_version < 11, encoding,
                       &head_);
    stream_open_ = SendAllBlocking({head_});
    return stream_open_ && !head;
  }

  bool WriteStream(std::string_view data) override {
    if (!stream_open_) return false;
    if (stream_gzip_) {
      scratch_.clear();
      encoder_->Write(data, true, &scratch_);
      data = scratch_;
    }
    stream_open_ = SendChunk(data);
    bytes_sent_ += data.size();
    return stream_open_;
  }

 private:
  void ProcessBuffer() {
    while (true) {
      if (!parser_) {
        if (begin_ == end_) {
          GoIdle(opts_.idle_timeout);
          return;
        }
        StartRequest();
      }
      if (begin_ == end_) {
        DoRead();
        return;
      }
      error_code ec;
      size_t used = parser_->put(asio::buffer(buf_.get() + begin_, end_ - begin_), ec);
      begin_ += used;
      if (begin_ == end_) begin_ = end_ = 0;
      if (ec == http::error::need_more || (!ec && !parser_->is_done())) {
        if (parser_->is_header_done() && parser_->expect_continue && !sent_continue_) {
          sent_continue_ = true;
          if (!SendAllBlocking({std::string_view("HTTP/1.1 100 Continue\r\n\r\n")})) {
            Close();
            return;
          }
        }
        if (!parser_->is_header_done() && end_ - begin_ >= cap_ && cap_ >= MaxBuffer()) {
          RespondError(431, "request header fields too large");
          return;
        }
        DoRead();
        return;
      }
      if (ec) {
        if (ec == http::error::header_limit) {
          RespondError(431, "request header fields exceed the limit of " +
                                std::to_string(opts_.max_header_bytes) + " bytes");
        } else if (ec == http::error::body_limit) {
          RespondError(413, "request body exceeds the limit of " +
                                std::to_string(opts_.max_body_bytes) + " bytes");
        } else {
          RespondError(400, "malformed request: " + ec.message());
        }
        return;
      }
      if (!HandleRequest()) return;  // finishing asynchronously, or closed
      if (!FinishRequest()) return;
    }
  }

  size_t MaxBuffer() const { return opts_.max_header_bytes + 16384; }

  void StartRequest() {
    parser_.emplace(&req_);
    parser_->eager(true);
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(opts_.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(opts_.max_body_bytes);
    sent_continue_ = false;
    req_.Clear();
    state.store(ConnState::kReading);
    deadline_ns.store(MonotonicNs() + NsFromMs(opts_.read_timeout), std::memory_order_relaxed);
  }

  void GoIdle(std::chrono::milliseconds timeout) {
    state.store(ConnState::kIdle);
    deadline_ns.store(MonotonicNs() + NsFromMs(timeout), std::memory_order_relaxed);
    if (core_.draining.load()) {
      Close();
      return;
    }
    DoRead();
  }

  void DoRead() {
    if (cap_ - end_ < 1024) {
      if (begin_ > 0) {
        std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      }
      if (cap_ - end_ < 1024 && cap_ < MaxBuffer()) {
        size_t cap = std::min(cap_ * 2, MaxBuffer());
        std::unique_ptr<char[]> bigger(new char[cap]);
        std::memcpy(bigger.get(), buf_.get(), end_);
        buf_ = std::move(bigger);
        cap_ = cap;
      }
    }
    socket_.async_read_some(
        asio::buffer(buf_.get() + end_, cap_ - end_),
        [self = shared_from_this()](error_code ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(error_code ec, size_t n) {
    if (ec) {
      Close();
      return;
    }
    end_ += n;
    if (!parser_) StartRequest();
    ProcessBuffer();
  }

  bool WantGzip(const Response& res) const {
    return opts_.gzip && res.compression_allowed() && !res.headers.Has("Content-Encoding") &&
           res.status != 204 && res.status != 304 &&
           CompressibleType(res.headers.GetOr("Content-Type")) && req_.AcceptsGzip();
  }

  // Runs the handler and sends the response. Returns true when the response went out
  // synchronously (then FinishRequest() is due), false when an async write is pending or the
  // connection was closed.
  bool HandleRequest() {
    state.store(ConnState::kHandling);
    deadline_ns.store(0, std::memory_order_relaxed);
    handle_start_ns_ = MonotonicNs();
    bytes_sent_ = 0;
    res_.Clear();
    stream_gzip_ = false;
    stream_open_ = false;
    keep_alive_ = parser_->keep_alive() && !core_.draining.load();
    req_.remote_address = remote_;
    Status target_ok = ParseTarget(req_);
    if (!target_ok.ok()) {
      res_.Set(400, "bad request: " + target_ok.error().message() + "\n");
    } else {
      res_.set_stream_sink(this);
      try {
        core_.router.Serve(req_, res_);
      } catch (const std::exception& e) {
        log::Error("HTTP handler threw", {{"path", req_.path}, {"err", e.what()}});
        if (res_.streaming()) {
          stream_open_ = false;  // cut the stream short so the client sees it incomplete
        } else {
          res_.Set(500, "internal server error\n");
        }
      }
      res_.set_stream_sink(nullptr);
    }
    if (res_.streaming()) return FinishStream();
    return SendResponse();
  }

  bool FinishStream() {
    bool head = req_.method == "HEAD";
    if (stream_open_ && !head) {
      if (stream_gzip_) {
        scratch_.clear();
        encoder_->Finish(&scratch_);
        stream_open_ = SendChunk(scratch_);
        bytes_sent_ += scratch_.size();
      }
      if (stream_open_ && stream_chunked_) {
        stream_open_ = SendAllBlocking({std::string_view("0\r\n\r\n")});
      }
    }
    if (!stream_open_ || !stream_chunked_) keep_alive_ = false;
    if (!stream_open_) {
      Observe();
      Close();
      return false;
    }
    return true;
  }

  bool SendResponse() {
    bool head = req_.method == "HEAD";
    std::string_view body = res_.body;
    std::string_view encoding;
    if (core_.draining.load()) keep_alive_ = false;
    if (body.size() >= opts_.gzip_min_bytes && WantGzip(res_)) {
      if (!encoder_) encoder_ = std::make_unique<GzipEncoder>(opts_.gzip_level);
      compressed_.clear();
      encoder_->CompressWhole(body, &compressed_);
      body = compressed_;
      encoding = "gzip";
    }
    head_.clear();
    AppendResponseHead(res_, static_cast<int64_t>(body.size()), false, keep_alive_,
                       req_.http_version < 11, encoding, &head_);
    if (head || res_.status == 204 || res_.status == 304) body = {};  // never a body
    bytes_sent_ = body.size();
    out_[0] = asio::const_buffer(head_.data(), head_.size());
    out_[1] = asio::const_buffer(body.data(), body.size());
    size_t total = head_.size() + body.size();
    ssize_t n = SendSome(out_.data(), body.empty() ? 1 : 2);
    if (n < 0) {
      Observe();
      Close();
      return false;
    }
    if (static_cast<size_t>(n) == total) return true;
    // The kernel took part of it: finish asynchronously under the write timeout.
    size_t skip = static_cast<size_t>(n);
    for (auto& b : out_) {
      size_t s = std::min(skip, b.size());
      b += s;
      skip -= s;
    }
    state.store(ConnState::kWriting);
    deadline_ns.store(MonotonicNs() + NsFromMs(opts_.write_timeout), std::memory_order_relaxed);
    asio::async_write(socket_, out_, [self = shared_from_this()](error_code ec, size_t) {
      if (ec) {
        self->Observe();
        self->Close();
        return;
      }
      if (self->FinishRequest()) self->ProcessBuffer();
    });
    return false;
  }

  // After a response went out: observe, then either close or get ready for the next request.
  // Returns true if the connection continues.
  bool FinishRequest() {
    Observe();
    parser_.reset();
    if (!keep_alive_) {
      LingeringClose();
      return false;
    }
    return true;
  }

  void Observe() {
    if (!opts_.observer) return;
    double seconds = static_cast<double>(MonotonicNs() - handle_start_ns_) / 1e9;
    opts_.observer(req_.route, req_.method, res_.status, seconds, bytes_sent_);
  }

  // A response to a request that could not be parsed or accepted; the connection then closes.
  void RespondError(int status, std::string message) {
    state.store(ConnState::kHandling);
    res_.Clear();
    res_.Set(status, std::move(message) + "\n");
    head_.clear();
    AppendResponseHead(res_, static_cast<int64_t>(res_.body.size()), false, false, false, {},
                       &head_);
    SendAllBlocking({head_, res_.body});
    if (opts_.observer) opts_.observer("", req_.method, status, 0.0, res_.body.size());
    parser_.reset();
    LingeringClose();
  }

  // Sends FIN, then reads and discards what the client still sends (for a bounded time and
  // size), so that closing does not reset the connection before the client read our response.
  void LingeringClose() {
    state.store(ConnState::kClosing);
    error_code ec;
    socket_.shutdown(asio::socket_base::shutdown_send, ec);
    if (ec) {
      Close();
      return;
    }
    deadline_ns.store(MonotonicNs() + kLingerNs, std::memory_order_relaxed);
    begin_ = end_ = 0;
    Discard();
  }

  void Discard() {
    socket_.async_read_some(asio::buffer(buf_.get(), cap_),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              self->discarded_ += n;
                              if (ec || self->discarded_ > kLingerMaxBytes) {
                                self->Close();
                              } else {
                                self->Discard();
                              }
                            });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    state.store(ConnState::kClosing);
    core_.Unregister(this);  // before close(): see ServerCore
    error_code ec;
    socket_.close(ec);
  }

  // One non-blocking sendmsg of up to two buffers. Returns bytes sent (possibly 0 when the
  // socket buffer is full), or -1 when the peer is gone.
  ssize_t SendSome(const asio::const_buffer* bufs, int count) {
    iovec iov[2];
    for (int i = 0; i < count; ++i) {
      iov[i].iov_base = const_cast<void*>(bufs[i].data());
      iov[i].iov_len = bufs[i].size();
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(count);
    while (true) {
      ssize_t n = ::sendmsg(fd(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      return -1;
    }
  }

  // Blocks (poll) until all pieces are sent or the write timeout passes. Used on the handler's
  // thread while no async operation is pending: 100 Continue, streamed chunks, error replies.
  bool SendAllBlocking(std::initializer_list<std::string_view> pieces) {
    std::array<iovec, 4> iov;
    size_t count = 0;
    for (std::string_view p : pieces) {
      if (p.empty()) continue;
      iov[count].iov_base = const_cast<char*>(p.data());
      iov[count].iov_len = p.size();
      ++count;
    }
    int64_t deadline = MonotonicNs() + NsFromMs(opts_.write_timeout);
    size_t first = 0;
    while (first < count) {
      msghdr msg{};
      msg.msg_iov = &iov[first];
      msg.msg_iovlen = count - first;
      ssize_t n = ::sendmsg(fd(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
        int64_t left_ms = (deadline - MonotonicNs()) / 1'000'000;
        if (left_ms <= 0) return false;
        pollfd pfd{fd(), POLLOUT, 0};
        if (::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left_ms, 1 << 30))) < 0 &&
            errno != EINTR) {
          return false;
        }
        continue;
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
    return true;
  }

  bool SendChunk(std::string_view data) {
    if (data.empty()) return true;
    if (!stream_chunked_) return SendAllBlocking({data});
    char size_line[24];
    int len = snprintf(size_line, sizeof(size_line), "%zx\r\n", data.size());
    return SendAllBlocking({std::string_view(size_line, static_cast<size_t>(len)), data, "\r\n"});
  }

  ServerCore& core_;
  const ServerOptions& opts_;
  GenericSocket socket_;
  const std::string remote_;

  std::unique_ptr<char[]> buf_;  // unparsed input is [begin_, end_)
  size_t cap_;
  size_t begin_ = 0;
  size_t end_ = 0;

  std::optional<RequestParser> parser_;
  bool sent_continue_ = false;
  Request req_;
  Response res_;
  bool keep_alive_ = true;
  int64_t handle_start_ns_ = 0;
  size_t bytes_sent_ = 0;

  std::string head_;        // serialized status line + headers
  std::string compressed_;  // gzip body
  std::array<asio::const_buffer, 2> out_;
  std::unique_ptr<GzipEncoder> encoder_;

  bool stream_chunked_ = false;
  bool stream_gzip_ = false;
  bool stream_open_ = false;
  std::string scratch_;

  size_t discarded_ = 0;
  bool closed_ = false;
};

}  // namespace

void StartConnection(ServerCore& core, GenericSocket socket, std::string remote_address) {
  auto conn = std::make_shared<Connection>(core, std::move(socket), std::move(remote_address));
  conn->Start();
}

}  // namespace vigie::net::internal
