// WAL replay (restart) and ingestion benchmark, side by side with Prometheus.
//
// 1. Ingests S series x N samples (15 s apart, like scrapes: one appender per scrape) into a
//    vigie DB with compaction off, measuring CPU seconds per million samples; closes it.
// 2. Copies the WAL (same bytes: vigie writes Prometheus's WAL format) into a Prometheus data
//    directory.
// 3. Replays it in a fresh vigie process (time of DB::Open, resident memory) and in Prometheus
//    (time until /-/ready, its "WAL replay completed" duration, resident memory).
// Prints the figures and the ratios vigie / Prometheus.
//
// usage: bench_tsdb_replay [--series 100000] [--samples 120] [--dir /tmp/vigie-bench-replay]
//        [--prometheus /usr/bin/prometheus]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>

#include "core/log.h"
#include "core/time.h"
#include "tsdb/db.h"
#ifdef VIGIE_HAVE_TESTLIB
#include "lib/process.h"
#endif

namespace {

using vigie::tsdb::DB;
using vigie::tsdb::Options;

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// utime + stime of a process, in seconds.
double ProcCpuSeconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  double ut = 0, st = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) ut = std::stod(field);
    if (i == 15) st = std::stod(field);
  }
  return (ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long RssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

Options Opts(const std::string& dir) {
  Options o;
  o.dir = dir;
  o.compaction_interval_ms = 0;
  o.retention_ms = 0;
  // VIGIE_REPLAY_SHARDS=1 replays on one thread (to compare with the default, one per CPU).
  if (const char* shards = std::getenv("VIGIE_REPLAY_SHARDS"))
    o.wal_replay_shards = std::stoul(shards);
  return o;
}

int Ingest(const std::string& dir, int series, int samples, int64_t start_ms) {
  auto db = DB::Open(Opts(dir));
  if (!db.ok()) {
    std::fprintf(stderr, "open: %s\n", db.error().message().c_str());
    return 1;
  }
  std::vector<vigie::Labels> labels;
  labels.reserve(static_cast<size_t>(series));
  for (int s = 0; s < series; ++s) {
    labels.push_back({{"__name__", "bench_metric_" + std::to_string(s % 100) + "_total"},
                      {"instance", "10.1." + std::to_string(s / 1000 % 250) + "." +
                                       std::to_string(s % 250) + ":9100"},
                      {"job", "bench"},
                      {"series", std::to_string(s)}});
  }
  std::vector<vigie::storage::SeriesRef> refs(static_cast<size_t>(series), 0);
  double cpu0 = CpuSeconds();
  int64_t wall0 = vigie::MonotonicNs();
  for (int i = 0; i < samples; ++i) {
    auto app = (*db)->NewAppender();
    int64_t t = start_ms + int64_t{i} * 15000;
    for (int s = 0; s < series; ++s) {
      auto r = app->Append(refs[static_cast<size_t>(s)], labels[static_cast<size_t>(s)], t,
                           static_cast<double>(int64_t{i} * (s % 7 + 1) * 10));
      if (!r.ok()) {
        std::fprintf(stderr, "append: %s\n", r.error().message().c_str());
        return 1;
      }
      refs[static_cast<size_t>(s)] = *r;
    }
    if (!app->Commit().ok()) return 1;
  }
  double cpu = CpuSeconds() - cpu0;
  double wall = static_cast<double>(vigie::MonotonicNs() - wall0) / 1e9;
  double total = static_cast<double>(series) * samples;
  std::printf(
      "vigie ingest: %.0f samples in %.2f s wall, %.2f CPU s = %.3f CPU s per million samples\n",
      total, wall, cpu, cpu / total * 1e6);
  return (*db)->Close().ok() ? 0 : 1;
}

// In a fresh process: open (replays the WAL) and report time and memory.
int ReplayChild(const std::string& dir) {
  long rss0 = RssKb(getpid());
  double cpu0 = CpuSeconds();
  int64_t t0 = vigie::MonotonicNs();
  auto db = DB::Open(Opts(dir));
  if (!db.ok()) return 1;
  double secs = static_cast<double>(vigie::MonotonicNs() - t0) / 1e9;
  double cpu = CpuSeconds() - cpu0;
  long rss = RssKb(getpid());
  std::printf("REPLAY %.3f %ld %ld %llu %.3f\n", secs, rss, rss0,
              static_cast<unsigned long long>((*db)->head().NumSeries()), cpu);
  std::fflush(stdout);
  _exit(0);  // skip Close: we only measure start
}

}  // namespace

int main(int argc, char** argv) {
  int series = 100000, samples = 120;
  std::string dir = "/tmp/vigie-bench-replay", prom = "/usr/bin/prometheus", replay_only;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--series")
      series = std::stoi(v);
    else if (k == "--samples")
      samples = std::stoi(v);
    else if (k == "--dir")
      dir = v;
    else if (k == "--prometheus")
      prom = v;
    else if (k == "--replay-only")
      replay_only = v;
  }
  (void)vigie::log::Init("warn", "logfmt");
  if (!replay_only.empty()) return ReplayChild(replay_only);

  namespace stdfs = std::filesystem;
  stdfs::remove_all(dir);
  std::string vdir = dir + "/vigie", pdir = dir + "/prometheus";
  int64_t start = vigie::NowMs() - int64_t{samples} * 15000;
  if (Ingest(vdir, series, samples, start) != 0) return 1;
  stdfs::create_directories(pdir);
  stdfs::copy(vdir + "/wal", pdir + "/wal", stdfs::copy_options::recursive);
  uintmax_t wal_bytes = 0;
  for (const auto& e : stdfs::recursive_directory_iterator(vdir + "/wal")) {
    if (e.is_regular_file()) wal_bytes += e.file_size();
  }
  std::printf("WAL: %.1f MiB for %d series x %d samples\n",
              static_cast<double>(wal_bytes) / 1048576.0, series, samples);

  // vigie replay in a child process.
  std::string cmd = std::string(argv[0]) + " --replay-only " + vdir;
  FILE* p = popen(cmd.c_str(), "r");
  double v_secs = 0, v_cpu = 0;
  long v_rss = 0, v_rss0 = 0;
  unsigned long long v_series = 0;
  char line[256];
  while (p && std::fgets(line, sizeof line, p)) {
    std::sscanf(line, "REPLAY %lf %ld %ld %llu %lf", &v_secs, &v_rss, &v_rss0, &v_series, &v_cpu);
  }
  if (p) pclose(p);
  std::printf(
      "vigie replay: %.3f s wall, %.3f CPU s, %llu series, RSS %.1f MiB (%.0f bytes/series "
      "above start)\n",
      v_secs, v_cpu, v_series, static_cast<double>(v_rss) / 1024.0,
      static_cast<double>(v_rss - v_rss0) * 1024.0 / static_cast<double>(series));

#ifdef VIGIE_HAVE_TESTLIB
  if (access(prom.c_str(), X_OK) != 0) {
    std::printf("prometheus not found at %s: no comparison\n", prom.c_str());
    return 0;
  }
  int port = vigie::testing::FreeTcpPort();
  std::ofstream(dir + "/prometheus.yml") << "global:\n  scrape_interval: 1h\n";
  auto t0 = std::chrono::steady_clock::now();
  auto child = vigie::testing::ChildProcess::Start(
      {prom, "--config.file=" + dir + "/prometheus.yml", "--storage.tsdb.path=" + pdir,
       "--web.listen-address=127.0.0.1:" + std::to_string(port),
       "--storage.tsdb.retention.time=30d"},
      dir + "/prometheus.log");
  if (!child.ok()) {
    std::printf("could not start prometheus: %s\n", child.error().message().c_str());
    return 1;
  }
  bool ready = vigie::testing::WaitForHttpOk(port, "/-/ready", 600000);
  double p_ready = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  long p_rss = RssKb(child->pid());
  double p_cpu = ProcCpuSeconds(child->pid());
  std::string log = child->Log();
  child->Stop();
  double p_replay = -1;
  if (auto pos = log.find("WAL replay completed"); pos != std::string::npos) {
    auto d = log.find("total_replay_duration=", pos);
    if (d != std::string::npos) {
      auto dur =
          vigie::ParseDuration(log.substr(d + 22, log.find_first_of(" \n", d + 22) - d - 22));
      // Go prints e.g. 1.234567s; ParseDuration takes integer units only, so parse by hand.
      std::string s = log.substr(d + 22, log.find_first_of(" \n", d + 22) - d - 22);
      double x = std::atof(s.c_str());
      if (s.ends_with("ms"))
        x /= 1000;
      else if (s.ends_with("µs"))
        x /= 1e6;
      else if (s.find('m') != std::string::npos && !s.ends_with("ms")) {
        x = std::atof(s.c_str()) * 60 + std::atof(s.substr(s.find('m') + 1).c_str());
      }
      (void)dur;
      p_replay = x;
    }
  }
  std::printf(
      "prometheus: ready after %.3f s%s, WAL replay %.3f s wall, %.3f CPU s from start to "
      "ready, RSS %.1f MiB\n",
      p_ready, ready ? "" : " (NOT READY)", p_replay, p_cpu, static_cast<double>(p_rss) / 1024.0);
  if (p_replay > 0)
    std::printf("ratio replay wall time vigie/prometheus: %.2f\n", v_secs / p_replay);
  if (p_cpu > 0) std::printf("ratio replay CPU vigie/prometheus: %.2f\n", v_cpu / p_cpu);
  std::printf("ratio time-to-open vigie/prometheus-ready: %.2f\n", v_secs / p_ready);
  if (p_rss > 0)
    std::printf("ratio RSS after replay vigie/prometheus: %.2f\n",
                static_cast<double>(v_rss) / static_cast<double>(p_rss));
#endif
  return 0;
}
