// HttpClient: request serialisation, the idle-connection pool, and response parsing with
// Beast's basic_parser (header-only; no Asio I/O: sockets are plain POSIX, see client_socket).
#include "net/http_client.h"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/time.h"
#include "net/address.h"
#include "net/gzip.h"
#include "net/internal/client_socket.h"

namespace vigie::net {

namespace http = boost::beast::http;
using boost::system::error_code;
using internal::ClientSocket;
using internal::Deadline;

namespace {

error_code StopError() {
  return boost::system::errc::make_error_code(boost::system::errc::operation_canceled);
}

// Parses one response into a ClientResponse, or hands its body to a StreamHandler; decodes
// gzip and enforces the body limit on the decoded size.
class ResponseParser final : public http::basic_parser<false> {
 public:
  ResponseParser(ClientResponse* out, const StreamHandler* stream, bool decode_gzip,
                 size_t max_body)
      : out_(out), stream_(stream), decode_gzip_(decode_gzip), max_body_(max_body) {}

  std::optional<Error> failure;  // why a callback stopped the parse with an error
  bool stopped = false;          // the stream handler asked to stop

 private:
  void on_request_impl(http::verb, boost::beast::string_view, boost::beast::string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, boost::beast::string_view, int, error_code&) override {
    out_->status = code;
  }
  void on_field_impl(http::field, boost::beast::string_view name, boost::beast::string_view value,
                     error_code&) override {
    out_->headers.Add(std::string_view(name.data(), name.size()),
                      std::string_view(value.data(), value.size()));
  }
  void on_header_impl(error_code& ec) override {
    if (decode_gzip_ && EqualsIgnoreCase(out_->headers.GetOr("Content-Encoding"), "gzip")) {
      decoder_ = std::make_unique<GzipDecoder>(max_body_);
      out_->headers.Remove("Content-Encoding");
      out_->headers.Remove("Content-Length");
    }
    if (stream_ && stream_->on_head && !stream_->on_head(out_->status, out_->headers)) {
      stopped = true;
      ec = StopError();
    }
  }
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (!stream_ && !decoder_ && length) out_->body.reserve(*length);
  }
  size_t on_body_impl(boost::beast::string_view body, error_code& ec) override {
    Deliver(std::string_view(body.data(), body.size()), ec);
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                            error_code& ec) override {
    Deliver(std::string_view(body.data(), body.size()), ec);
    return body.size();
  }
  void on_finish_impl(error_code& ec) override {
    if (decoder_ && fed_ && !decoder_->done()) {
      failure = Corruption("malformed response: truncated gzip body");
      ec = StopError();
    }
  }

  void Deliver(std::string_view data, error_code& ec) {
    if (decoder_) {
      fed_ = true;
      scratch_.clear();
      Status st = decoder_->Feed(data, &scratch_);
      if (!st.ok()) {
        failure = st.error().code() == ErrorCode::kResourceExhausted
                      ? ResourceExhausted("response body exceeds the limit of " +
                                          std::to_string(max_body_) + " bytes (decompressed)")
                      : Corruption("malformed response: " + st.error().message());
        ec = StopError();
        return;
      }
      data = scratch_;
    }
    if (stream_) {
      if (!data.empty() && stream_->on_data && !stream_->on_data(data)) {
        stopped = true;
        ec = StopError();
      }
      return;
    }
    if (out_->body.size() + data.size() > max_body_) {
      failure = ResourceExhausted("response body exceeds the limit of " +
                                  std::to_string(max_body_) + " bytes");
      ec = StopError();
      return;
    }
    out_->body.append(data);
  }

  ClientResponse* out_;
  const StreamHandler* stream_;
  bool decode_gzip_;
  size_t max_body_;
  std::unique_ptr<GzipDecoder> decoder_;
  bool fed_ = false;
  std::string scratch_;
};

std::string DurationText(std::chrono::milliseconds d) { return FormatDuration(d.count()); }

bool HasBodyMethod(std::string_view m) { return m == "POST" || m == "PUT" || m == "PATCH"; }

}  // namespace

class HttpClient::Impl {
 public:
  explicit Impl(ClientOptions o) : opts_(std::move(o)) {}

  Status Exchange(const ClientRequest& req, ClientResponse* out, const StreamHandler* stream) {
    const std::string what = req.method + " " + req.url;
    auto url_or = ParseUrl(req.url);
    if (!url_or.ok()) return url_or.error().Wrap(what);
    const Url& url = *url_or;
    std::string unix_path = !opts_.unix_socket.empty() ? opts_.unix_socket : url.unix_path;
    std::string key = unix_path.empty() ? JoinHostPort(url.host, url.port) : "unix:" + unix_path;

    std::chrono::milliseconds total = req.timeout;
    if (total.count() < 0) total = stream ? std::chrono::milliseconds(0) : opts_.timeout;
    const int64_t start = MonotonicNs();
    Deadline deadline{total.count() > 0 ? start + total.count() * 1'000'000 : 0, req.cancel};

    std::string head = SerializeHead(req, url);
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::unique_ptr<ClientSocket> sock = attempt == 0 ? TakeIdle(key) : nullptr;
      const bool reused = sock != nullptr;
      if (!sock) {
        int64_t connect_ns = start + opts_.connect_timeout.count() * 1'000'000;
        bool connect_limited = deadline.ns == 0 || connect_ns < deadline.ns;
        Deadline cd{connect_limited ? connect_ns : deadline.ns, req.cancel};
        auto s = unix_path.empty() ? ClientSocket::ConnectTcp(url.host, url.port, cd)
                                   : ClientSocket::ConnectUnix(unix_path, cd);
        if (!s.ok()) {
          if (s.error().code() == ErrorCode::kTimeout) {
            return Timeout(what + ": timed out after " +
                           DurationText(connect_limited ? opts_.connect_timeout : total) +
                           " connecting to " + (unix_path.empty() ? key : unix_path));
          }
          return s.error().Wrap(what);
        }
        sock = std::move(*s);
        opened_.fetch_add(1, std::memory_order_relaxed);
      }
      Status sent = sock->SendAll(head, req.body, deadline);
      bool received_any = false;
      bool reusable = false;
      *out = ClientResponse();
      if (!sent.ok()) {
        if (reused && sent.error().code() == ErrorCode::kUnavailable) continue;
        if (sent.error().code() != ErrorCode::kUnavailable)
          return Describe(sent.error(), what, total);
        // The server may have answered early (e.g. 413 for a large body) and closed: use
        // that answer if there is one.
        Status early = ReadResponse(*sock, req, out, stream, deadline, &received_any, &reusable);
        if (!early.ok() || out->status == 0) return Describe(sent.error(), what, total);
        return OkStatus();
      }
      Status got = ReadResponse(*sock, req, out, stream, deadline, &received_any, &reusable);
      if (!got.ok()) {
        if (reused && !received_any && got.error().code() == ErrorCode::kUnavailable) continue;
        return Describe(got.error(), what, total);
      }
      if (reusable) PutIdle(key, std::move(sock));
      return OkStatus();
    }
    return Unavailable(what + ": connection closed before a response arrived");
  }

  uint64_t opened() const { return opened_.load(); }
  size_t idle_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const auto& [k, v] : idle_) n += v.size();
    return n;
  }
  void CloseIdle() {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.clear();
  }

 private:
  static Error Describe(const Error& e, const std::string& what, std::chrono::milliseconds total) {
    if (e.code() == ErrorCode::kTimeout) {
      return Timeout(what + ": timed out after " + DurationText(total));
    }
    return e.Wrap(what);
  }

  std::string SerializeHead(const ClientRequest& req, const Url& url) const {
    std::string h;
    h.reserve(256 + req.headers.size() * 32);
    h.append(req.method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
    if (!req.headers.Has("Host")) h.append("Host: ").append(url.HostHeader()).append("\r\n");
    if (!req.headers.Has("User-Agent") && !opts_.user_agent.empty()) {
      h.append("User-Agent: ").append(opts_.user_agent).append("\r\n");
    }
    if (opts_.accept_gzip && !req.headers.Has("Accept-Encoding")) {
      h.append("Accept-Encoding: gzip\r\n");
    }
    if ((!req.body.empty() || HasBodyMethod(req.method)) && !req.headers.Has("Content-Length")) {
      h.append("Content-Length: ").append(std::to_string(req.body.size())).append("\r\n");
    }
    for (const auto& [name, value] : req.headers) {
      h.append(name).append(": ").append(value).append("\r\n");
    }
    h.append("\r\n");
    return h;
  }

  Status ReadResponse(ClientSocket& sock, const ClientRequest& req, ClientResponse* out,
                      const StreamHandler* stream, Deadline deadline, bool* received_any,
                      bool* reusable) {
    const size_t max_body =
        req.max_response_bytes != 0 ? req.max_response_bytes : opts_.max_response_bytes;
    // Decode only if we asked for gzip (a caller that set Accept-Encoding itself gets bytes).
    const bool decode = opts_.accept_gzip && !req.headers.Has("Accept-Encoding");
    std::optional<ResponseParser> parser;
    auto new_parser = [&] {
      parser.emplace(out, stream, decode, max_body);
      parser->eager(true);
      parser->header_limit(static_cast<std::uint32_t>(opts_.max_header_bytes));
      parser->body_limit(max_body);
      if (req.method == "HEAD") parser->skip(true);
    };
    new_parser();
    const size_t max_buffer = opts_.max_header_bytes + 16384;
    std::vector<char> buf(16384);
    size_t begin = 0, end = 0;
    while (true) {
      error_code ec;
      if (begin < end) {
        size_t used = parser->put(boost::asio::buffer(buf.data() + begin, end - begin), ec);
        begin += used;
      } else {
        ec = http::error::need_more;
      }
      if (!ec && parser->is_done()) {
        if (out->status >= 100 && out->status < 200 && out->status != 101) {
          *out = ClientResponse();  // an interim response: the real one follows
          new_parser();
          continue;
        }
        *reusable = parser->keep_alive() && begin == end;
        return OkStatus();
      }
      if (ec && ec != http::error::need_more) return ParseFailure(*parser, ec, max_body);
      // Need more input.
      if (begin > 0) {
        std::copy(buf.begin() + begin, buf.begin() + end, buf.begin());
        end -= begin;
        begin = 0;
      }
      if (end == buf.size()) {
        if (buf.size() >= max_buffer) {
          return InvalidArgument("malformed response: header exceeds " +
                                 std::to_string(opts_.max_header_bytes) + " bytes");
        }
        buf.resize(std::min(buf.size() * 2, max_buffer));
      }
      auto n = sock.Recv(buf.data() + end, buf.size() - end, deadline);
      if (!n.ok()) return std::move(n).error();
      if (*n == 0) {
        if (!*received_any) return Unavailable("connection closed before a response arrived");
        parser->put_eof(ec);
        if (ec) {
          if (parser->failure) return *parser->failure;
          return Unavailable("connection closed before the response was complete");
        }
        *reusable = false;
        return OkStatus();
      }
      *received_any = true;
      end += *n;
    }
  }

  static Status ParseFailure(const ResponseParser& p, error_code ec, size_t max_body) {
    if (p.stopped) return OkStatus();
    if (p.failure) return *p.failure;
    if (ec == http::error::body_limit) {
      return ResourceExhausted("response body exceeds the limit of " + std::to_string(max_body) +
                               " bytes");
    }
    if (ec == http::error::header_limit) {
      return InvalidArgument("malformed response: header too large");
    }
    return InvalidArgument("malformed response: " + ec.message());
  }

  std::unique_ptr<ClientSocket> TakeIdle(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = idle_.find(key);
    if (it == idle_.end()) return nullptr;
    auto& v = it->second;
    const int64_t now = MonotonicNs();
    const int64_t max_idle = opts_.idle_connection_timeout.count() * 1'000'000;
    while (!v.empty()) {
      std::unique_ptr<ClientSocket> s = std::move(v.back());
      v.pop_back();
      if (now - s->idle_since_ns < max_idle && s->IdleAndOpen()) return s;
    }
    return nullptr;
  }

  void PutIdle(const std::string& key, std::unique_ptr<ClientSocket> s) {
    s->idle_since_ns = MonotonicNs();
    std::lock_guard<std::mutex> lock(mu_);
    auto& v = idle_[key];
    if (v.size() < opts_.max_idle_per_host) v.push_back(std::move(s));
  }

  const ClientOptions opts_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<ClientSocket>>>
      idle_;  // GUARDED_BY(mu_)
  std::atomic<uint64_t> opened_{0};
};

HttpClient::HttpClient(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

Result<ClientResponse> HttpClient::Do(const ClientRequest& request) {
  ClientResponse out;
  Status st = impl_->Exchange(request, &out, nullptr);
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<ClientResponse> HttpClient::Get(std::string_view url, const Headers& headers) {
  ClientRequest req;
  req.url = std::string(url);
  req.headers = headers;
  return Do(req);
}

Result<ClientResponse> HttpClient::Post(std::string_view url, std::string body,
                                        std::string_view content_type, const Headers& headers) {
  ClientRequest req;
  req.method = "POST";
  req.url = std::string(url);
  req.headers = headers;
  if (!content_type.empty() && !req.headers.Has("Content-Type")) {
    req.headers.Add("Content-Type", content_type);
  }
  req.body = std::move(body);
  return Do(req);
}

Result<ClientResponse> HttpClient::Delete(std::string_view url, const Headers& headers) {
  ClientRequest req;
  req.method = "DELETE";
  req.url = std::string(url);
  req.headers = headers;
  return Do(req);
}

Status HttpClient::Stream(const ClientRequest& request, const StreamHandler& handler) {
  ClientResponse head;
  return impl_->Exchange(request, &head, &handler);
}

uint64_t HttpClient::connections_opened() const { return impl_->opened(); }
size_t HttpClient::idle_connections() const { return impl_->idle_count(); }
void HttpClient::CloseIdleConnections() { impl_->CloseIdle(); }

}  // namespace vigie::net
