// `vigie load`: emulated users driving the gallery (or any HTTP service).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cmd/command.h"
#include "core/log.h"
#include "core/time.h"
#include "instrument/buckets.h"
#include "instrument/http_metrics.h"
#include "instrument/process_collector.h"
#include "instrument/registry.h"
#include "load/report.h"
#include "load/runner.h"
#include "net/http_server.h"
#include "net/signals.h"

namespace vigie::cmd {

namespace {

struct LoadFlags {
  load::LoadOptions opts;
  std::string duration = "0";
  std::string timeout = "10s";
  std::vector<std::string> stages;
  std::string scenario_file;
  bool raw = false;
  std::string out_file;
  std::string listen;
  std::string instance;
  bool quiet = false;
};

// Prometheus metrics of what the clients saw, so the server graphs them beside the target's.
struct LoadMetrics {
  instrument::CounterFamily* requests = nullptr;
  instrument::HistogramFamily* duration = nullptr;
};

int Run(LoadFlags& f) {
  auto dur = ParseDuration(f.duration);
  auto tmo = ParseDuration(f.timeout);
  if (!dur.ok() || !tmo.ok()) {
    std::cerr << "vigie load: " << (dur.ok() ? tmo.error() : dur.error()).message() << "\n";
    return kExitUsage;
  }
  f.opts.duration = std::chrono::milliseconds(*dur);
  f.opts.request_timeout = std::chrono::milliseconds(*tmo);
  for (const auto& s : f.stages) {
    auto st = load::ParseStage(s);
    if (!st.ok()) {
      std::cerr << "vigie load: " << st.error().message() << "\n";
      return kExitUsage;
    }
    f.opts.stages.push_back(*st);
  }
  if (f.raw) {
    // The target URL's own path is requested back to back, no think time (like wrk).
    std::string path = "/";
    auto scheme_end = f.opts.target.find("://");
    auto slash = f.opts.target.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    if (slash != std::string::npos) {
      path = f.opts.target.substr(slash);
      f.opts.target = f.opts.target.substr(0, slash);
    }
    f.opts.scenario = load::RawScenario(path);
  } else if (!f.scenario_file.empty()) {
    auto sc = load::LoadScenarioFile(f.scenario_file);
    if (!sc.ok()) {
      std::cerr << "vigie load: " << sc.error().message() << "\n";
      return kExitUsage;
    }
    f.opts.scenario = std::move(sc).value();
  }

  instrument::Registry registry;
  (void)registry.RegisterCollector(std::make_unique<instrument::ProcessCollector>());
  Labels consts = f.instance.empty() ? Labels{} : Labels{{"load_instance", f.instance}};
  LoadMetrics m;
  auto req = registry.RegisterCounter({.name = "vigie_load_requests_total",
                                       .help = "Requests sent by emulated users, by step and HTTP "
                                               "status (code=\"error\" when no response).",
                                       .label_names = {"step", "code"},
                                       .const_labels = consts});
  auto hist = registry.RegisterHistogram({.name = "vigie_load_request_duration_seconds",
                                          .help = "Latency seen by emulated users, by step.",
                                          .label_names = {"step"},
                                          .const_labels = consts},
                                         instrument::ExponentialBuckets(0.0005, 2, 16));
  if (!req.ok() || !hist.ok()) {
    std::cerr << "vigie load: cannot register metrics\n";
    return kExitError;
  }
  m.requests = *req;
  m.duration = *hist;
  auto observer = [m](const std::string& step, int status, load::ErrorKind kind, double secs) {
    m.requests
        ->WithLabelValues(
            {step, kind == load::ErrorKind::kNone || kind == load::ErrorKind::kHttpStatus
                       ? std::to_string(status)
                       : std::string("error")})
        .Inc();
    if (status) m.duration->WithLabelValues({step}).Observe(secs);
  };
  auto runner = load::Runner::Create(f.opts, observer);
  if (!runner.ok()) {
    std::cerr << "vigie load: " << runner.error().message() << "\n";
    return kExitUsage;
  }
  load::Runner* r = runner->get();
  (void)registry.RegisterCallbackGauge(
      {.name = "vigie_load_active_users",
       .help = "Emulated users (or open-model journeys) running now.",
       .const_labels = consts},
      [r] { return static_cast<double>(r->active_users()); });
  (void)registry.RegisterCallbackGauge({.name = "vigie_load_target_users",
                                        .help = "Users asked for (closed model).",
                                        .const_labels = consts},
                                       [r] { return static_cast<double>(r->target_users()); });
  (void)registry.RegisterCallbackGauge({.name = "vigie_load_target_rate",
                                        .help = "Arrivals per second asked for (open model).",
                                        .const_labels = consts},
                                       [r] { return r->target_rate(); });

  std::unique_ptr<net::HttpServer> server;
  if (!f.listen.empty()) {
    net::ServerOptions so;
    so.listen_addresses = {f.listen};
    so.threads = 2;
    so.name = "vigie load";
    auto s = net::HttpServer::Open(so);
    if (!s.ok()) {
      std::cerr << "vigie load: " << s.error().message() << "\n";
      return kExitError;
    }
    server = std::move(s).value();
    server->router().Get("/metrics", [&registry](const net::Request& q, net::Response& res) {
      auto out = registry.RenderForAccept(q.Accept());
      res.Set(200, std::move(out.body), out.content_type);
    });
    auto users_json = [r] {
      return nlohmann::json{
          {"users", r->target_users()}, {"active", r->active_users()}, {"rate", r->target_rate()}}
          .dump();
    };
    server->router().Get("/users", [users_json](const net::Request&, net::Response& res) {
      res.Set(200, users_json(), net::kApplicationJson);
    });
    // POST /users with users=N (form or query) changes the number of users while running;
    // rate=R changes the open model's arrival rate.
    server->router().Post("/users", [r, users_json](const net::Request& q, net::Response& res) {
      auto form = q.Form();
      if (!form.ok()) return res.Set(400, form.error().message() + "\n");
      auto set = [&](std::string_view key, auto apply) {
        auto v = form->Get(key);
        if (!v) return true;
        char* end = nullptr;
        std::string s(*v);
        double d = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0' || d < 0 || d > 100000) return false;
        apply(d);
        return true;
      };
      if (!set("users", [r](double d) { r->SetUsers(static_cast<int>(d)); }) ||
          !set("rate", [r](double d) { r->SetRate(d); })) {
        return res.Set(400, "users and rate must be numbers from 0 to 100000\n");
      }
      res.Set(200, users_json(), net::kApplicationJson);
    });
    if (auto st = server->Start(); !st.ok()) {
      std::cerr << "vigie load: " << st.error().message() << "\n";
      return kExitError;
    }
    log::Info("load metrics and control listening", {{"address", server->addresses().front()}});
  }

  r->Start();
  std::thread signals([r] {
    net::SignalWaiter w;
    while (r->running()) {
      if (auto sig = w.Wait(std::chrono::milliseconds(200));
          sig && *sig == net::ProcessSignal::kTerminate) {
        r->Stop();
        return;
      }
    }
  });
  const bool tty = isatty(STDERR_FILENO) && !f.quiet;
  std::thread progress([r, tty, quiet = f.quiet] {
    uint64_t prev = 0;
    int tick = 0;
    while (r->running()) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      ++tick;
      if (!r->running()) break;
      uint64_t now = r->stats().total().requests.load();
      if (tty) {
        std::fprintf(stderr, "\r%s\x1b[K", load::ProgressLine(*r, prev, 1.0).c_str());
        prev = now;
      } else if (!quiet && tick % 10 == 0) {
        log::Info("load progress", {{"line", load::ProgressLine(*r, prev, 10.0)}});
        prev = now;
      }
    }
  });
  r->Wait();
  if (signals.joinable()) signals.join();
  if (progress.joinable()) progress.join();
  if (tty) std::fprintf(stderr, "\n");
  std::cout << load::SummaryTable(*r);
  if (!f.out_file.empty()) {
    std::ofstream out(f.out_file);
    out << load::SummaryJson(*r) << "\n";
    if (!out) {
      std::cerr << "vigie load: cannot write " << f.out_file << "\n";
      return kExitError;
    }
  }
  if (server) server->Shutdown();
  return kExitOk;
}

}  // namespace

RunFn AddLoadCommand(CLI::App& root) {
  auto f = std::make_shared<LoadFlags>();
  auto* sub = root.add_subcommand("load", "emulated users driving the gallery or any HTTP service");
  sub->add_option("--target", f->opts.target, "Base URL of the service")->capture_default_str();
  sub->add_option("--users", f->opts.users, "Emulated users (closed model)")->capture_default_str();
  sub->add_option("--rate", f->opts.rate, "Journeys started per second (open model)");
  sub->add_option("--stage", f->stages,
                  "Ramp stage DURATION:TARGET (users, or rate with --rate); repeatable");
  sub->add_option("--duration", f->duration, "Run time (0: until Ctrl-C; default: sum of stages)")
      ->capture_default_str();
  sub->add_option("--timeout", f->timeout, "Per-request timeout")->capture_default_str();
  sub->add_option("--scenario", f->scenario_file,
                  "YAML file of journeys (default: gallery browsing)");
  sub->add_flag("--raw", f->raw,
                "Request the target URL back to back with no think time (benchmarks)");
  sub->add_option("--out", f->out_file, "Write the summary as JSON to this file");
  sub->add_option("--web.listen-address", f->listen, "Serve /metrics and the /users control here");
  sub->add_option("--instance", f->instance,
                  "Value of the load_instance label on this replica's metrics");
  sub->add_option("--seed", f->opts.seed, "Random seed")->capture_default_str();
  sub->add_flag("--quiet", f->quiet, "No progress output");
  return [f] { return Run(*f); };
}

}  // namespace vigie::cmd
