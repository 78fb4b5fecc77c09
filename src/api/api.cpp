#include "api/api.h"

#include <re2/re2.h>

#include "api/api_impl.h"
#include "instrument/registry.h"
#include "net/http_client.h"

namespace vigie::api {

Result<net::Params> FormOf(const net::Request& req) {
  auto form = req.Form();
  if (!form.ok()) {
    return InvalidArgument("error parsing form values: " + form.error().message());
  }
  return std::move(form).value();
}

void RespondJson(net::Response& res, ApiResult result) {
  res.SetHeader("Content-Type", "application/json");
  if (result.error) {
    // {"status":"error","errorType":"...","error":"..."}; data is never set on errors here.
    JsonWriter w;
    w.BeginObject();
    w.Key("status");
    w.String("error");
    w.Key("errorType");
    w.String(ErrorTypeName(result.error->type));
    w.Key("error");
    w.String(result.error->message);
    w.EndObject();
    res.status = ErrorTypeStatus(result.error->type);
    res.body = w.Take();
    return;
  }
  if (!result.write) {
    res.status = 204;
    res.body.clear();
    return;
  }
  res.status = 200;
  JsonWriter w([&res](std::string_view piece) { return res.Write(piece); });
  w.BeginObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  result.write(w);
  if (!result.warnings.empty()) {
    w.Key("warnings");
    w.BeginArray();
    for (const auto& warning : result.warnings) w.String(warning);
    w.EndArray();
  }
  w.EndObject();
  if (w.flushed_any()) {
    w.Flush();
  } else {
    res.body = w.Take();
  }
}

Api::Impl::Impl(ApiOptions options) : options_(std::move(options)) {}
Api::Impl::~Impl() = default;

Status Api::Impl::Init() {
  if (options_.queryable == nullptr) return InvalidArgument("api: a queryable is required");
  cors_any_ = options_.cors_origin == ".*";
  if (!cors_any_) {
    cors_re_ = std::make_unique<re2::RE2>("^(?:" + options_.cors_origin + ")$", RE2::Quiet);
    if (!cors_re_->ok()) {
      return InvalidArgument("invalid --web.cors.origin regex \"" + options_.cors_origin +
                             "\": " + cors_re_->error());
    }
  }
  if (!options_.demo_load_control_url.empty()) {
    net::ClientOptions copts;
    copts.timeout = std::chrono::seconds(5);
    copts.user_agent = "vigie server";
    demo_client_ = std::make_unique<net::HttpClient>(copts);
  }
  if (options_.registry) {
    auto errs = options_.registry->RegisterCounter(
        {.name = "prometheus_web_federation_errors_total",
         .help = "Total number of errors that occurred while sending federation responses."});
    auto warns = options_.registry->RegisterCounter(
        {.name = "prometheus_web_federation_warnings_total",
         .help = "Total number of warnings that occurred while sending federation responses."});
    if (errs.ok()) federation_errors_ = *errs;
    if (warns.ok()) federation_warnings_ = *warns;
  }
  return OkStatus();
}

void Api::Impl::SetCors(const net::Request& req, net::Response& res) const {
  std::string_view origin = req.Header("Origin");
  if (origin.empty()) return;
  res.SetHeader("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin");
  res.SetHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.SetHeader("Access-Control-Expose-Headers", "Date");
  res.SetHeader("Vary", "Origin");
  if (cors_any_) {
    res.SetHeader("Access-Control-Allow-Origin", "*");
  } else if (RE2::FullMatch(re2::StringPiece(origin.data(), origin.size()), *cors_re_)) {
    res.SetHeader("Access-Control-Allow-Origin", origin);
  }
}

net::Handler Api::Impl::Wrap(std::function<ApiResult(const net::Request&, const net::Params&)> fn) {
  return [this, fn = std::move(fn)](const net::Request& req, net::Response& res) {
    SetCors(req, res);
    auto form = FormOf(req);
    if (!form.ok()) {
      RespondJson(res, ApiResult::Error(ErrorType::kBadData, form.error().message()));
      return;
    }
    RespondJson(res, fn(req, *form));
  };
}

void Api::Impl::Register(net::Router& r) {
  using Req = const net::Request&;
  using Form = const net::Params&;
  auto both = [&](std::string_view path, net::Handler h) {
    r.Get(path, h);
    r.Post(path, std::move(h));
  };
  r.HandlePrefix("OPTIONS", "/api/v1/", Wrap([](Req, Form) { return ApiResult{}; }));

  both("/api/v1/query", Wrap([this](Req, Form f) { return Query(f); }));
  both("/api/v1/query_range", Wrap([this](Req, Form f) { return QueryRange(f); }));
  both("/api/v1/query_exemplars", Wrap([this](Req, Form f) { return QueryExemplars(f); }));
  both("/api/v1/labels", Wrap([this](Req, Form f) { return LabelNames(f); }));
  r.Get("/api/v1/label/{name}/values",
        Wrap([this](Req req, Form f) { return LabelValues(req.PathParam("name"), f); }));
  both("/api/v1/series", Wrap([this](Req, Form f) { return Series(f); }));

  r.Get("/api/v1/scrape_pools", Wrap([this](Req, Form) { return ScrapePools(); }));
  r.Get("/api/v1/targets", Wrap([this](Req req, Form) { return Targets(req.query); }));
  r.Get("/api/v1/targets/metadata", Wrap([this](Req, Form f) { return TargetMetadata(f); }));
  r.Get("/api/v1/metadata", Wrap([this](Req, Form f) { return MetricMetadata(f); }));
  r.Get("/api/v1/alertmanagers", Wrap([this](Req, Form) { return Alertmanagers(); }));

  r.Get("/api/v1/status/config", Wrap([this](Req, Form) { return Config(); }));
  r.Get("/api/v1/status/runtimeinfo", Wrap([this](Req, Form) { return RuntimeInfo(); }));
  r.Get("/api/v1/status/buildinfo", Wrap([this](Req, Form) { return BuildInfo(); }));
  r.Get("/api/v1/status/flags", Wrap([this](Req, Form) { return Flags(); }));
  r.Get("/api/v1/status/tsdb", Wrap([this](Req, Form) { return TsdbStatus(); }));
  r.Get("/api/v1/status/walreplay", Wrap([this](Req, Form) { return WalReplay(); }));

  r.Get("/api/v1/alerts", Wrap([this](Req, Form) { return Alerts(); }));
  r.Get("/api/v1/rules", Wrap([this](Req req, Form) { return Rules(req.query); }));

  r.Get("/federate", [this](const net::Request& req, net::Response& res) { Federate(req, res); });
  auto demo = [this](const net::Request& req, net::Response& res) { DemoUsers(req, res); };
  r.Get("/vigie/api/demo/users", demo);
  r.Post("/vigie/api/demo/users", demo);
  RegisterLifecycle(r);
  RegisterUi(r);
}

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() = default;

Result<std::unique_ptr<Api>> Api::Create(ApiOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  VIGIE_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Api>(new Api(std::move(impl)));
}

void Api::Register(net::Router& router) { impl_->Register(router); }

}  // namespace vigie::api
