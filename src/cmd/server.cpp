// `vigie server`: scrape, store, PromQL and the Prometheus HTTP API (plus the web UI), wired
// together. Flags mirror Prometheus's. Only this file knows the concrete TSDB.
//
//   config (prometheus.yml) -> scrape::Manager -> tsdb::DB (through the storage seam)
//   tsdb::DB -> promql::Engine -> api::Api -> net::HttpServer
//
// SIGHUP and POST /-/reload (with --web.enable-lifecycle) re-read the configuration; a new
// configuration that fails to load or apply is refused with an error log line and the old one
// keeps running. SIGINT/SIGTERM (or POST /-/quit) shut down gracefully: scraping stops, the
// HTTP server drains, and the TSDB syncs and closes its WAL.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <queue>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "api/api.h"
#include "cmd/command.h"
#include "config/config.h"
#include "core/log.h"
#include "core/time.h"
#include "instrument/http_metrics.h"
#include "instrument/process_collector.h"
#include "instrument/registry.h"
#include "net/address.h"
#include "net/http_server.h"
#include "net/signals.h"
#include "promql/engine.h"
#include "promql/parser/parser.h"
#include "scrape/manager.h"
#include "tsdb/db.h"

namespace vigie::cmd {

namespace {

struct ServerFlags {
  std::string config_file = "prometheus.yml";
  std::string listen = ":9090";
  std::string external_url;
  std::string tsdb_path = "data/";
  std::string retention_time;  // empty: 15d unless a size is set
  std::string retention_size;  // empty: no size limit
  int64_t max_samples = 50000000;
  std::string query_timeout = "2m";
  int max_concurrency = 20;
  std::string lookback_delta = "5m";
  bool enable_lifecycle = false;
  std::string cors_origin = ".*";
  std::string config_check;
  std::string demo_load_control_url;
  int http_threads = 16;
  bool config_file_given = false;
};

// The configuration used when no --config.file is given and ./prometheus.yml does not exist:
// the server scrapes itself (config/prometheus.yml in the source tree is the same, commented).
std::string BuiltinConfig(int port) {
  return "global:\n"
         "  scrape_interval: 15s\n"
         "  evaluation_interval: 15s\n"
         "scrape_configs:\n"
         "  - job_name: prometheus\n"
         "    static_configs:\n"
         "      - targets: [\"localhost:" +
         std::to_string(port) + "\"]\n";
}

// --storage.tsdb.retention.size: a number with a unit B, KB, MB, GB, TB, PB, EB (powers of 2).
Result<uint64_t> ParseByteSize(std::string_view s) {
  static constexpr std::pair<std::string_view, int> kUnits[] = {
      {"EB", 60}, {"PB", 50}, {"TB", 40}, {"GB", 30}, {"MB", 20}, {"KB", 10}, {"B", 0}};
  for (auto [unit, shift] : kUnits) {
    if (s.size() > unit.size() && s.substr(s.size() - unit.size()) == unit) {
      std::string num(s.substr(0, s.size() - unit.size()));
      char* end = nullptr;
      double v = std::strtod(num.c_str(), &end);
      if (end == num.c_str() || *end != '\0' || v < 0) break;
      return static_cast<uint64_t>(v * static_cast<double>(uint64_t{1} << shift));
    }
  }
  return InvalidArgument("invalid --storage.tsdb.retention.size \"" + std::string(s) +
                         "\": want a number with a unit B, KB, MB, GB, TB, PB or EB, e.g. 512MB");
}

std::string Hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The loaded configuration and where it came from.
struct LoadedConfig {
  config::Config cfg;
  std::string yaml;
  std::string source;  // file path, or "<built-in default>"
};

class ConfigLoader {
 public:
  ConfigLoader(std::string path, bool path_given, int port)
      : path_(std::move(path)), path_given_(path_given), port_(port) {}

  Result<LoadedConfig> Load() const {
    std::error_code ec;
    if (!path_given_ && !std::filesystem::exists(path_, ec)) {
      std::string yaml = BuiltinConfig(port_);
      VIGIE_ASSIGN_OR_RETURN(auto cfg, config::Load(yaml, "", "<built-in default>"));
      return LoadedConfig{std::move(cfg), std::move(yaml), "<built-in default>"};
    }
    auto cfg = config::LoadFile(path_);
    if (!cfg.ok()) {
      return cfg.error().Wrap("couldn't load configuration (--config.file=\"" + path_ + "\")");
    }
    return LoadedConfig{std::move(cfg).value(), ReadFile(path_), path_};
  }

 private:
  std::string path_;
  bool path_given_;
  int port_;
};

// /api/v1/status/tsdb from the head: what Prometheus computes from its head postings.
api::TsdbStatus ComputeTsdbStatus(tsdb::DB& db) {
  api::TsdbStatus st;
  tsdb::Head& head = db.head();
  st.num_series = head.NumSeries();
  st.min_time = head.MinTime();
  st.max_time = head.MaxTime();
  if (st.max_time < st.min_time) st.min_time = st.max_time = 0;
  st.chunk_count = db.metrics().head.chunks.Get();
  // name -> value -> series count
  std::unordered_map<std::string, std::unordered_map<std::string, uint64_t>> pairs;
  head.ForEachSeries([&](const tsdb::MemSeries& s) {
    s.labels.ForEach(
        [&](std::string_view n, std::string_view v) { ++pairs[std::string(n)][std::string(v)]; });
  });
  auto top10 = [](std::vector<api::TsdbStat> v) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      return a.value != b.value ? a.value > b.value : a.name < b.name;
    });
    if (v.size() > 10) v.resize(10);
    return v;
  };
  std::vector<api::TsdbStat> by_metric, value_counts, memory, pair_counts;
  for (const auto& [name, values] : pairs) {
    st.num_label_pairs += static_cast<int64_t>(values.size());
    value_counts.push_back({name, values.size()});
    uint64_t bytes = 0;
    for (const auto& [value, count] : values) {
      if (name == kMetricNameLabel) by_metric.push_back({value, count});
      std::string pair = name;
      pair += '=';
      pair += value;
      pair_counts.push_back({std::move(pair), count});
      bytes += value.size() * count;
    }
    memory.push_back({name, bytes});
  }
  st.series_count_by_metric_name = top10(std::move(by_metric));
  st.label_value_count_by_label_name = top10(std::move(value_counts));
  st.memory_in_bytes_by_label_name = top10(std::move(memory));
  st.series_count_by_label_value_pair = top10(std::move(pair_counts));
  return st;
}

// Prometheus's handler label spelling: /api/v1/label/:name/values, /static/*filepath.
std::string HandlerLabel(std::string_view route) {
  if (route.empty()) return "other";
  std::string out;
  for (size_t i = 0; i < route.size(); ++i) {
    if (route[i] == '{') {
      size_t close = route.find('}', i);
      if (close == std::string_view::npos) break;
      out += ':';
      out.append(route.substr(i + 1, close - i - 1));
      i = close;
    } else {
      out += route[i];
    }
  }
  if (out == "/static/") out = "/static/*filepath";
  return out;
}

// The version the server reports (buildinfo, prometheus_build_info): the Prometheus API level it
// implements first, so that clients gating features on the Prometheus version (Grafana) enable
// them, then vigie's own version.
constexpr const char* kServerVersion = "2.42.0-vigie." VIGIE_VERSION;

int CheckConfig(const std::string& path) {
  std::cout << "Checking " << path << "\n";
  auto report = config::Check(path);
  if (!report.ok()) {
    std::cout << "  FAILED: " << report.error().message() << "\n";
    return kExitError;
  }
  std::cout << report->Summary();
  std::cout << " SUCCESS: " << path << " is valid prometheus config file syntax\n";
  return kExitOk;
}

// A query allocates its result and working buffers (tens of MB for a large range query) and
// frees them at the end. By default glibc hands freed heap back to the kernel at once and mmaps
// every block over 128 kB afresh, so the next query pays page faults for all of it again (most
// of a small query's time on a VM; Go's runtime, and so Prometheus, keeps its heap). Keep up to
// 128 MiB of free heap per arena, serve blocks up to 32 MiB (glibc's maximum) from the heap, and
// share a few arenas among the HTTP threads (2 per CPU, 2 to 8) instead of one per thread, so
// that a query finds warm memory whichever thread runs it and the free heap kept stays bounded.
void TuneMallocForQueries() {
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_ARENA_MAX,
          static_cast<int>(std::clamp(2 * std::thread::hardware_concurrency(), 2u, 8u)));
}

int Serve(const ServerFlags& f) {
  net::SignalWaiter signals;  // first, so that no signal is missed
  TuneMallocForQueries();
  TimestampMs start_time = NowMs();
  log::Info("Starting vigie server", {{"version", VIGIE_VERSION}});

  auto listen = net::ParseListenAddress(f.listen);
  if (!listen.ok()) {
    log::Error("invalid --web.listen-address", {{"err", listen.error().message()}});
    return kExitUsage;
  }
  auto query_timeout = promql::parser::ParsePromDuration(f.query_timeout);
  auto lookback = promql::parser::ParsePromDuration(f.lookback_delta);
  if (!query_timeout.ok() || !lookback.ok()) {
    log::Error(
        "invalid duration flag",
        {{"err", !query_timeout.ok() ? "--query.timeout: " + query_timeout.error().message()
                                     : "--query.lookback-delta: " + lookback.error().message()}});
    return kExitUsage;
  }
  tsdb::Options topts;
  topts.dir = f.tsdb_path;
  std::string retention_desc;
  if (!f.retention_size.empty()) {
    auto bytes = ParseByteSize(f.retention_size);
    if (!bytes.ok()) {
      log::Error("invalid flag", {{"err", bytes.error().message()}});
      return kExitUsage;
    }
    topts.retention_bytes = *bytes;
  }
  if (!f.retention_time.empty()) {
    auto d = promql::parser::ParsePromDuration(f.retention_time);
    if (!d.ok()) {
      log::Error("invalid --storage.tsdb.retention.time", {{"err", d.error().message()}});
      return kExitUsage;
    }
    topts.retention_ms = *d;
    retention_desc = FormatDuration(*d);
  } else if (topts.retention_bytes > 0) {
    topts.retention_ms = 0;
  } else {
    retention_desc = "15d";
    log::Info("No time or size retention was set so using the default time retention",
              {{"duration", "15d"}});
  }
  if (topts.retention_bytes > 0) {
    retention_desc += (retention_desc.empty() ? "" : " or ") + f.retention_size;
  }

  int own_port = listen->port == 0 ? 9090 : listen->port;
  ConfigLoader loader(f.config_file, f.config_file_given, own_port);
  auto initial = loader.Load();
  if (!initial.ok()) {
    log::Error("Error loading config",
               {{"file", f.config_file}, {"err", initial.error().message()}});
    return kExitError;
  }
  log::Info("Loaded configuration",
            {{"source", initial->source}, {"jobs", initial->cfg.scrape_configs.size()}});

  instrument::Registry registry;
  (void)registry.RegisterCollector(std::make_unique<instrument::ProcessCollector>());
  auto build_info = registry.RegisterGauge(
      {.name = "prometheus_build_info",
       .help = "A metric with a constant '1' value labeled by version, revision, branch, "
               "goversion from which prometheus was built, and the goos and goarch for the build.",
       .label_names = {"branch", "goarch", "goos", "goversion", "revision", "tags", "version"}});
  if (build_info.ok()) {
    constexpr const char* kCompiler = "g++ " __VERSION__;
    (*build_info)
        ->WithLabelValues({"", "amd64", "linux", kCompiler, "", "", kServerVersion})
        .Set(1);
  }
  auto reload_ok = registry.RegisterGauge(
      {.name = "prometheus_config_last_reload_successful",
       .help = "Whether the last configuration reload attempt was successful."});
  auto reload_ts =
      registry.RegisterGauge({.name = "prometheus_config_last_reload_success_timestamp_seconds",
                              .help = "Timestamp of the last successful configuration reload."});
  auto ready_gauge =
      registry.RegisterGauge({.name = "prometheus_ready",
                              .help = "Whether Prometheus startup was fully completed and "
                                      "the server is ready for normal operation."});
  instrument::HttpMetricsOptions hmo;
  hmo.prefix = "prometheus_";
  auto http_metrics = instrument::HttpMetrics::Register(registry, hmo);
  if (!http_metrics.ok() || !reload_ok.ok() || !reload_ts.ok()) {
    log::Error("cannot register self-metrics");
    return kExitError;
  }

  log::Info("Starting TSDB ...", {{"path", f.tsdb_path}});
  auto db = tsdb::DB::Open(topts, &registry);
  if (!db.ok()) {
    log::Error("Opening storage failed", {{"path", f.tsdb_path}, {"err", db.error().message()}});
    return kExitError;
  }
  log::Info("TSDB started", {{"series", (*db)->head().NumSeries()}});

  scrape::ManagerOptions smo;
  smo.appendable = db->get();
  smo.registry = &registry;
  smo.offset_seed = scrape::OffsetSeed(Hostname(), initial->cfg.global.external_labels);
  auto scrape_mgr = scrape::Manager::Open(std::move(smo));
  if (!scrape_mgr.ok()) {
    log::Error("cannot start the scrape manager", {{"err", scrape_mgr.error().message()}});
    return kExitError;
  }

  promql::EngineOptions eopts;
  eopts.max_samples = f.max_samples;
  eopts.timeout = *query_timeout;
  eopts.max_concurrency = f.max_concurrency;
  eopts.lookback_delta = *lookback;
  eopts.default_subquery_step = initial->cfg.global.evaluation_interval;
  promql::Engine engine(eopts, &registry);

  // The running configuration; replaced whole on a successful reload.
  std::mutex cfg_mu;
  LoadedConfig current = std::move(initial).value();
  api::ReloadState reload_state{true, NowMs()};
  std::mutex reload_mu;  // one reload at a time (SIGHUP and HTTP may race)

  auto apply = [&](const LoadedConfig& c) -> Status {
    if (auto st = (*scrape_mgr)->ApplyConfig(c.cfg.scrape_configs); !st.ok()) {
      return st.error().Wrap(
          "one or more errors occurred while applying the new configuration "
          "(--config.file=\"" +
          f.config_file + "\")");
    }
    return OkStatus();
  };
  auto set_reload_metrics = [&](bool ok) {
    (*reload_ok)->Get().Set(ok ? 1 : 0);
    if (ok) (*reload_ts)->Get().Set(static_cast<double>(NowMs()) / 1000.0);
  };
  auto reload = [&]() -> Status {
    std::lock_guard rl(reload_mu);
    int64_t t0 = MonotonicNs();
    log::Info("Loading configuration file", {{"filename", f.config_file}});
    auto next = loader.Load();
    Status st = next.ok() ? apply(*next) : Status(next.error());
    std::lock_guard l(cfg_mu);
    if (!st.ok()) {
      // The old configuration keeps running (scrape pools are only changed by a successful
      // ApplyConfig; a partial apply failure leaves the jobs that did apply running).
      reload_state.success = false;
      set_reload_metrics(false);
      log::Error("Error reloading config, keeping the previous configuration",
                 {{"filename", f.config_file}, {"err", st.error().message()}});
      return st;
    }
    current = std::move(next).value();
    reload_state = {true, NowMs()};
    set_reload_metrics(true);
    log::Info("Completed loading of configuration file",
              {{"filename", f.config_file},
               {"totalDuration", FormatDuration((MonotonicNs() - t0) / 1000000)}});
    return OkStatus();
  };

  if (auto st = apply(current); !st.ok()) {
    log::Error("Error applying config", {{"err", st.error().message()}});
    return kExitError;
  }
  set_reload_metrics(true);
  (*scrape_mgr)->Run();

  net::ServerOptions so;
  so.listen_addresses = {f.listen};
  so.threads = std::max(4, f.http_threads);
  so.name = "vigie server";
  auto* hm = http_metrics->get();
  so.observer = [hm](std::string_view route, std::string_view method, int code, double secs,
                     size_t bytes) { hm->Observe(HandlerLabel(route), method, code, secs, bytes); };
  auto server = net::HttpServer::Open(so);
  if (!server.ok()) {
    log::Error("cannot listen", {{"address", f.listen}, {"err", server.error().message()}});
    (*scrape_mgr)->Stop();
    (void)(*db)->Close();
    return kExitError;
  }

  api::ApiOptions ao;
  ao.queryable = db->get();
  ao.engine = &engine;
  ao.scrape = scrape_mgr->get();
  ao.registry = &registry;
  ao.build_info = {.version = kServerVersion,
                   .revision = "",
                   .branch = "",
                   .build_user = "vigie",
                   .build_date = __DATE__,
                   .go_version = "g++ " __VERSION__};
  ao.flags = {{"config.file", f.config_file},
              {"web.listen-address", f.listen},
              {"web.external-url", f.external_url},
              {"web.enable-lifecycle", f.enable_lifecycle ? "true" : "false"},
              {"web.cors.origin", f.cors_origin},
              {"storage.tsdb.path", f.tsdb_path},
              {"storage.tsdb.retention.time", f.retention_time.empty() ? "0s" : f.retention_time},
              {"storage.tsdb.retention.size", f.retention_size.empty() ? "0B" : f.retention_size},
              {"query.max-samples", std::to_string(f.max_samples)},
              {"query.timeout", f.query_timeout},
              {"query.max-concurrency", std::to_string(f.max_concurrency)},
              {"query.lookback-delta", f.lookback_delta}};
  ao.config_yaml = [&] {
    std::lock_guard l(cfg_mu);
    return current.yaml;
  };
  ao.external_labels = [&] {
    std::lock_guard l(cfg_mu);
    return current.cfg.global.external_labels;
  };
  ao.reload_state = [&] {
    std::lock_guard l(cfg_mu);
    return reload_state;
  };
  tsdb::DB* dbp = db->get();
  ao.tsdb_status = [dbp] { return ComputeTsdbStatus(*dbp); };
  ao.enable_lifecycle = f.enable_lifecycle;
  ao.reload = reload;
  ao.quit = [] { ::kill(::getpid(), SIGTERM); };
  ao.global_url.listen_address = f.listen;
  ao.global_url.host = Hostname() + ":" + std::to_string(own_port);
  if (!f.external_url.empty()) {
    if (auto u = net::ParseUrl(f.external_url); u.ok()) ao.global_url.host = u->HostHeader();
  }
  ao.storage_retention = retention_desc;
  ao.lookback_delta = *lookback;
  ao.demo_load_control_url = f.demo_load_control_url;
  ao.cors_origin = f.cors_origin;
  ao.start_time_ms = start_time;
  auto api = api::Api::Create(std::move(ao));
  if (!api.ok()) {
    log::Error("cannot set up the HTTP API", {{"err", api.error().message()}});
    return kExitUsage;
  }
  (*api)->Register((*server)->router());
  if (auto st = (*server)->Start(); !st.ok()) {
    log::Error("cannot start the HTTP server", {{"err", st.error().message()}});
    return kExitError;
  }
  if (ready_gauge.ok()) (*ready_gauge)->Get().Set(1);
  log::Info("Server is ready to receive web requests.",
            {{"address", (*server)->addresses().front()}});

  signals.WaitForShutdown([&] { (void)reload(); });

  log::Info("Received shutdown signal, exiting gracefully...");
  (*scrape_mgr)->Stop();
  log::Info("Scrape manager stopped");
  (*server)->Shutdown(std::chrono::seconds(5));
  log::Info("HTTP server stopped");
  if (auto st = (*db)->Close(); !st.ok()) {
    log::Error("Error closing the TSDB", {{"err", st.error().message()}});
    return kExitError;
  }
  log::Info("TSDB closed. See you next time!");
  return kExitOk;
}

}  // namespace

RunFn AddServerCommand(CLI::App& root) {
  auto f = std::make_shared<ServerFlags>();
  auto* sub = root.add_subcommand("server", "scrape, store, PromQL and the HTTP API (Prometheus)");
  auto* cfg_opt = sub->add_option("--config.file", f->config_file,
                                  "Configuration file (Prometheus format). Without one, and "
                                  "without ./prometheus.yml, the server scrapes itself")
                      ->capture_default_str();
  sub->add_option("--web.listen-address", f->listen, "Address to serve the UI, API and /metrics")
      ->capture_default_str();
  sub->add_option("--web.external-url", f->external_url,
                  "URL under which the server is reached from outside (for targets' globalUrl)");
  sub->add_flag("--web.enable-lifecycle", f->enable_lifecycle,
                "Enable shutdown and reload via HTTP request (POST /-/quit, /-/reload)");
  sub->add_option("--web.cors.origin", f->cors_origin, "Regex for CORS origin (anchored)")
      ->capture_default_str();
  sub->add_option("--web.http-threads", f->http_threads,
                  "HTTP server threads (each running query or stream holds one)")
      ->capture_default_str();
  sub->add_option("--storage.tsdb.path", f->tsdb_path, "Base path for metrics storage")
      ->capture_default_str();
  sub->add_option("--storage.tsdb.retention.time", f->retention_time,
                  "How long to retain samples (default 15d when no size limit is set)");
  sub->add_option("--storage.tsdb.retention.size", f->retention_size,
                  "Maximum bytes of blocks to keep, e.g. 512MB (units B KB MB GB TB PB EB)");
  sub->add_option("--query.max-samples", f->max_samples,
                  "Maximum samples a single query may load into memory")
      ->capture_default_str();
  sub->add_option("--query.timeout", f->query_timeout, "Maximum time a query may take")
      ->capture_default_str();
  sub->add_option("--query.max-concurrency", f->max_concurrency,
                  "Maximum number of queries executed concurrently")
      ->capture_default_str();
  sub->add_option("--query.lookback-delta", f->lookback_delta,
                  "How far back a query or federation looks for a sample")
      ->capture_default_str();
  sub->add_option("--config.check", f->config_check,
                  "Validate a configuration file (like promtool check config) and exit 0/1");
  sub->add_option("--demo.load-control-url", f->demo_load_control_url,
                  "Inside `vigie demo`: the load generator's /users control URL");
  return [f, cfg_opt] {
    f->config_file_given = cfg_opt->count() > 0;
    if (!f->config_check.empty()) return CheckConfig(f->config_check);
    return Serve(*f);
  };
}

}  // namespace vigie::cmd
