#include "net/router.h"

#include <algorithm>

namespace vigie::net {

struct Router::Route {
  std::string pattern;
  bool prefix = false;
  // For parameter patterns: the segments, "{name}" segments with is_param set.
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  std::vector<Segment> segments;
  std::vector<std::pair<std::string, Handler>> handlers;  // method -> handler

  const Handler* For(std::string_view method) const {
    for (const auto& [m, h] : handlers) {
      if (m == method) return &h;
    }
    if (method == "HEAD") return For("GET");
    return nullptr;
  }
  void AppendAllowed(std::vector<std::string>* out) const {
    for (const auto& [m, h] : handlers) {
      out->push_back(m);
      if (m == "GET") out->push_back("HEAD");
    }
  }
};

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  return out;
}

}  // namespace

Router::Router() = default;
Router::~Router() = default;

Router::Route& Router::RouteFor(std::string_view pattern, bool prefix) {
  for (auto& r : routes_) {
    if (r->pattern == pattern && r->prefix == prefix) return *r;
  }
  auto r = std::make_unique<Route>();
  r->pattern = std::string(pattern);
  r->prefix = prefix;
  Route* raw = r.get();
  routes_.push_back(std::move(r));
  if (prefix) {
    prefix_routes_.push_back(raw);
    std::stable_sort(
        prefix_routes_.begin(), prefix_routes_.end(),
        [](const Route* a, const Route* b) { return a->pattern.size() > b->pattern.size(); });
    return *raw;
  }
  bool has_param = false;
  for (std::string_view seg : SplitPath(pattern)) {
    bool is_param = seg.size() >= 3 && seg.front() == '{' && seg.back() == '}';
    has_param |= is_param;
    raw->segments.push_back(
        {std::string(is_param ? seg.substr(1, seg.size() - 2) : seg), is_param});
  }
  if (has_param) {
    param_routes_.push_back(raw);
  } else {
    literal_[raw->pattern] = raw;
  }
  return *raw;
}

void Router::Handle(std::string_view method, std::string_view pattern, Handler handler) {
  Route& r = RouteFor(pattern, false);
  for (auto& [m, h] : r.handlers) {
    if (m == method) {
      h = std::move(handler);
      return;
    }
  }
  r.handlers.emplace_back(std::string(method), std::move(handler));
}

void Router::HandlePrefix(std::string_view method, std::string_view prefix, Handler handler) {
  Route& r = RouteFor(prefix, true);
  for (auto& [m, h] : r.handlers) {
    if (m == method) {
      h = std::move(handler);
      return;
    }
  }
  r.handlers.emplace_back(std::string(method), std::move(handler));
}

bool Router::MatchRoute(const Route& r, std::string_view path, Params* params) const {
  if (r.prefix) {
    if (path.substr(0, r.pattern.size()) != r.pattern) return false;
    params->Add("*", path.substr(r.pattern.size()));
    return true;
  }
  std::vector<std::string_view> segs = SplitPath(path);
  if (segs.size() != r.segments.size()) return false;
  for (size_t i = 0; i < segs.size(); ++i) {
    const auto& want = r.segments[i];
    if (want.is_param ? segs[i].empty() : segs[i] != want.text) return false;
  }
  for (size_t i = 0; i < segs.size(); ++i) {
    if (r.segments[i].is_param) params->Add(r.segments[i].text, segs[i]);
  }
  return true;
}

Router::Match Router::Find(std::string_view method, std::string_view path, Params* params) const {
  Match m;
  std::vector<std::string> allowed;
  auto try_route = [&](const Route& r) -> bool {
    size_t mark = params->size();
    if (!MatchRoute(r, path, params)) return false;
    if (const Handler* h = r.For(method)) {
      m.handler = h;
      m.pattern = r.pattern;
      return true;
    }
    // Path matched under other methods: drop its params and keep looking.
    Params kept;
    size_t i = 0;
    for (const auto& [k, v] : *params) {
      if (i++ < mark) kept.Add(k, v);
    }
    *params = std::move(kept);
    r.AppendAllowed(&allowed);
    return false;
  };
  if (!literal_.empty()) {
    auto it = literal_.find(path);
    if (it != literal_.end() && try_route(*it->second)) return m;
  }
  for (const Route* r : param_routes_) {
    if (try_route(*r)) return m;
  }
  for (const Route* r : prefix_routes_) {
    if (try_route(*r)) return m;
  }
  if (allowed.empty()) {
    m.status = 404;
    return m;
  }
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  m.status = 405;
  for (const auto& a : allowed) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += a;
  }
  return m;
}

void Router::Serve(Request& req, Response& res) const {
  Match m = Find(req.method, req.path, &req.path_params);
  req.route = m.pattern;
  if (m.handler != nullptr) {
    (*m.handler)(req, res);
    return;
  }
  if (m.status == 405) {
    res.Set(405, "method " + req.method + " not allowed for " + req.path + " (allowed: " + m.allow +
                     ")\n");
    res.SetHeader("Allow", m.allow);
    return;
  }
  res.Set(404, "not found: " + req.path + "\n");
}

}  // namespace vigie::net
