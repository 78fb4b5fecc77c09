// expfmt throughput on a generated 10 000-series node-exporter-like payload (one core).
// `expfmt_bench --write-payload [text|openmetrics]` prints the payload instead (for run.sh).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "expfmt/parser.h"
#include "expfmt/writer.h"
#include "payload.h"

namespace vigie::expfmt::bench {
namespace {

constexpr int kSeries = 10000;

const std::string& Payload(Format format) {
  static const std::string text = NodeExporterLikePayload(kSeries);
  static const std::string om = [] {
    auto families = ParseAll(text, Format::kText004);
    return WriteAll(*families, Format::kOpenMetrics1);
  }();
  return format == Format::kText004 ? text : om;
}

void StreamingParse(benchmark::State& state, Format format) {
  const std::string& payload = Payload(format);
  int64_t series = 0;
  for (auto _ : state) {
    Parser p(payload, format);
    double sum = 0;
    for (;;) {
      auto e = p.Next();
      if (!e.ok()) {
        state.SkipWithError(e.error().message().c_str());
        return;
      }
      if (*e == Entry::kEof) break;
      if (*e == Entry::kSeries) {
        sum += p.Value();
        benchmark::DoNotOptimize(p.Series().data());
        ++series;
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * payload.size());
  state.SetItemsProcessed(series);
}

void BM_ParseStream_Text004(benchmark::State& state) { StreamingParse(state, Format::kText004); }
void BM_ParseStream_OpenMetrics(benchmark::State& state) {
  StreamingParse(state, Format::kOpenMetrics1);
}

// Streaming parse plus a Labels set per series (what a scrape without a cache hit does).
void BM_ParseStream_Labels_Text004(benchmark::State& state) {
  const std::string& payload = Payload(Format::kText004);
  int64_t series = 0;
  Labels labels;
  for (auto _ : state) {
    Parser p(payload, Format::kText004);
    for (;;) {
      auto e = p.Next();
      if (!e.ok() || *e == Entry::kEof) break;
      if (*e == Entry::kSeries) {
        p.FillLabels(&labels);
        ++series;
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * payload.size());
  state.SetItemsProcessed(series);
}

void ParseAllBench(benchmark::State& state, Format format) {
  const std::string& payload = Payload(format);
  int64_t series = 0;
  for (auto _ : state) {
    auto families = ParseAll(payload, format);
    if (!families.ok()) {
      state.SkipWithError(families.error().message().c_str());
      return;
    }
    for (const auto& f : *families) series += static_cast<int64_t>(f.samples.size());
    benchmark::DoNotOptimize(families->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * payload.size());
  state.SetItemsProcessed(series);
}

void BM_ParseAll_Text004(benchmark::State& state) { ParseAllBench(state, Format::kText004); }
void BM_ParseAll_OpenMetrics(benchmark::State& state) {
  ParseAllBench(state, Format::kOpenMetrics1);
}

void BM_WriteAll_Text004(benchmark::State& state) {
  auto families = ParseAll(Payload(Format::kText004), Format::kText004);
  int64_t series = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = WriteAll(*families, Format::kText004);
    bytes += out.size();
    for (const auto& f : *families) series += static_cast<int64_t>(f.samples.size());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(series);
}

BENCHMARK(BM_ParseStream_Text004);
BENCHMARK(BM_ParseStream_OpenMetrics);
BENCHMARK(BM_ParseStream_Labels_Text004);
BENCHMARK(BM_ParseAll_Text004);
BENCHMARK(BM_ParseAll_OpenMetrics);
BENCHMARK(BM_WriteAll_Text004);

}  // namespace
}  // namespace vigie::expfmt::bench

int main(int argc, char** argv) {
  using vigie::expfmt::Format;
  if (argc >= 2 && std::strcmp(argv[1], "--write-payload") == 0) {
    Format f = argc >= 3 && std::strcmp(argv[2], "openmetrics") == 0 ? Format::kOpenMetrics1
                                                                     : Format::kText004;
    const std::string& p = vigie::expfmt::bench::Payload(f);
    std::fwrite(p.data(), 1, p.size(), stdout);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
