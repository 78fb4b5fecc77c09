// The embedded web UI (api/ui_assets.h): index.html for the client-side routes, the bundle
// under /static/ with an ETag (304 on If-None-Match) and revalidation caching. The bundle's
// file names carry no content hash, so browsers revalidate (Cache-Control: no-cache) and get a
// cheap 304 while the binary is unchanged. Compression is the HTTP server's (gzip on Accept).
#include <cstdio>
#include <map>

#include "api/api_impl.h"
#include "api/ui_assets.h"

namespace vigie::api {

namespace {

// Pages the UI routes on the client side: each is index.html.
constexpr std::string_view kUiRoutes[] = {
    "/",      "/graph",  "/targets",     "/status", "/service-discovery",
    "/flags", "/config", "/tsdb-status", "/rules",  "/alerts"};

struct ServedAsset {
  const UiAsset* asset;
  std::string etag;
};

std::string ETagOf(std::string_view data) {
  uint64_t h = 14695981039346656037ULL;  // FNV-1a 64
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

void Serve(const ServedAsset& a, const net::Request& req, net::Response& res) {
  res.SetHeader("ETag", a.etag);
  res.SetHeader("Cache-Control", "no-cache");
  std::string_view inm = req.Header("If-None-Match");
  if (!inm.empty() && (inm == a.etag || inm == "*")) {
    res.status = 304;
    res.body.clear();
    return;
  }
  res.Set(200, std::string(a.asset->data), a.asset->content_type);
}

}  // namespace

void Api::Impl::RegisterUi(net::Router& router) {
  auto assets = std::make_shared<std::map<std::string, ServedAsset, std::less<>>>();
  for (const auto& a : UiAssets()) {
    (*assets)[std::string(a.path)] = ServedAsset{&a, ETagOf(a.data)};
  }
  auto index = assets->find("index.html");
  if (index != assets->end()) {
    ServedAsset page = index->second;
    for (auto route : kUiRoutes) {
      router.Get(route,
                 [page](const net::Request& req, net::Response& res) { Serve(page, req, res); });
    }
  }
  router.HandlePrefix("GET", "/static/", [assets](const net::Request& req, net::Response& res) {
    auto it = assets->find(req.PathParam("*"));
    if (it == assets->end() || it->first == "index.html") {
      res.Set(404, "404 page not found\n");
      return;
    }
    Serve(it->second, req, res);
  });
}

}  // namespace vigie::api
