// `vigie tsdb import openmetrics FILE DIR` and `vigie tsdb analyze DIR`: backfill and
// inspection of TSDB blocks (like promtool tsdb create-blocks-from openmetrics / analyze).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "cmd/command.h"
#include "core/fs.h"
#include "core/time.h"
#include "tsdb/import.h"

namespace vigie::cmd {

namespace {
struct TsdbFlags {
  std::string file;
  std::string dir;
  std::string block_duration = "2h";
  int samples_per_chunk = 120;
  std::string chunk_encoding = "auto";
  size_t top = 10;
};

int RunImport(const TsdbFlags& f) {
  auto dur = ParseDuration(f.block_duration);
  if (!dur.ok() || *dur <= 0) {
    std::cerr << "vigie tsdb import: --block-duration: "
              << (dur.ok() ? "must be > 0" : dur.error().message()) << "\n";
    return kExitUsage;
  }
  tsdb::ImportOptions opts;
  opts.block_duration_ms = *dur;
  opts.samples_per_chunk = f.samples_per_chunk;
  opts.scaled_int_chunks = f.chunk_encoding == "auto";
  auto res = tsdb::ImportOpenMetrics(fs::Real(), f.file, f.dir, opts);
  if (!res.ok()) {
    std::cerr << "vigie tsdb import: " << res.error().message() << "\n";
    return kExitError;
  }
  for (const auto& b : res->blocks) {
    std::printf("BLOCK ULID %s  MIN TIME %s  MAX TIME %s  SERIES %llu  SAMPLES %llu\n",
                b.ulid.c_str(), FormatRfc3339(b.min_time).c_str(),
                FormatRfc3339(b.max_time).c_str(), static_cast<unsigned long long>(b.num_series),
                static_cast<unsigned long long>(b.num_samples));
  }
  std::printf("%zu block(s), %llu samples written to %s", res->blocks.size(),
              static_cast<unsigned long long>(res->samples), f.dir.c_str());
  if (res->rejected > 0) {
    std::printf(" (%llu out-of-order or duplicate samples skipped)",
                static_cast<unsigned long long>(res->rejected));
  }
  std::printf("\n");
  return kExitOk;
}

int RunAnalyze(const TsdbFlags& f) {
  auto res = tsdb::Analyze(fs::Real(), f.dir, f.top);
  if (!res.ok()) {
    std::cerr << "vigie tsdb analyze: " << res.error().message() << "\n";
    return kExitError;
  }
  std::cout << tsdb::FormatAnalyze(*res);
  return kExitOk;
}
}  // namespace

RunFn AddTsdbCommand(CLI::App& root) {
  auto flags = std::make_shared<TsdbFlags>();
  auto* sub = root.add_subcommand("tsdb", "TSDB tools: import (backfill) and analyze blocks");
  sub->require_subcommand(1);
  auto* imp = sub->add_subcommand("import", "Create blocks from data in another format");
  imp->require_subcommand(1);
  auto* om = imp->add_subcommand(
      "openmetrics", "Create blocks from an OpenMetrics text file whose samples carry timestamps");
  om->add_option("FILE", flags->file, "OpenMetrics input file")->required();
  om->add_option("DIR", flags->dir, "Output directory (e.g. the server's --storage.tsdb.path)")
      ->required();
  om->add_option("--block-duration", flags->block_duration,
                 "Duration of each block; blocks are aligned to multiples of it")
      ->capture_default_str();
  om->add_option("--samples-per-chunk", flags->samples_per_chunk,
                 "Maximum samples per chunk (Prometheus uses 120)")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  om->add_option("--chunk-encoding", flags->chunk_encoding,
                 "auto: per chunk the smaller of XOR and vigie's scaled-integer encoding; "
                 "xor: Prometheus's encoding only")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "xor"}));
  auto* an = sub->add_subcommand(
      "analyze", "Series, samples, bytes per sample and cardinality of the blocks in DIR");
  an->add_option("DIR", flags->dir, "TSDB directory")->required();
  an->add_option("--limit", flags->top, "How many entries each top list shows")
      ->capture_default_str();
  return [flags, om, an]() -> int {
    if (om->parsed()) return RunImport(*flags);
    if (an->parsed()) return RunAnalyze(*flags);
    return kExitUsage;
  };
}

}  // namespace vigie::cmd
