// Private to api/: the handlers behind Api, one file per group of endpoints.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/api.h"
#include "api/json_writer.h"
#include "api/params.h"
#include "net/http_message.h"

namespace re2 {
class RE2;
}
namespace vigie::net {
class HttpClient;
}

namespace vigie::api {

// What a JSON handler produces: data written by `write` (null: 204 No Content, as Prometheus
// does for a nil result), or an error; warnings go after the data.
struct ApiResult {
  std::function<void(JsonWriter&)> write;
  std::optional<ApiError> error;
  std::vector<std::string> warnings;

  static ApiResult Error(ErrorType type, std::string message) {
    ApiResult r;
    r.error = ApiError{type, std::move(message)};
    return r;
  }
  static ApiResult Data(std::function<void(JsonWriter&)> write,
                        std::vector<std::string> warnings = {}) {
    ApiResult r;
    r.write = std::move(write);
    r.warnings = std::move(warnings);
    return r;
  }
};

// Writes the envelope: streams large data through res.Write (64 KiB pieces).
void RespondJson(net::Response& res, ApiResult result);

// The form of a request (body values first for POST, then the query string), or a bad_data
// error when the body is malformed.
Result<net::Params> FormOf(const net::Request& req);

class Api::Impl {
 public:
  explicit Impl(ApiOptions options);
  ~Impl();
  Status Init();
  void Register(net::Router& router);

  // query_handlers.cpp
  ApiResult Query(const net::Params& form);
  ApiResult QueryRange(const net::Params& form);
  ApiResult QueryExemplars(const net::Params& form);
  // metadata_handlers.cpp
  ApiResult Series(const net::Params& form);
  ApiResult LabelNames(const net::Params& form);
  ApiResult LabelValues(std::string_view name, const net::Params& form);
  // target_handlers.cpp
  ApiResult Targets(const net::Params& query);
  ApiResult TargetMetadata(const net::Params& form);
  ApiResult MetricMetadata(const net::Params& form);
  ApiResult ScrapePools();
  // status_handlers.cpp
  ApiResult BuildInfo();
  ApiResult Config();
  ApiResult Flags();
  ApiResult RuntimeInfo();
  ApiResult TsdbStatus();
  ApiResult WalReplay();
  ApiResult Rules(const net::Params& query);
  ApiResult Alerts();
  ApiResult Alertmanagers();
  // federate.cpp
  void Federate(const net::Request& req, net::Response& res);
  // web_ui.cpp
  void RegisterUi(net::Router& router);
  // demo_proxy.cpp
  void DemoUsers(const net::Request& req, net::Response& res);
  // lifecycle.cpp
  void RegisterLifecycle(net::Router& router);

  TimestampMs Now() const { return options_.now ? options_.now() : NowMs(); }
  const ApiOptions& options() const { return options_; }

 private:
  void SetCors(const net::Request& req, net::Response& res) const;
  // Wraps a JSON endpoint: CORS, form parsing, envelope.
  net::Handler Wrap(std::function<ApiResult(const net::Request&, const net::Params&)> fn);

  ApiOptions options_;
  std::unique_ptr<re2::RE2> cors_re_;
  bool cors_any_ = true;
  instrument::CounterFamily* federation_errors_ = nullptr;
  instrument::CounterFamily* federation_warnings_ = nullptr;
  std::unique_ptr<net::HttpClient> demo_client_;  // set when demo_load_control_url is
};

}  // namespace vigie::api
