// /metrics (the server's own), and the lifecycle endpoints of --web.enable-lifecycle:
// POST|PUT /-/reload re-reads the configuration (500 with the reason when the new one is
// refused; the old one keeps running), POST|PUT /-/quit shuts the server down. Without the
// flag both answer 403 "Lifecycle API is not enabled.", and GET on either 405, as Prometheus.
#include "api/api_impl.h"
#include "instrument/registry.h"

namespace vigie::api {

void Api::Impl::RegisterLifecycle(net::Router& router) {
  if (options_.registry) {
    auto* registry = options_.registry;
    router.Get("/metrics", [registry](const net::Request& req, net::Response& res) {
      auto r = registry->RenderForAccept(req.Accept());
      res.Set(200, std::move(r.body), r.content_type);
    });
  }
  net::Handler reload, quit;
  if (options_.enable_lifecycle) {
    reload = [this](const net::Request&, net::Response& res) {
      if (!options_.reload) {
        res.Set(500, "failed to reload config: reloading is not wired\n");
        return;
      }
      if (auto st = options_.reload(); !st.ok()) {
        res.Set(500, "failed to reload config: " + st.error().message() + "\n");
        return;
      }
      res.Set(200, "");
    };
    quit = [this](const net::Request&, net::Response& res) {
      if (options_.quit) options_.quit();
      res.Set(200, "Requesting termination... Goodbye!");
    };
  } else {
    reload = quit = [](const net::Request&, net::Response& res) {
      res.Set(403, "Lifecycle API is not enabled.");
    };
  }
  auto only_post = [](const net::Request&, net::Response& res) {
    res.Set(405, "Only POST or PUT requests allowed");
  };
  for (std::string_view path : {"/-/reload", "/-/quit"}) {
    const net::Handler& h = path == "/-/reload" ? reload : quit;
    router.Post(path, h);
    router.Put(path, h);
    router.Get(path, only_post);
  }
}

}  // namespace vigie::api
