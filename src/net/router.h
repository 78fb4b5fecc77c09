// Routing by method and path. Patterns are literal paths ("/metrics"), paths with parameters
// ("/api/v1/label/{name}/values": {name} matches one non-empty segment, percent-decoded), or
// prefixes registered with HandlePrefix ("/static/": the rest of the path is parameter "*").
// Precedence: literal, then parameter patterns in registration order, then the longest prefix.
// A GET handler also answers HEAD. A path that matches only under other methods gets 405 with
// an Allow header; no match at all gets 404.
//
// Threading: register every route before the server starts; lookups are then read-only and
// safe from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/string_map.h"
#include "net/http_message.h"

namespace vigie::net {

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registering the same method and pattern again replaces the handler.
  void Handle(std::string_view method, std::string_view pattern, Handler handler);
  void HandlePrefix(std::string_view method, std::string_view prefix, Handler handler);
  void Get(std::string_view pattern, Handler h) { Handle("GET", pattern, std::move(h)); }
  void Post(std::string_view pattern, Handler h) { Handle("POST", pattern, std::move(h)); }
  void Put(std::string_view pattern, Handler h) { Handle("PUT", pattern, std::move(h)); }
  void Delete(std::string_view pattern, Handler h) { Handle("DELETE", pattern, std::move(h)); }

  struct Match {
    const Handler* handler = nullptr;  // null: see status
    std::string_view pattern;          // of the matched route
    int status = 0;                    // 404 or 405 when handler is null
    std::string allow;                 // for 405: "GET, HEAD, POST"
  };
  // Looks up `method` and the percent-decoded `path`; fills *params with path parameters.
  Match Find(std::string_view method, std::string_view path, Params* params) const;

  // Find + call: sets req.route and req.path_params, runs the handler, or writes a 404/405
  // with a plain-text body naming the path (and allowed methods).
  void Serve(Request& req, Response& res) const;

 private:
  struct Route;
  bool MatchRoute(const Route& r, std::string_view path, Params* params) const;
  Route& RouteFor(std::string_view pattern, bool prefix);

  std::vector<std::unique_ptr<Route>> routes_;
  // path -> route without parameters; looked up by string_view without a copy.
  StringMap<Route*> literal_;
  std::vector<Route*> param_routes_;
  std::vector<Route*> prefix_routes_;  // longest first
};

}  // namespace vigie::net
