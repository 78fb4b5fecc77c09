// Ingestion benchmark, scrape side: N targets x M series scraped every second for S seconds,
// by vigie (scrape::Manager + tsdb::DB) and by Prometheus (/usr/bin/prometheus), one after the
// other against the same targets in the same run. Reports CPU seconds per million samples and
// resident memory per active series for both, and the ratios vigie / Prometheus.
//
//   scrape_ingest_bench [--targets 10] [--series 10000] [--seconds 120] [--interval 1s]
//
// The work directory (TSDB data of both sides, logs) is removed at the end unless
// VIGIE_BENCH_KEEP is set.
//
// Roles (the same binary, re-executed): "targets" serves the expositions on consecutive
// loopback ports (values change on every request); "vigie" scrapes them into a TSDB and prints
// its own CPU time, RSS and sample counts as one line of key=value. Prometheus is measured from
// outside: /proc/<pid>/stat and /status just before it is stopped, samples and series from its
// own /metrics.
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/log.h"
#include "instrument/registry.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "scrape/manager.h"
#include "tsdb/db.h"

namespace {

using namespace vigie;

struct Args {
  int targets = 10;
  int series = 10000;
  int seconds = 120;
  int interval_ms = 1000;
  int base_port = 0;
  std::string dir;
};

Args ParseArgs(int argc, char** argv, int first) {
  Args a;
  for (int i = first; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--targets")
      a.targets = std::stoi(v);
    else if (k == "--series")
      a.series = std::stoi(v);
    else if (k == "--seconds")
      a.seconds = std::stoi(v);
    else if (k == "--interval")
      a.interval_ms = static_cast<int>(*ParseDuration(v));
    else if (k == "--base-port")
      a.base_port = std::stoi(v);
    else if (k == "--dir")
      a.dir = v;
  }
  return a;
}

// ---- targets role ----------------------------------------------------------------------------

// 10 families of counters and gauges with realistic labels; `tick` moves every value.
std::string Exposition(int target, int series, uint64_t tick) {
  std::string out;
  out.reserve(static_cast<size_t>(series) * 80);
  const int families = std::max(1, series / 100);
  int emitted = 0;
  char buf[256];
  for (int f = 0; f < families && emitted < series; ++f) {
    const bool counter = f % 2 == 0;
    const std::string name = std::string(counter ? "bench_requests_" : "bench_inflight_") +
                             std::to_string(f) + (counter ? "_total" : "");
    out += "# HELP " + name + " Benchmark series.\n# TYPE " + name +
           (counter ? " counter\n" : " gauge\n");
    for (int i = 0; i < 100 && emitted < series; ++i, ++emitted) {
      const double v = counter ? static_cast<double>(tick * (i + 1) + static_cast<uint64_t>(target))
                               : std::fmod(static_cast<double>(tick * 7 + i) * 0.37, 100.0);
      int n = std::snprintf(buf, sizeof buf,
                            "%s{method=\"%s\",code=\"%d\",path=\"/api/v1/item/%d\"} %.17g\n",
                            name.c_str(), i % 3 == 0 ? "GET" : "POST", 200 + (i % 5), i, v);
      out.append(buf, static_cast<size_t>(n));
    }
  }
  return out;
}

int RunTargets(const Args& a) {
  std::vector<std::unique_ptr<net::HttpServer>> servers;
  std::vector<std::unique_ptr<std::atomic<uint64_t>>> ticks;
  for (int t = 0; t < a.targets; ++t) {
    net::ServerOptions o;
    o.listen_addresses = {"127.0.0.1:" + std::to_string(a.base_port + t)};
    o.threads = 1;
    auto s = net::HttpServer::Open(o);
    if (!s.ok()) {
      std::fprintf(stderr, "targets: %s\n", s.error().message().c_str());
      return 1;
    }
    ticks.push_back(std::make_unique<std::atomic<uint64_t>>(0));
    auto* tick = ticks.back().get();
    const int series = a.series;
    (*s)->router().Get("/metrics", [t, series, tick](const net::Request&, net::Response& res) {
      res.Set(200, Exposition(t, series, ++*tick), "text/plain; version=0.0.4; charset=utf-8");
    });
    if (!(*s)->Start().ok()) return 1;
    servers.push_back(std::move(*s));
  }
  pause();  // until killed
  return 0;
}

// ---- vigie role --------------------------------------------------------------------------------

double CpuSecondsSelf() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

double CpuSecondsOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = s.rfind(')');
  std::istringstream rest(s.substr(close + 2));
  std::vector<std::string> f;
  std::string tok;
  while (rest >> tok) f.push_back(tok);
  // After the comm field: state(0) ... utime(11) stime(12)
  const double ticks = std::stod(f[11]) + std::stod(f[12]);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Sum over every series of `name` (Prometheus 2.42 labels some with type="float").
double MetricValue(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  double sum = 0;
  bool found = false;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != ' ' && next != '{') continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
    found = true;
  }
  return found ? sum : -1;
}

int RunVigie(const Args& a) {
  log::SetLevel(log::Level::kWarn);
  instrument::Registry registry;
  tsdb::Options to;
  to.dir = a.dir;
  auto db = tsdb::DB::Open(to, &registry);
  if (!db.ok()) {
    std::fprintf(stderr, "vigie: %s\n", db.error().message().c_str());
    return 1;
  }
  scrape::ManagerOptions mo;
  mo.appendable = db->get();
  mo.registry = &registry;
  mo.discovery_update_interval = 100;
  auto m = scrape::Manager::Open(mo);
  scrape::ScrapeConfig c;
  c.job_name = "bench";
  c.scrape_interval = a.interval_ms;
  c.scrape_timeout = a.interval_ms;
  scrape::TargetGroup g;
  for (int t = 0; t < a.targets; ++t) {
    g.targets.push_back(Labels{{"__address__", "127.0.0.1:" + std::to_string(a.base_port + t)}});
  }
  g.source = "0";
  c.discovery.static_configs.push_back(g);
  (void)(*m)->ApplyConfig({c});
  (*m)->Run();
  // Steady state only: the window opens once samples flow (as for Prometheus below).
  const auto appended = [&] {
    return MetricValue(registry.Render(expfmt::Format::kText004),
                       "prometheus_tsdb_head_samples_appended_total");
  };
  while (appended() <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double samples0 = appended();
  const double cpu0 = CpuSecondsSelf();
  std::this_thread::sleep_for(std::chrono::seconds(a.seconds));
  const double cpu = CpuSecondsSelf() - cpu0;
  const long rss = RssKb(getpid());
  const std::string metrics = registry.Render(expfmt::Format::kText004);
  const double samples =
      MetricValue(metrics, "prometheus_tsdb_head_samples_appended_total") - samples0;
  const double series = MetricValue(metrics, "prometheus_tsdb_head_series");
  std::printf("cpu_seconds=%.3f rss_kb=%ld samples=%.0f series=%.0f\n", cpu, rss, samples, series);
  std::fflush(stdout);
  // Heap in use vs. obtained from the system (fragmentation), on stderr.
  if (std::getenv("VIGIE_BENCH_MALLOC_STATS") != nullptr) malloc_stats();
  (*m)->Stop();
  (void)(*db)->Close();
  return 0;
}

// ---- orchestration -----------------------------------------------------------------------------

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

void StopChild(pid_t pid) {
  kill(pid, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    int st = 0;
    if (waitpid(pid, &st, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

int FreePort() {
  // Ports well away from the usual ones; a collision only fails the run, loudly.
  return 20000 + static_cast<int>(getpid() % 20000);
}

std::map<std::string, double> ParseKv(const std::string& line) {
  std::map<std::string, double> out;
  std::istringstream in(line);
  std::string kv;
  while (in >> kv) {
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) out[kv.substr(0, eq)] = std::stod(kv.substr(eq + 1));
  }
  return out;
}

std::string ReadFile(const std::string& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int Orchestrate(const Args& a0, const char* self) {
  Args a = a0;
  a.base_port = FreePort();
  char tmpl[] = "/tmp/vigie-ingest-bench.XXXXXX";
  const std::string tmp = mkdtemp(tmpl);
  const auto common = [&] {
    return std::vector<std::string>{"--targets",   std::to_string(a.targets),
                                    "--series",    std::to_string(a.series),
                                    "--base-port", std::to_string(a.base_port)};
  };
  std::vector<std::string> targets_argv = {self, "targets"};
  for (auto& s : common()) targets_argv.push_back(s);
  pid_t targets = Spawn(targets_argv, tmp + "/targets.log");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::printf("ingestion: %d targets x %d series every %d ms, %d s per side; workdir %s\n",
              a.targets, a.series, a.interval_ms, a.seconds, tmp.c_str());

  // vigie
  std::vector<std::string> vargv = {self,         "vigie",
                                    "--seconds",  std::to_string(a.seconds),
                                    "--interval", std::to_string(a.interval_ms) + "ms",
                                    "--dir",      tmp + "/vigie-data"};
  for (auto& s : common()) vargv.push_back(s);
  pid_t v = Spawn(vargv, tmp + "/vigie.log");
  int st = 0;
  waitpid(v, &st, 0);
  std::string vline = ReadFile(tmp + "/vigie.log");
  const size_t pos = vline.find("cpu_seconds=");
  auto vr = ParseKv(pos == std::string::npos ? "" : vline.substr(pos));

  // Prometheus
  const int prom_port = a.base_port + a.targets + 1;
  std::ofstream(tmp + "/prometheus.yml")
      << "global:\n  scrape_interval: " << a.interval_ms
      << "ms\n  scrape_timeout: " << a.interval_ms
      << "ms\nscrape_configs:\n  - job_name: bench\n    static_configs:\n"
      << "      - targets: [" <<
      [&] {
        std::string s;
        for (int t = 0; t < a.targets; ++t) {
          s += (t ? ", " : "") + std::string("\"127.0.0.1:") + std::to_string(a.base_port + t) +
               "\"";
        }
        return s;
      }()
      << "]\n";
  pid_t p = Spawn({"prometheus", "--config.file=" + tmp + "/prometheus.yml",
                   "--storage.tsdb.path=" + tmp + "/prom-data",
                   "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
                  tmp + "/prometheus.log");
  // Measure from the moment it is up to `seconds` later, like vigie.
  net::HttpClient client;
  const std::string prom_metrics = "http://127.0.0.1:" + std::to_string(prom_port) + "/metrics";
  for (int i = 0; i < 300; ++i) {
    auto r = client.Get(prom_metrics);
    if (r.ok() && r->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  double psamples0 = 0;
  for (int i = 0; i < 600 && psamples0 <= 0; ++i) {
    auto r0 = client.Get(prom_metrics);
    if (r0.ok()) psamples0 = MetricValue(r0->body, "prometheus_tsdb_head_samples_appended_total");
    if (psamples0 <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double pcpu0 = CpuSecondsOf(p);
  std::this_thread::sleep_for(std::chrono::seconds(a.seconds));
  const double pcpu = CpuSecondsOf(p) - pcpu0;
  const long prss = RssKb(p);
  auto r1 = client.Get(prom_metrics);
  double psamples = -1, pseries = -1;
  if (r1.ok()) {
    psamples = MetricValue(r1->body, "prometheus_tsdb_head_samples_appended_total") - psamples0;
    pseries = MetricValue(r1->body, "prometheus_tsdb_head_series");
  }
  StopChild(p);
  StopChild(targets);

  const auto per_million = [](double cpu, double samples) { return cpu / (samples / 1e6); };
  const double v_cpu_m = per_million(vr["cpu_seconds"], vr["samples"]);
  const double p_cpu_m = per_million(pcpu, psamples);
  const double v_rss_s = vr["rss_kb"] * 1024 / vr["series"];
  const double p_rss_s = static_cast<double>(prss) * 1024 / pseries;
  std::printf(
      "| side | CPU s | samples | CPU s / 1M samples | RSS MiB | head series | RSS bytes / series "
      "|\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| vigie | %.2f | %.0f | %.3f | %.1f | %.0f | %.0f |\n", vr["cpu_seconds"],
              vr["samples"], v_cpu_m, vr["rss_kb"] / 1024, vr["series"], v_rss_s);
  std::printf("| Prometheus | %.2f | %.0f | %.3f | %.1f | %.0f | %.0f |\n", pcpu, psamples, p_cpu_m,
              static_cast<double>(prss) / 1024, pseries, p_rss_s);
  std::printf("ratio vigie/Prometheus: CPU per sample %.2fx, memory per series %.2fx\n",
              v_cpu_m / p_cpu_m, v_rss_s / p_rss_s);
  if (std::getenv("VIGIE_BENCH_KEEP") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string role = argc > 1 ? argv[1] : "";
  if (role == "targets") return RunTargets(ParseArgs(argc, argv, 2));
  if (role == "vigie") return RunVigie(ParseArgs(argc, argv, 2));
  return Orchestrate(ParseArgs(argc, argv, 1), "/proc/self/exe");
}
