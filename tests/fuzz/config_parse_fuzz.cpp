// Fuzzes the prometheus.yml loader. Property: any input either loads or yields an error (never
// a crash, hang or unbounded memory), and a loaded config keeps the invariants the rest of the
// server relies on: every job has a name, a timeout within its interval and valid relabelling,
// job names are unique.
// fuzz-deps: vigie_config
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "config/config.h"

namespace {

void Fail(const char* what) {
  std::fprintf(stderr, "config_parse_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto cfg = vigie::config::Load(input, "/etc/vigie", "fuzz.yml");
  if (!cfg.ok()) {
    if (cfg.error().message().empty()) Fail("empty error message");
    return 0;
  }
  if (cfg->global.scrape_timeout > cfg->global.scrape_interval) Fail("global timeout > interval");
  std::set<std::string> jobs;
  for (const auto& j : cfg->scrape_configs) {
    if (j.job_name.empty()) Fail("empty job name");
    if (!jobs.insert(j.job_name).second) Fail("duplicate job name");
    if (j.scrape_interval <= 0 && j.scrape_interval != 0) Fail("negative interval");
    if (j.scrape_timeout > j.scrape_interval) Fail("job timeout > interval");
    for (const auto& r : j.relabel_configs) {
      if (!r.Validate().ok()) Fail("invalid relabel config accepted");
    }
    for (const auto& r : j.metric_relabel_configs) {
      if (!r.Validate().ok()) Fail("invalid metric relabel config accepted");
    }
    for (const auto& f : j.discovery.file_sd_configs) {
      for (const auto& p : f.files) {
        if (p.empty() || p[0] != '/') Fail("relative file_sd path not resolved");
      }
    }
  }
  return 0;
}
