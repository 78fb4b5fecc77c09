// instrument hot paths, measured beside prometheus-cpp (the C++ client library Debian ships)
// in the same run when it is installed: counter increment (1 and 2 threads), histogram
// observe, child lookup by label values, and rendering a registry of 1 000 series.
// After Google Benchmark's table it prints prometheus-cpp time / vigie time per operation.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "instrument/registry.h"

#ifdef VIGIE_HAVE_PROMETHEUS_CPP
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#endif

namespace {

namespace vi = vigie::instrument;

constexpr int kFamilies = 10;
constexpr int kChildrenPerFamily = 100;  // 10 x 100 = 1 000 series

std::string Handler(int i) { return "/api/v1/handler_" + std::to_string(i % 20); }
std::string Code(int i) { return std::to_string(200 + i / 20); }

// ---- vigie ----

vi::Counter& VigieSharedCounter() {
  static vi::Registry registry;
  static vi::Counter& c = (*registry.RegisterCounter({.name = "bench_total"}))->Get();
  return c;
}

void BM_CounterInc_vigie(benchmark::State& state) {
  vi::Counter& c = VigieSharedCounter();
  for (auto _ : state) c.Inc();
}

vi::Histogram& VigieHistogram() {
  static vi::Registry registry;
  static vi::Histogram& h =
      (*registry.RegisterHistogram({.name = "bench_seconds"}, vi::DefaultBuckets()))->Get();
  return h;
}

void BM_HistogramObserve_vigie(benchmark::State& state) {
  vi::Histogram& h = VigieHistogram();
  double v = 0;
  for (auto _ : state) {
    h.Observe(v);
    v = v > 12 ? 0 : v + 0.0137;
  }
}

void BM_ChildLookup_vigie(benchmark::State& state) {
  vi::Registry registry;
  vi::CounterFamily* f =
      *registry.RegisterCounter({.name = "lookup_total", .label_names = {"handler", "code"}});
  std::vector<std::string> handlers, codes;
  for (int i = 0; i < kChildrenPerFamily; ++i) {
    handlers.push_back(Handler(i));
    codes.push_back(Code(i));
    f->WithLabelValues({handlers.back(), codes.back()});
  }
  int i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(&f->WithLabelValues({handlers[i], codes[i]}));
    if (++i == kChildrenPerFamily) i = 0;
  }
}

void FillVigie(vi::Registry& r) {
  for (int f = 0; f < kFamilies; ++f) {
    std::string name = "bench_family_" + std::to_string(f);
    if (f % 2 == 0) {
      vi::CounterFamily* c = *r.RegisterCounter(
          {.name = name + "_total", .help = "A counter.", .label_names = {"handler", "code"}});
      for (int i = 0; i < kChildrenPerFamily; ++i) c->WithLabelValues({Handler(i), Code(i)}).Add(i);
    } else {
      vi::GaugeFamily* g =
          *r.RegisterGauge({.name = name, .help = "A gauge.", .label_names = {"handler", "code"}});
      for (int i = 0; i < kChildrenPerFamily; ++i) {
        g->WithLabelValues({Handler(i), Code(i)}).Set(i * 1.5);
      }
    }
  }
}

void BM_Render1000_vigie(benchmark::State& state) {
  vi::Registry r;
  FillVigie(r);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = r.Render(vigie::expfmt::Format::kText004);
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

BENCHMARK(BM_CounterInc_vigie);
BENCHMARK(BM_CounterInc_vigie)->Threads(2);
BENCHMARK(BM_HistogramObserve_vigie);
BENCHMARK(BM_HistogramObserve_vigie)->Threads(2);
BENCHMARK(BM_ChildLookup_vigie);
BENCHMARK(BM_Render1000_vigie);

// ---- prometheus-cpp ----
#ifdef VIGIE_HAVE_PROMETHEUS_CPP

prometheus::Counter& PromSharedCounter() {
  static prometheus::Registry registry;
  static prometheus::Counter& c =
      prometheus::BuildCounter().Name("bench_total").Register(registry).Add({});
  return c;
}

void BM_CounterInc_prometheus_cpp(benchmark::State& state) {
  prometheus::Counter& c = PromSharedCounter();
  for (auto _ : state) c.Increment();
}

prometheus::Histogram& PromHistogram() {
  static prometheus::Registry registry;
  static prometheus::Histogram& h =
      prometheus::BuildHistogram()
          .Name("bench_seconds")
          .Register(registry)
          .Add({}, prometheus::Histogram::BucketBoundaries{.005, .01, .025, .05, .1, .25, .5, 1,
                                                           2.5, 5, 10});
  return h;
}

void BM_HistogramObserve_prometheus_cpp(benchmark::State& state) {
  prometheus::Histogram& h = PromHistogram();
  double v = 0;
  for (auto _ : state) {
    h.Observe(v);
    v = v > 12 ? 0 : v + 0.0137;
  }
}

void BM_ChildLookup_prometheus_cpp(benchmark::State& state) {
  prometheus::Registry registry;
  auto& f = prometheus::BuildCounter().Name("lookup_total").Register(registry);
  std::vector<prometheus::Labels> labels;
  for (int i = 0; i < kChildrenPerFamily; ++i) {
    labels.push_back({{"handler", Handler(i)}, {"code", Code(i)}});
    f.Add(labels.back());
  }
  int i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(&f.Add(labels[i]));
    if (++i == kChildrenPerFamily) i = 0;
  }
}

void BM_Render1000_prometheus_cpp(benchmark::State& state) {
  prometheus::Registry r;
  for (int f = 0; f < kFamilies; ++f) {
    std::string name = "bench_family_" + std::to_string(f);
    if (f % 2 == 0) {
      auto& c = prometheus::BuildCounter().Name(name + "_total").Help("A counter.").Register(r);
      for (int i = 0; i < kChildrenPerFamily; ++i) {
        c.Add({{"handler", Handler(i)}, {"code", Code(i)}}).Increment(i);
      }
    } else {
      auto& g = prometheus::BuildGauge().Name(name).Help("A gauge.").Register(r);
      for (int i = 0; i < kChildrenPerFamily; ++i) {
        g.Add({{"handler", Handler(i)}, {"code", Code(i)}}).Set(i * 1.5);
      }
    }
  }
  prometheus::TextSerializer serializer;
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = serializer.Serialize(r.Collect());
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

BENCHMARK(BM_CounterInc_prometheus_cpp);
BENCHMARK(BM_CounterInc_prometheus_cpp)->Threads(2);
BENCHMARK(BM_HistogramObserve_prometheus_cpp);
BENCHMARK(BM_HistogramObserve_prometheus_cpp)->Threads(2);
BENCHMARK(BM_ChildLookup_prometheus_cpp);
BENCHMARK(BM_Render1000_prometheus_cpp);

#endif  // VIGIE_HAVE_PROMETHEUS_CPP

// Keeps each run's time per iteration, then prints the ratios after the usual table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      // CPU time: the machine may be shared, and wall time then measures the neighbours.
      // With --benchmark_repetitions the median replaces the single runs.
      if (r.run_type == Run::RT_Iteration && !medians_.count(r.run_name.str())) {
        ns_[r.run_name.str()] = r.GetAdjustedCPUTime();
      } else if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median") {
        medians_.insert(r.run_name.str());
        ns_[r.run_name.str()] = r.GetAdjustedCPUTime();
      }
    }
  }
  void PrintRatios() const {
    std::printf("\n%-32s %14s %18s %10s\n", "operation", "vigie cpu ns", "prometheus-cpp ns",
                "ratio");
    for (const auto& [name, ns] : ns_) {
      auto pos = name.find("_vigie");
      if (pos == std::string::npos) continue;
      std::string op = name.substr(3, pos - 3) + name.substr(pos + 6);
      std::string other = name.substr(0, pos) + "_prometheus_cpp" + name.substr(pos + 6);
      auto it = ns_.find(other);
      if (it == ns_.end()) {
        std::printf("%-32s %14.1f %18s %10s\n", op.c_str(), ns, "-", "-");
      } else {
        std::printf("%-32s %14.1f %18.1f %9.2fx\n", op.c_str(), ns, it->second, it->second / ns);
      }
    }
    std::printf("ratio = prometheus-cpp time / vigie time (above 1: vigie is faster)\n");
  }

 private:
  std::map<std::string, double> ns_;  // CPU ns per iteration, by benchmark name
  std::set<std::string> medians_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
#ifndef VIGIE_HAVE_PROMETHEUS_CPP
  std::printf("prometheus-cpp was not found at build time: no reference figures.\n");
#endif
  benchmark::Shutdown();
  return 0;
}
