// Transport over net::HttpClient's unix-socket mode.
#include <string>

#include "docker/parse.h"
#include "docker/transport.h"
#include "net/http_client.h"

namespace vigie::docker {

namespace {

class NetTransport final : public Transport {
 public:
  NetTransport(std::string socket_path, DurationMs timeout_ms)
      : path_(std::move(socket_path)), client_(Options(path_, timeout_ms)) {}

  Result<HttpResponse> Request(std::string_view method, std::string_view target) override {
    net::ClientRequest req;
    req.method = std::string(method);
    req.url = Url(target);
    auto r = client_.Do(req);
    if (!r.ok()) return Describe(r.error());
    return HttpResponse{r->status, std::move(r->body)};
  }

  Status Stream(std::string_view target,
                const std::function<bool(std::string_view)>& on_data) override {
    if (cancel_.is_set()) return Error(ErrorCode::kCanceled, "canceled");
    net::ClientRequest req;
    req.url = Url(target);
    req.cancel = &cancel_;
    int status = 0;
    std::string error_body;
    net::StreamHandler handler;
    handler.on_head = [&](int s, const net::Headers&) {
      status = s;
      return true;
    };
    handler.on_data = [&](std::string_view d) {
      if (status >= 200 && status < 300) return on_data(d);
      if (error_body.size() < 4096) error_body.append(d);
      return true;
    };
    Status st = client_.Stream(req, handler);
    if (cancel_.is_set()) return Error(ErrorCode::kCanceled, "canceled");
    if (!st.ok()) return Describe(st.error());
    if (status < 200 || status >= 300) {
      return Unavailable("Docker engine: GET " + std::string(target) + ": HTTP " +
                         std::to_string(status) + ": " + ParseErrorMessage(error_body));
    }
    return OkStatus();
  }

  void Cancel() override { cancel_.Set(); }

 private:
  static net::ClientOptions Options(const std::string& path, DurationMs timeout_ms) {
    net::ClientOptions o;
    o.unix_socket = path;
    o.connect_timeout = std::chrono::milliseconds(timeout_ms);
    o.timeout = std::chrono::milliseconds(timeout_ms);
    o.accept_gzip = false;
    o.max_idle_per_host = 2;
    return o;
  }
  static std::string Url(std::string_view target) { return "http://docker" + std::string(target); }

  // Adds the hint a user needs when the socket is missing or refuses.
  Error Describe(const Error& e) const {
    if (e.code() == ErrorCode::kUnavailable) {
      return Error(e.code(), "cannot reach the Docker engine at " + path_ + ": " + e.message() +
                                 " (is dockerd running? in a container, mount the socket)");
    }
    return e;
  }

  std::string path_;
  net::HttpClient client_;
  net::CancelSignal cancel_;
};

}  // namespace

std::unique_ptr<Transport> NewUnixSocketTransport(std::string socket_path, DurationMs timeout_ms) {
  return std::make_unique<NetTransport>(std::move(socket_path), timeout_ms);
}

}  // namespace vigie::docker
