// `vigie gallery`: the demo application (an image gallery) and `vigie gallery seed`.
#include "gallery/gallery.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cmd/command.h"
#include "core/log.h"
#include "gallery/gallery_metrics.h"
#include "gallery/http_api.h"
#include "instrument/http_metrics.h"
#include "instrument/process_collector.h"
#include "instrument/registry.h"
#include "net/http_server.h"
#include "net/signals.h"

namespace vigie::cmd {

namespace {

struct GalleryFlags {
  std::vector<std::string> listen = {":8080"};
  gallery::GalleryOptions opts;
  int thumb_cache_mb = 64;
  int max_upload_mb = 16;
  int http_threads = 16;
  bool reuse_port = false;
  int seed_count = 0;
  int seed_if_empty = 0;
};

int Seed(GalleryFlags& f) {
  f.opts.thumb_cache_bytes = static_cast<size_t>(f.thumb_cache_mb) << 20;
  f.opts.max_upload_bytes = static_cast<size_t>(f.max_upload_mb) << 20;
  auto g = gallery::Gallery::Open(f.opts);
  if (!g.ok()) {
    log::Error("cannot open gallery", {{"data", f.opts.data_dir}, {"err", g.error().message()}});
    return kExitError;
  }
  auto before = (*g)->Count();
  uint64_t first = before.ok() ? static_cast<uint64_t>(*before) + 1 : 1;
  if (auto st = (*g)->Seed(f.seed_count, first); !st.ok()) {
    log::Error("seeding failed", {{"err", st.error().message()}});
    return kExitError;
  }
  log::Info("seeded gallery", {{"images", f.seed_count}, {"data", f.opts.data_dir}});
  return kExitOk;
}

int Serve(GalleryFlags& f) {
  f.opts.thumb_cache_bytes = static_cast<size_t>(f.thumb_cache_mb) << 20;
  f.opts.max_upload_bytes = static_cast<size_t>(f.max_upload_mb) << 20;
  instrument::Registry registry;
  (void)registry.RegisterCollector(std::make_unique<instrument::ProcessCollector>());
  auto http_metrics = instrument::HttpMetrics::Register(registry);
  auto metrics = gallery::GalleryMetrics::Register(registry);
  if (!http_metrics.ok() || !metrics.ok()) {
    log::Error("cannot register metrics");
    return kExitError;
  }
  auto g = gallery::Gallery::Open(f.opts, (*metrics)->Observers());
  if (!g.ok()) {
    log::Error("cannot open gallery", {{"data", f.opts.data_dir}, {"err", g.error().message()}});
    return kExitError;
  }
  if (auto rep = (*g)->Repair(); rep.ok()) {
    log::Info("data directory checked",
              {{"orphan_files_removed", rep->orphan_files_removed},
               {"rows_without_file_removed", rep->rows_without_file_removed}});
  } else {
    log::Warn("data directory check failed", {{"err", rep.error().message()}});
  }
  if (f.seed_if_empty > 0) {
    auto n = (*g)->Count();
    if (n.ok() && *n == 0) {
      log::Info("seeding an empty gallery", {{"images", f.seed_if_empty}});
      if (auto st = (*g)->Seed(f.seed_if_empty); !st.ok()) {
        log::Error("seeding failed", {{"err", st.error().message()}});
      }
    }
  }
  (void)(*metrics)->WatchGallery(registry, **g);

  net::ServerOptions so;
  so.listen_addresses = f.listen;
  so.threads = f.http_threads;
  so.reuse_port = f.reuse_port;
  so.max_body_bytes = f.opts.max_upload_bytes + (64 << 10);  // multipart overhead
  so.name = "vigie gallery";
  auto* hm = http_metrics->get();
  so.observer = [hm](std::string_view route, std::string_view method, int code, double secs,
                     size_t bytes) { hm->Observe(route, method, code, secs, bytes); };
  auto server = net::HttpServer::Open(so);
  if (!server.ok()) {
    log::Error("cannot listen", {{"address", f.listen.front()}, {"err", server.error().message()}});
    return kExitError;
  }
  gallery::RegisterRoutes((*server)->router(), **g, metrics->get());
  (*server)->router().Get("/metrics", [&registry](const net::Request& req, net::Response& res) {
    auto r = registry.RenderForAccept(req.Accept());
    res.Set(200, std::move(r.body), r.content_type);
  });
  if (auto st = (*server)->Start(); !st.ok()) {
    log::Error("cannot start server", {{"err", st.error().message()}});
    return kExitError;
  }
  log::Info("gallery listening", {{"addresses", (*server)->addresses().front()},
                                  {"data", f.opts.data_dir},
                                  {"workers", f.opts.workers}});
  net::WaitForShutdownSignal();
  log::Info("gallery shutting down");
  (*server)->Shutdown();
  return kExitOk;
}

}  // namespace

RunFn AddGalleryCommand(CLI::App& root) {
  auto flags = std::make_shared<GalleryFlags>();
  auto* sub = root.add_subcommand("gallery", "the demo image gallery (the monitored application)");
  auto common = [flags](CLI::App* app) {
    app->add_option("--data", flags->opts.data_dir, "Data directory (SQLite + image files)")
        ->capture_default_str();
    app->add_option("--db-pool", flags->opts.db_pool, "SQLite connections")->capture_default_str();
    app->add_option("--max-upload-mb", flags->max_upload_mb, "Largest accepted upload")
        ->capture_default_str();
  };
  common(sub);
  sub->add_option("--web.listen-address", flags->listen, "Address to serve on (repeatable)")
      ->capture_default_str();
  sub->add_option("--workers", flags->opts.workers, "Worker threads decoding and rendering")
      ->capture_default_str();
  sub->add_option("--http-threads", flags->http_threads, "HTTP server threads")
      ->capture_default_str();
  sub->add_option("--thumb-cache-mb", flags->thumb_cache_mb, "In-memory thumbnail cache size")
      ->capture_default_str();
  sub->add_flag("--reuse-port", flags->reuse_port, "SO_REUSEPORT: several replicas share one port");
  sub->add_option("--seed-if-empty", flags->seed_if_empty,
                  "Generate this many images when the gallery is empty");
  auto* seed = sub->add_subcommand("seed", "generate N distinct images procedurally (libvips)");
  common(seed);
  seed->add_option("--count", flags->seed_count, "Images to generate")->required();
  return [flags, seed] { return seed->parsed() ? Seed(*flags) : Serve(*flags); };
}

}  // namespace vigie::cmd
