// PromQL query benchmark: vigie's engine beside Prometheus 2.42 on the same data, same run.
//
//   promql_bench generate FILE          OpenMetrics data (13 000 series, 6h15m at 60s)
//   promql_bench import FILE DIR        vigie blocks from it (tsdb::ImportOpenMetrics)
//   promql_bench run PROM_DIR VIGIE_DIR [REPS]
//   promql_bench vigie|vigie-glibc VIGIE_DIR [REPS [QUERY_INDEX]]   vigie alone (profiling)
//
// `run` starts Prometheus on PROM_DIR (blocks made by promtool from the same FILE) on a
// loopback port, opens VIGIE_DIR with tsdb::DB, and runs each query REPS times on both,
// alternating. It prints medians of: vigie's engine in a fresh process (`promql_bench vigie`,
// with the malloc settings `vigie server` uses; `vigie-glibc` with glibc's defaults, for
// comparison); Prometheus's engine (the
// execTotalTime its API reports with stats=all: the same work without HTTP and JSON); the ratio;
// the whole HTTP request to `vigie server` (when the binary is built; on a copy of VIGIE_DIR) and
// to Prometheus, and their ratio. Then, per query, the resident memory the query added in a fresh
// process (VmHWM after resetting it, minus VmRSS before): a child opening VIGIE_DIR, and a freshly
// started Prometheus (medians of three). bench/promql/run.sh does all steps.
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
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
        std::fprintf(f, "h_bucket{instance=\"i%d\",le=\"%s\"} %.0f %lld\n", inst, les[b], counts[b],
                     static_cast<long long>((kStartMs + i * kStepMs) / 1000));
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
void ResetPeak(pid_t pid) { std::ofstream("/proc/" + std::to_string(pid) + "/clear_refs") << "5"; }

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

// GET over HTTP/1.0 (the connection closes at the end of the body) into `buf`, which the
// caller reuses: its memory stays mapped, so the client's own page faults (expensive on this
// VM, and as many for either server) stay out of the timings. Returns the body, or nullopt.
std::optional<std::string_view> HttpGet(int port, const std::string& path, std::string* buf) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return std::nullopt;
  }
  buf->clear();
  constexpr size_t kPiece = 1 << 16;
  while (true) {
    const size_t old = buf->size();
    if (buf->capacity() < old + kPiece) buf->reserve(2 * (old + kPiece));
    buf->resize(old + kPiece);
    const ssize_t n = read(fd, buf->data() + old, kPiece);
    buf->resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    if (n <= 0) break;
  }
  close(fd);
  const size_t body = buf->find("\r\n\r\n");
  if (buf->rfind("HTTP/1.", 0) != 0 || body == std::string::npos) return std::nullopt;
  return std::string_view(*buf).substr(body + 4);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct BenchQuery {
  std::string name, expr;
  bool range;
};

std::vector<BenchQuery> Queries() {
  return {
      {"sum(rate(x[5m]))", "sum(rate(x_total[5m]))", true},
      {"sum by (job) (rate(x[5m]))", "sum by (job) (rate(x_total[5m]))", true},
      {"histogram_quantile(0.99, ...)",
       "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))", true},
      {"topk(5, avg_over_time(g[10m]))", "topk(5, avg_over_time(g[10m]))", true},
      {"raw selector, 1 000 series", "x_total{job=\"j3\"}", true},
      {"instant, all 13 100 series", "{__name__=~\".+\"}", false},
  };
}

// The malloc settings `vigie server` starts with (TuneMallocForQueries in src/cmd/server.cpp):
// keep freed heap instead of handing it back to the kernel after every query.
void TuneMallocLikeServer() {
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
}

Result<std::unique_ptr<tsdb::DB>> OpenVigie(const char* vigie_dir) {
  tsdb::Options opts;
  opts.dir = vigie_dir;
  opts.compaction_interval_ms = 0;
  opts.retention_ms = 0;
  opts.wal_enabled = false;
  return tsdb::DB::Open(opts);
}

Result<promql::QueryResult> RunVigie(promql::Engine& engine, storage::Queryable& db,
                                     const BenchQuery& q) {
  const int64_t range_start = kEndMs - 6 * 3600 * 1000;
  return q.range ? engine.RangeQuery(db, q.expr, range_start, kEndMs, kStepMs)
                 : engine.InstantQuery(db, q.expr, kEndMs);
}

// vigie alone (for profiling): each query REPS times, median printed.
int VigieOnly(const char* vigie_dir, int reps, int only) {
  auto db = OpenVigie(vigie_dir);
  if (!db.ok()) return 1;
  promql::Engine engine;
  auto qs = Queries();
  for (size_t i = 0; i < qs.size(); ++i) {
    if (only >= 0 && static_cast<int>(i) != only) continue;
    std::vector<double> t;
    for (int rep = 0; rep < reps; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = RunVigie(engine, **db, qs[i]);
      t.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      if (!r.ok()) return 1;
    }
    std::printf("%-32s %10.1f ms  min %.1f\n", qs[i].name.c_str(), Median(t),
                *std::min_element(t.begin(), t.end()));
  }
  return 0;
}

// One query in this (fresh) process: prints the peak resident memory it added, in kB.
int VigieMem(const char* vigie_dir, int index) {
  auto db = OpenVigie(vigie_dir);
  if (!db.ok()) return 1;
  promql::Engine engine;
  const pid_t self = getpid();
  const long before = StatusKb(self, "VmRSS:");
  ResetPeak(self);
  auto r = RunVigie(engine, **db, Queries()[index]);
  if (!r.ok()) return 1;
  std::printf("%ld\n", StatusKb(self, "VmHWM:") - before);
  return 0;
}

// The median latency of query `index` over `reps` runs in a fresh process (so that this
// process's HTTP and JSON work does not disturb vigie's heap or caches); `mode` "vigie" runs
// with the server's malloc settings, "vigie-glibc" with glibc's defaults.
double VigieTimeChild(const char* self_path, const char* mode, const char* vigie_dir, int reps,
                      int index) {
  std::string cmd = std::string(self_path) + " " + mode + " " + vigie_dir + " " +
                    std::to_string(reps) + " " + std::to_string(index);
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char line[256] = {};
  double ms = -1;
  if (std::fgets(line, sizeof line, p) != nullptr) {
    std::string l(line);
    size_t end = l.rfind(" ms");
    size_t start = l.rfind(' ', end - 1);
    if (end != std::string::npos && start != std::string::npos) {
      ms = std::atof(l.substr(start + 1, end - start - 1).c_str());
    }
  }
  pclose(p);
  return ms;
}

long VigieMemChild(const char* self_path, const char* vigie_dir, int index) {
  std::string cmd =
      std::string(self_path) + " vigie-mem " + vigie_dir + " " + std::to_string(index);
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  long kb = -1;
  if (std::fscanf(p, "%ld", &kb) != 1) kb = -1;
  pclose(p);
  return kb;
}

int Run(const char* prom_dir, const char* vigie_dir, int reps, const char* self_path) {
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
  // vigie's own server on a copy of the same blocks, when the binary is built: the HTTP column.
  int vigie_port = 0;
  std::optional<testing::ChildProcess> vigie_server;
  const std::string served = std::string(vigie_dir) + "-served";
  if (std::ifstream(testing::VigieBinary()).good() &&
      std::system(("rm -rf " + served + " && cp -r " + vigie_dir + " " + served).c_str()) == 0) {
    vigie_port = testing::FreeTcpPort();
    auto v = testing::ChildProcess::Start(
        {testing::VigieBinary(), "server", "--config.file=" + cfg, "--storage.tsdb.path=" + served,
         "--storage.tsdb.retention.time=100y",
         "--web.listen-address=127.0.0.1:" + std::to_string(vigie_port)},
        std::string(prom_dir) + "/../vigie-server.log");
    if (v.ok() && testing::WaitForHttpOk(vigie_port, "/-/ready", 120000)) {
      vigie_server.emplace(std::move(v).value());
    }
  }
  promql::Engine engine;
  const int64_t range_start = kEndMs - 6 * 3600 * 1000;
  const std::vector<BenchQuery> queries = Queries();
  std::vector<std::string> paths;
  for (const auto& q : queries) {
    std::string path = q.range ? "/api/v1/query_range?query=" + UrlEncode(q.expr) +
                                     "&start=" + std::to_string(range_start / 1000) +
                                     "&end=" + std::to_string(kEndMs / 1000) + "&step=60"
                               : "/api/v1/query?query=" + UrlEncode(q.expr) +
                                     "&time=" + std::to_string(kEndMs / 1000);
    paths.push_back(path + "&stats=all");
  }
  std::vector<std::string> lines;
  std::string prom_buf, vigie_buf;  // response buffers, reused (see HttpGet)
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    const auto& q = queries[qi];
    const std::string& path = paths[qi];
    std::vector<double> pt, ph, vh;
    size_t vigie_series = 0, prom_series = 0;
    // Warm up both (page cache, mmaps), then measure.
    for (int rep = -1; rep < reps; ++rep) {
      // Let the previous request's background work (Go's GC) settle before timing the next.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (rep < 0) {
        // vigie in-process once, to check it returns as many series (timed in a child below).
        auto r = RunVigie(engine, **db, q);
        if (!r.ok()) {
          std::fprintf(stderr, "vigie: %s: %s\n", q.expr.c_str(), r.error().message().c_str());
          return 1;
        }
        vigie_series = q.range ? std::get<promql::Matrix>(r->value).size()
                               : std::get<promql::Vector>(r->value).size();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto t2 = std::chrono::steady_clock::now();
      auto body = HttpGet(port, path, &prom_buf);
      auto t3 = std::chrono::steady_clock::now();
      if (!body) return 1;
      auto j = nlohmann::json::parse(*body, nullptr, false);
      if (j.is_discarded() || j["status"] != "success") {
        std::fprintf(stderr, "prometheus: %s\n", std::string(body->substr(0, 300)).c_str());
        return 1;
      }
      prom_series = j["data"]["result"].size();
      double vigie_http = 0;
      if (vigie_server) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto t4 = std::chrono::steady_clock::now();
        auto vb = HttpGet(vigie_port, path, &vigie_buf);
        vigie_http =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t4)
                .count();
        if (!vb || vb->find("\"success\"") == std::string::npos) {
          std::fprintf(stderr, "vigie server: %s\n",
                       vb ? std::string(vb->substr(0, 300)).c_str() : "");
        }
      }
      if (rep < 0) continue;
      vh.push_back(vigie_http);
      ph.push_back(std::chrono::duration<double, std::milli>(t3 - t2).count());
      pt.push_back(j["data"]["stats"]["timings"]["execTotalTime"].get<double>() * 1000);
    }
    if (vigie_series != prom_series) {
      std::fprintf(stderr, "%s: vigie returned %zu series, Prometheus %zu\n", q.name.c_str(),
                   vigie_series, prom_series);
    }
    char line[256];
    // With the malloc settings of `vigie server`, and with glibc's defaults (which give freed
    // heap back to the kernel at once: on this VM the page faults of the next query are
    // expensive; Go's runtime keeps its heap).
    const double v = VigieTimeChild(self_path, "vigie", vigie_dir, reps, static_cast<int>(qi));
    const double vt =
        VigieTimeChild(self_path, "vigie-glibc", vigie_dir, reps, static_cast<int>(qi));
    const double p = Median(pt);
    std::snprintf(line, sizeof line, "%-32s %8.1f %8.1f %8.1f %6.2fx %6.2fx %9.1f %9.1f %6.2fx",
                  q.name.c_str(), v, vt, p, v / p, vt / p, Median(vh), Median(ph),
                  Median(vh) / Median(ph));
    lines.push_back(line);
  }
  std::printf("process peak RSS after the latency runs: vigie bench %.0f MB, prometheus %.0f MB\n",
              StatusKb(getpid(), "VmHWM:") / 1024.0, StatusKb(prom->pid(), "VmHWM:") / 1024.0);
  prom->Stop();
  if (vigie_server) vigie_server->Stop();
  (void)std::system(("rm -rf " + served).c_str());

  // Peak memory per query, each in a fresh process: resident memory added while the query ran
  // (VmHWM after resetting it, minus VmRSS before) by vigie (a child opening the blocks) and by
  // a freshly started Prometheus on the same blocks; the median of three fresh processes each
  // (Prometheus's figure varies with where its garbage collector stands when the query starts).
  std::printf("%-32s %8s %8s %8s %7s %7s %9s %9s %7s %8s %8s\n", "query", "vigie", "vigie-g",
              "prom", "ratio", "ratio-g", "vigie-h", "prom-h", "ratio-h", "vigie MB", "prom MB");
  constexpr int kMemRuns = 3;
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    std::vector<double> vigie_kb, prom_kb;
    for (int run = 0; run < kMemRuns; ++run) {
      vigie_kb.push_back(
          static_cast<double>(VigieMemChild(self_path, vigie_dir, static_cast<int>(qi))));
      auto fresh = testing::ChildProcess::Start(
          {"prometheus", "--config.file=" + cfg, std::string("--storage.tsdb.path=") + prom_dir,
           "--storage.tsdb.retention.time=100y",
           "--web.listen-address=127.0.0.1:" + std::to_string(port)},
          std::string(prom_dir) + "/../prometheus.log");
      if (fresh.ok() && testing::WaitForHttpOk(port, "/-/ready", 120000)) {
        std::this_thread::sleep_for(std::chrono::seconds(2));
        const long before = StatusKb(fresh->pid(), "VmRSS:");
        ResetPeak(fresh->pid());
        (void)testing::HttpGetBody(port, paths[qi]);
        prom_kb.push_back(static_cast<double>(StatusKb(fresh->pid(), "VmHWM:") - before));
        fresh->Stop();
      } else {
        prom_kb.push_back(-1024);
      }
    }
    std::printf("%s %8.1f %8.1f\n", lines[qi].c_str(), Median(vigie_kb) / 1024.0,
                Median(prom_kb) / 1024.0);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "generate") return Generate(argv[2]);
  if (argc >= 4 && std::string(argv[1]) == "import") return Import(argv[2], argv[3]);
  const std::string mode = argc >= 2 ? argv[1] : "";
  if (argc >= 3 && (mode == "vigie" || mode == "vigie-glibc")) {
    if (mode == "vigie") TuneMallocLikeServer();
    return VigieOnly(argv[2], argc >= 4 ? std::atoi(argv[3]) : 5,
                     argc >= 5 ? std::atoi(argv[4]) : -1);
  }
  if (argc >= 4 && mode == "vigie-mem") {
    TuneMallocLikeServer();
    return VigieMem(argv[2], std::atoi(argv[3]));
  }
  if (argc >= 4 && std::string(argv[1]) == "run") {
    return Run(argv[2], argv[3], argc >= 5 ? std::atoi(argv[4]) : 5, argv[0]);
  }
  std::fprintf(stderr,
               "usage: promql_bench generate FILE | import FILE DIR | run PROM_DIR VIGIE_DIR "
               "[REPS]\n");
  return 2;
}
