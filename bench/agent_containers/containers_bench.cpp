// One full scrape of the container collector with the containers running on this machine
// (run.sh starts 100 sleeping ones): wall time and CPU time per scrape, for the collection
// alone, with text 0.0.4 encoding and with gzip as the agent compresses, over many scrapes. The
// Docker metadata is synced once before measuring (as the agent's events watcher keeps it), so
// scrapes make no API calls.
//   agent_containers_bench [--scrapes N] [--socket PATH] [--gap-ms MS]
// --gap-ms sleeps before each scrape, as between real scrapes, to measure it with cold caches.
#include <malloc.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "collect/cgroup/container_collector.h"
#include "docker/client.h"
#include "docker/container_cache.h"
#include "expfmt/writer.h"
#include "net/gzip.h"

namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// User and system CPU seconds of the process so far.
void CpuSplit(double* user, double* sys) {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  *user = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
  *sys = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Stats {
  std::vector<double> wall, cpu;
  void Print(const char* what) {
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    auto pct = [](const std::vector<double>& v, double p) {
      return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
    };
    std::printf("%-34s wall p50 %7.3f ms  p99 %7.3f ms | cpu p50 %7.3f ms  p99 %7.3f ms\n", what,
                pct(wall, 0.5) * 1e3, pct(wall, 0.99) * 1e3, pct(cpu, 0.5) * 1e3,
                pct(cpu, 0.99) * 1e3);
  }
};

}  // namespace

int main(int argc, char** argv) {
  int scrapes = 200;
  std::string socket = "/var/run/docker.sock";
  int gap_ms = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--scrapes") == 0) scrapes = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--socket") == 0) socket = argv[i + 1];
    if (std::strcmp(argv[i], "--gap-ms") == 0) gap_ms = std::max(0, std::atoi(argv[i + 1]));
  }
  // As `vigie agent` does at start: keep the allocator's memory between scrapes (see
  // src/cmd/agent.cpp), and allow the collector its open files (about eight per container).
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  auto client = vigie::docker::Client::Open({.socket_path = socket, .timeout_ms = 30'000});
  vigie::docker::ContainerCache cache;
  if (auto st = cache.Refresh(*client); !st.ok()) {
    std::fprintf(stderr, "cannot list containers: %s\n", st.error().message().c_str());
    return 1;
  }

  vigie::collect::ContainerCollectorOptions o;
  o.containers = &cache;
  auto collector = vigie::collect::NewContainerCollector(o);

  // The first scrape also reads limits and start times; report it on its own.
  std::vector<vigie::expfmt::MetricFamily> fams;
  double w0 = WallSeconds(), c0 = CpuSeconds();
  if (auto st = collector->Collect(&fams); !st.ok()) {
    std::fprintf(stderr, "collect failed: %s\n", st.error().message().c_str());
    return 1;
  }
  double first_wall = WallSeconds() - w0, first_cpu = CpuSeconds() - c0;
  size_t samples = 0, containers = 0;
  for (const auto& f : fams) {
    size_t n = f.samples.size() + static_cast<size_t>(std::count(f.encoded_samples.begin(),
                                                                 f.encoded_samples.end(), '\n'));
    samples += n;
    if (f.name == "container_last_seen") containers = n;
  }
  std::string text = vigie::expfmt::WriteAll(fams, vigie::expfmt::Format::kText004);

  Stats collect, full, gzipped;
  vigie::net::GzipEncoder gzip(1);  // the agent's level
  std::string compressed;
  double user_total = 0, sys_total = 0;
  for (int i = 0; i < scrapes; ++i) {
    if (gap_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
    fams.clear();
    double u0, s0, u1, s1;
    CpuSplit(&u0, &s0);
    double w = WallSeconds(), c = CpuSeconds();
    (void)collector->Collect(&fams);
    double w1 = WallSeconds(), c1 = CpuSeconds();
    CpuSplit(&u1, &s1);
    user_total += u1 - u0;
    sys_total += s1 - s0;
    std::string out = vigie::expfmt::WriteAll(fams, vigie::expfmt::Format::kText004);
    double w2 = WallSeconds(), c2 = CpuSeconds();
    compressed.clear();
    gzip.CompressWhole(out, &compressed);
    double w3 = WallSeconds(), c3 = CpuSeconds();
    collect.wall.push_back(w1 - w), collect.cpu.push_back(c1 - c);
    full.wall.push_back(w2 - w), full.cpu.push_back(c2 - c);
    gzipped.wall.push_back(w3 - w), gzipped.cpu.push_back(c3 - c);
  }

  std::printf(
      "cgroups reported: %zu (Docker containers known: %zu), samples: %zu, text: %zu bytes\n",
      containers, cache.size(), samples, text.size());
  std::printf("first scrape (reads limits, start times): wall %.3f ms, cpu %.3f ms\n",
              first_wall * 1e3, first_cpu * 1e3);
  collect.Print("collect");
  full.Print("collect + text 0.0.4 encoding");
  gzipped.Print("collect + encoding + gzip");
  std::printf("gzip: %zu bytes\n", compressed.size());
  std::printf("collect cpu split (mean): user %.3f ms, system %.3f ms\n",
              user_total / scrapes * 1e3, sys_total / scrapes * 1e3);
  std::printf("cAdvisor: not packaged in Debian 12, so no side-by-side figure in this run.\n");
  return 0;
}
