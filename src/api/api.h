// The Prometheus HTTP API v1 and the other HTTP endpoints of `vigie server`, shaped like
// Prometheus 2.42's so that Grafana, promtool, client libraries and the vigie UI work against
// it unchanged:
//
//   /api/v1/query, /query_range           GET and POST (form), PromQL through promql::Engine
//   /api/v1/query_exemplars               GET and POST; vigie stores no exemplars: empty data
//   /api/v1/series                        GET and POST, match[] required
//   /api/v1/labels                        GET and POST, optional match[], start, end
//   /api/v1/label/{name}/values           GET, optional match[], start, end
//   /api/v1/targets, /targets/metadata, /metadata, /scrape_pools   from the scrape manager
//   /api/v1/rules, /alerts, /alertmanagers                          see status_handlers.cpp
//   /api/v1/status/{buildinfo,config,flags,runtimeinfo,tsdb,walreplay}
//   /federate                             text format (OpenMetrics when asked), match[]
//   /metrics                              the server's own metrics
//   /-/reload, /-/quit                    POST/PUT, only with --web.enable-lifecycle (else 403)
//   /, /graph, /targets, ...              the embedded web UI (web_ui.cpp)
//   /vigie/api/demo/users                 only inside `vigie demo` (demo_proxy.cpp)
// /-/healthy and /-/ready are answered by net::HttpServer itself.
//
// JSON: {"status":"success","data":...,"warnings":[...]} or {"status":"error","errorType":
// "bad_data","error":"..."} with 400 bad_data, 422 execution, 503 timeout/canceled, 500
// internal. Numbers, timestamps and strings are spelled as Prometheus spells them
// (json_writer.h). Large query results are streamed in pieces.
//
// Threading: handlers run on the HTTP server's pool, many at once; everything here is
// read-only after Register() except what the callbacks guard themselves.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/labels.h"
#include "core/result.h"
#include "core/time.h"
#include "net/router.h"

namespace vigie::storage {
class Queryable;
}
namespace vigie::promql {
class Engine;
}
namespace vigie::scrape {
class Manager;
}
namespace vigie::instrument {
class Registry;
class CounterFamily;
}  // namespace vigie::instrument

namespace vigie::api {

// /api/v1/status/buildinfo.
struct BuildInfo {
  std::string version;
  std::string revision;
  std::string branch;
  std::string build_user;
  std::string build_date;
  std::string go_version;  // Prometheus reports its Go version; vigie its compiler
};

// One cardinality statistic of /api/v1/status/tsdb.
struct TsdbStat {
  std::string name;
  uint64_t value = 0;
};

// /api/v1/status/tsdb: head statistics and the top-10 lists, computed by whoever owns the
// concrete TSDB (cmd/), since the API only sees the storage seam.
struct TsdbStatus {
  uint64_t num_series = 0;
  int64_t num_label_pairs = 0;
  int64_t chunk_count = 0;
  int64_t min_time = 0;
  int64_t max_time = 0;
  std::vector<TsdbStat> series_count_by_metric_name;
  std::vector<TsdbStat> label_value_count_by_label_name;
  std::vector<TsdbStat> memory_in_bytes_by_label_name;
  std::vector<TsdbStat> series_count_by_label_value_pair;
};

// The state of the last configuration (re)load, for /api/v1/status/runtimeinfo.
struct ReloadState {
  bool success = true;
  TimestampMs last_time_ms = 0;
};

// For targets' globalUrl: how this server is reached from outside (Prometheus's
// --web.external-url and --web.listen-address).
struct GlobalUrlOptions {
  std::string listen_address = ":9090";  // as configured: "host:port" or ":port"
  std::string host;                      // external "host:port"
  std::string scheme = "http";
};

struct ApiOptions {
  // Required: the data the API reads (the TSDB through the storage seam).
  storage::Queryable* queryable = nullptr;
  // Required for query and query_range (null: those answer 500 "no query engine").
  promql::Engine* engine = nullptr;
  // Nullable: targets, metadata and scrape pools are then empty.
  scrape::Manager* scrape = nullptr;
  // Nullable: /metrics is not served without it. Federation counters are registered on it.
  instrument::Registry* registry = nullptr;

  BuildInfo build_info;
  // /api/v1/status/flags: every flag name (without "--") and its value.
  std::map<std::string, std::string> flags;
  // Current configuration as YAML (status/config) and its external labels (federation).
  std::function<std::string()> config_yaml;
  std::function<Labels()> external_labels;
  std::function<TsdbStatus()> tsdb_status;
  std::function<ReloadState()> reload_state;
  // POST/PUT /-/reload and /-/quit; both answer 403 unless lifecycle is enabled. Reload
  // returns the error that refused the new configuration (500 with its message).
  bool enable_lifecycle = false;
  std::function<Status()> reload;
  std::function<void()> quit;

  GlobalUrlOptions global_url;
  std::string storage_retention = "15d";      // runtimeinfo's storageRetention
  DurationMs lookback_delta = 5 * 60 * 1000;  // federation looks back this far
  // The load generator's control URL (e.g. http://127.0.0.1:PORT/users) when running inside
  // `vigie demo`; empty: /vigie/api/demo/users answers 404.
  std::string demo_load_control_url;
  // Access-Control-Allow-Origin for requests with an Origin header, as --web.cors.origin
  // (a regex, anchored; ".*" answers "*").
  std::string cors_origin = ".*";
  // Clock (ms), replaceable for tests.
  std::function<TimestampMs()> now;
  // Process start, for runtimeinfo.
  TimestampMs start_time_ms = 0;
};

class Api {
 public:
  // Errors: a missing queryable, an invalid cors_origin regex.
  static Result<std::unique_ptr<Api>> Create(ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Registers every route on `router` (before the server starts).
  void Register(net::Router& router);

  class Impl;

 private:
  explicit Api(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::api
