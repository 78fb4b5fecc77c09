// A small in-memory TSDB (tsdb::DB on the in-memory file system) with a few series, an Api in
// front of it, and helpers that send requests through the router as the HTTP server would.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/api.h"
#include "core/fs.h"
#include "instrument/registry.h"
#include "net/http_message.h"
#include "net/params.h"
#include "net/router.h"
#include "promql/engine.h"
#include "tsdb/db.h"

namespace vigie::api::testing {

// 2015-07-01T20:10:51.781Z, the timestamp of Prometheus's API documentation.
inline constexpr TimestampMs kT0 = 1435781451781;

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    tsdb::Options o;
    o.dir = "/db";
    o.fs = fs_.get();
    o.compaction_interval_ms = 0;
    o.wal_sync_interval_ms = 0;
    auto db = tsdb::DB::Open(o);
    ASSERT_TRUE(db.ok()) << db.error().message();
    db_ = std::move(db).value();
    Seed();
  }

  void TearDown() override {
    api_.reset();
    if (db_) (void)db_->Close();
  }

  // up{instance="localhost:9090",job="prometheus"} 1 and up{instance="localhost:9100",job=
  // "node"} 0 every 15 s over [kT0 - 60s, kT0]; a counter and a gauge with odd values.
  virtual void Seed() {
    auto app = db_->NewAppender();
    for (TimestampMs t = kT0 - 60000; t <= kT0; t += 15000) {
      Add(*app, {{"__name__", "up"}, {"job", "prometheus"}, {"instance", "localhost:9090"}}, t, 1);
      Add(*app, {{"__name__", "up"}, {"job", "node"}, {"instance", "localhost:9100"}}, t, 0);
      Add(*app, {{"__name__", "http_requests_total"}, {"job", "api"}, {"code", "200"}}, t,
          static_cast<double>((t - kT0 + 60000) / 15000) * 10);
      Add(*app, {{"__name__", "temperature"}, {"room", "<lab & \"b\">"}}, t, 0.1);
    }
    ASSERT_TRUE(app->Commit().ok());
  }

  static void Add(storage::Appender& app, Labels l, TimestampMs t, double v) {
    auto r = app.Append(0, l, t, v);
    ASSERT_TRUE(r.ok()) << r.error().message();
  }

  // Builds the Api with `opts` (queryable, registry and a fixed clock filled in) and routes.
  void MakeApi(ApiOptions opts = {}) {
    opts.queryable = db_.get();
    if (!opts.registry) opts.registry = &registry_;
    if (!opts.now) opts.now = [] { return kT0; };
    if (!opts.engine) opts.engine = &engine_;
    auto api = Api::Create(std::move(opts));
    ASSERT_TRUE(api.ok()) << api.error().message();
    api_ = std::move(api).value();
    router_ = std::make_unique<net::Router>();
    api_->Register(*router_);
  }

  // Sends a request through the router. `target` is path?query; `body` a form for POST.
  net::Response Do(std::string method, std::string target, std::string body = "",
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    net::Request req;
    req.method = std::move(method);
    req.target = target;
    size_t q = target.find('?');
    auto path = net::PercentDecode(target.substr(0, q));
    req.path = path.ok() ? *path : target;
    if (q != std::string::npos) {
      EXPECT_TRUE(net::ParseUrlEncoded(target.substr(q + 1), &req.query).ok());
    }
    for (auto& [k, v] : headers) req.headers.Add(k, v);
    if (!body.empty()) {
      req.body = std::move(body);
      if (!req.headers.Has("Content-Type")) {
        req.headers.Add("Content-Type", "application/x-www-form-urlencoded");
      }
    }
    net::Response res;
    router_->Serve(req, res);
    return res;
  }
  net::Response Get(std::string target) { return Do("GET", std::move(target)); }
  net::Response Post(std::string path, std::string form) {
    return Do("POST", std::move(path), std::move(form));
  }

  std::unique_ptr<fs::FileSystem> fs_ = fs::NewMemory();
  std::unique_ptr<tsdb::DB> db_;
  instrument::Registry registry_;
  promql::Engine engine_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<net::Router> router_;
};

}  // namespace vigie::api::testing
