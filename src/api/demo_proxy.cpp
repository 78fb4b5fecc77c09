// GET/POST /vigie/api/demo/users: inside `vigie demo`, the UI's control of the number of
// emulated users. The server only relays to the load generator's control endpoint
// (--demo.load-control-url, e.g. http://127.0.0.1:PORT/users), which answers
// {"users": N, ...}; POST takes the form value users=N. Without that flag: 404.
#include "api/api_impl.h"
#include "net/http_client.h"

namespace vigie::api {

void Api::Impl::DemoUsers(const net::Request& req, net::Response& res) {
  const std::string& url = options_.demo_load_control_url;
  if (url.empty() || !demo_client_) {
    res.Set(404, "not running inside vigie demo: no load generator to control\n");
    return;
  }
  Result<net::ClientResponse> upstream = Internal("unreachable");
  if (req.method == "POST") {
    auto form = FormOf(req);
    if (!form.ok()) {
      res.Set(400, form.error().message() + "\n");
      return;
    }
    auto users = form->Get("users");
    if (!users) {
      res.Set(400, "missing form value users=N\n");
      return;
    }
    net::Params body;
    body.Add("users", *users);
    upstream =
        demo_client_->Post(url, net::EncodeUrlEncoded(body), "application/x-www-form-urlencoded");
  } else {
    upstream = demo_client_->Get(url);
  }
  if (!upstream.ok()) {
    res.Set(502, "load generator unreachable: " + upstream.error().message() + "\n");
    return;
  }
  std::string type(upstream->headers.GetOr("Content-Type", net::kTextPlain));
  res.Set(upstream->status, std::move(upstream->body), type);
}

}  // namespace vigie::api
