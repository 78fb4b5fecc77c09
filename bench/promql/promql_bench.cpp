// PromQL query benchmark: vigie's engine beside Prometheus 2.42 on the same data, same run.
//
//   promql_bench generate FILE          OpenMetrics data (13 000 series, 6h15m at 60s)
//   promql_bench import FILE DIR        vigie blocks from it (tsdb::ImportOpenMetrics)
//   promql_bench run PROM_DIR VIGIE_DIR [REPS]
//
// `run` starts Prometheus on PROM_DIR (blocks made by promtool from the same FILE) on a
// loopback port, opens VIGIE_DIR with tsdb::DB, and runs each query REPS times on both. It
// prints the median latency of vigie's engine (in-process), of Prometheus's engine (the
// execTotalTime its API reports with stats=all: the same work, without HTTP and JSON) and of
// the whole HTTP request to Prometheus, the ratio vigie / Prometheus engine, and the peak
// resident memory each process reached while running the query (VmHWM after resetting it,
// minus the resident memory before). bench/promql/run.sh does all steps.
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/fs.h"
#include "lib/process.h"
#include "promql/engine.h"
#include "tsdb/db.h"
#include "tsdb/import.h"

namespace {

using namespace vigie;

constexpr int64_t kStartMs = 1'700'000'000'000;
constexpr int64_t kStepMs = 60'000;
constexpr int kSamples = 6 * 60 + 16;  // 6h15m
constexpr int64_t kEndMs = kStartMs + (kSamples - 1) * kStepMs;

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
double U(uint64_t seed) { return static_cast<double>(Mix(seed) >> 11) / 9007199254740992.0; }

int Generate(const char* path) {
  FILE* f = std::fopen(path, "w");
  if (f == nullptr) return 1;
  std::fprintf(f, "# TYPE x counter\n");
  for (int job = 0; job < 10; ++job) {
    for (int inst = 0; inst < 1000; ++inst) {
      double v = 0, r = 1 + U(job * 1000 + inst) * 10;
      for (int i = 0; i < kSamples; ++i) {
        v += r * 60 * (0.5 + U(i * 7919 + inst));
        std::fprintf(f, "x_total{job=\"j%d\",instance=\"i%d\"} %.3f %lld\n", job, inst, v,
                     static_cast<long long>((kStartMs + i * kStepMs) / 1000));
      }
    }
  }
  std::fprintf(f, "# TYPE g gauge\n");
  for (int inst = 0; inst < 2000; ++inst) {
    for (int i = 0; i < kSamples; ++i) {
      std::fprintf(f, "g{instance=\"i%d\"} %.2f %lld\n", inst, 100 * U(inst * 31 + i),
                   static_cast<long long>((kStartMs + i * kStepMs) / 1000));
    }
  }
  std::fprintf(f, "# TYPE h histogram\n");
  const char* les[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
  for (int inst = 0; inst < 100; ++inst) {
    double counts[10] = {};
    for (int i = 0; i < kSamples; ++i) {
      for (int b = 0; b < 10; ++b) {
        counts[b] += (b + 1) * (1 + U(inst * 13 + i * 5 + b));
        if (b > 0 && counts[b] < counts[b - 1]) counts[b] = counts[b - 1];
        std::fprintf(f, "h_bucket{instance=\"i%d\",le=\"%s\"} %.0f %lld\n", inst, les[b],
                     counts[b], static_cast<long long>((kStartMs + i * kStepMs) / 1000));
      }
      std::fprintf(f, "h_count{instance=\"i%d\"} %.0f %lld\n", inst, counts[9],
                   static_cast<long long>((kStartMs + i * kStepMs) / 1000));
      std::fprintf(f, "h_sum{instance=\"i%d\"} %.0f %lld\n", inst, counts[9] * 0.3,
                   static_cast<long long>((kStartMs + i * kStepMs) / 1000));
    }
  }
  std::fprintf(f, "# EOF\n");
  return std::fclose(f) == 0 ? 0 : 1;
}

int Import(const char* file, const char* dir) {
  auto r = tsdb::ImportOpenMetrics(fs::Real(), file, dir, tsdb::ImportOptions{});
  if (!r.ok()) {
    std::fprintf(stderr, "import: %s\n", r.error().message().c_str());
    return 1;
  }
  std::printf("imported %llu samples into %zu blocks\n",
              static_cast<unsigned long long>(r->samples), r->blocks.size());
  return 0;
}

// kB from /proc/<pid>/status.
long StatusKb(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field) + 1);
  }
  return -1;
}
void ResetPeak(pid_t pid) {
  std::ofstream("/proc/" + std::to_string(pid) + "/clear_refs") << "5";
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct BenchQuery {
  std::string name, expr;
  bool range;
};

int Run(const char* prom_dir, const char* vigie_dir, int reps) {
  tsdb::Options opts;
  opts.dir = vigie_dir;
  opts.compaction_interval_ms = 0;
  opts.retention_ms = 0;
  opts.wal_enabled = false;
  auto db = tsdb::DB::Open(opts);
  if (!db.ok()) {
    std::fprintf(stderr, "open: %s\n", db.error().message().c_str());
    return 1;
  }
  std::string cfg = std::string(prom_dir) + "/../bench-prometheus.yml";
  std::ofstream(cfg) << "global: {}\n";
  const int port = testing::FreeTcpPort();
  auto prom = testing::ChildProcess::Start(
      {"prometheus", "--config.file=" + cfg, std::string("--storage.tsdb.path=") + prom_dir,
       "--storage.tsdb.retention.time=100y",
       "--web.listen-address=127.0.0.1:" + std::to_string(port)},
      std::string(prom_dir) + "/../prometheus.log");
  if (!prom.ok() || !testing::WaitForHttpOk(port, "/-/ready", 120000)) {
    std::fprintf(stderr, "prometheus did not start\n");
    return 1;
  }
  promql::Engine engine;
  const int64_t range_start = kEndMs - 6 * 3600 * 1000;
  const std::vector<BenchQuery> queries = {
      {"sum(rate(x[5m]))", "sum(rate(x_total[5m]))", true},
      {"sum by (job) (rate(x[5m]))", "sum by (job) (rate(x_total[5m]))", true},
      {"histogram_quantile(0.99, ...)",
       "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))", true},
      {"topk(5, avg_over_time(g[10m]))", "topk(5, avg_over_time(g[10m]))", true},
      {"raw selector, 1 000 series", "x_total{job=\"j3\"}", true},
      {"instant, all 13 100 series", "{__name__=~\".+\"}", false},
  };
  std::printf("%-32s %12s %12s %12s %8s %14s %14s\n", "query", "vigie ms", "prom eng ms",
              "prom http ms", "ratio", "vigie peak MB", "prom peak MB");
  for (const auto& q : queries) {
    std::string path = q.range ? "/api/v1/query_range?query=" + UrlEncode(q.expr) +
                                     "&start=" + std::to_string(range_start / 1000) +
                                     "&end=" + std::to_string(kEndMs / 1000) + "&step=60"
                               : "/api/v1/query?query=" + UrlEncode(q.expr) +
                                     "&time=" + std::to_string(kEndMs / 1000);
    path += "&stats=all";
    std::vector<double> vt, pt, ph;
    size_t vigie_series = 0, prom_series = 0;
    // Warm up both (page cache, mmaps), then measure.
    for (int rep = -1; rep < reps; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = q.range ? engine.RangeQuery(**db, q.expr, range_start, kEndMs, kStepMs)
                       : engine.InstantQuery(**db, q.expr, kEndMs);
      auto t1 = std::chrono::steady_clock::now();
      if (!r.ok()) {
        std::fprintf(stderr, "vigie: %s: %s\n", q.expr.c_str(), r.error().message().c_str());
        return 1;
      }
      vigie_series = q.range ? std::get<promql::Matrix>(r->value).size()
                             : std::get<promql::Vector>(r->value).size();
      auto t2 = std::chrono::steady_clock::now();
      auto body = testing::HttpGetBody(port, path);
      auto t3 = std::chrono::steady_clock::now();
      if (!body.ok()) return 1;
      auto j = nlohmann::json::parse(*body, nullptr, false);
      if (j.is_discarded() || j["status"] != "success") {
        std::fprintf(stderr, "prometheus: %s\n", body->substr(0, 300).c_str());
        return 1;
      }
      prom_series = j["data"]["result"].size();
      if (rep < 0) continue;
      vt.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      ph.push_back(std::chrono::duration<double, std::milli>(t3 - t2).count());
      pt.push_back(j["data"]["stats"]["timings"]["execTotalTime"].get<double>() * 1000);
    }
    // Peak memory of one more run each, relative to the resident memory before it.
    const pid_t self = getpid();
    long before = StatusKb(self, "VmRSS:");
    ResetPeak(self);
    auto r = q.range ? engine.RangeQuery(**db, q.expr, range_start, kEndMs, kStepMs)
                     : engine.InstantQuery(**db, q.expr, kEndMs);
    long vigie_peak = StatusKb(self, "VmHWM:") - before;
    r = Error(ErrorCode::kInternal, "released");
    long pbefore = StatusKb(prom->pid(), "VmRSS:");
    ResetPeak(prom->pid());
    (void)testing::HttpGetBody(port, path);
    long prom_peak = StatusKb(prom->pid(), "VmHWM:") - pbefore;
    if (vigie_series != prom_series) {
      std::fprintf(stderr, "%s: vigie returned %zu series, Prometheus %zu\n", q.name.c_str(),
                   vigie_series, prom_series);
    }
    double v = Median(vt), p = Median(pt);
    std::printf("%-32s %12.1f %12.1f %12.1f %7.2fx %14.1f %14.1f\n", q.name.c_str(), v, p,
                Median(ph), v / p, vigie_peak / 1024.0, prom_peak / 1024.0);
  }
  std::printf("process peak RSS: vigie bench %.0f MB, prometheus %.0f MB\n",
              StatusKb(getpid(), "VmHWM:") / 1024.0, StatusKb(prom->pid(), "VmHWM:") / 1024.0);
  prom->Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "generate") return Generate(argv[2]);
  if (argc >= 4 && std::string(argv[1]) == "import") return Import(argv[2], argv[3]);
  if (argc >= 4 && std::string(argv[1]) == "run") {
    return Run(argv[2], argv[3], argc >= 5 ? std::atoi(argv[4]) : 5);
  }
  std::fprintf(stderr,
               "usage: promql_bench generate FILE | import FILE DIR | run PROM_DIR VIGIE_DIR "
               "[REPS]\n");
  return 2;
}
