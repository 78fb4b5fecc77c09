// Fuzzes the dockerd relay (what the agent passes on from dockerd's metrics socket). Property:
// no crash; when the input is accepted, only the engine's families are relayed and what the
// agent then writes, in either format, reads back as valid exposition. Against a full parse:
// input the parser accepts whole is accepted, and the lines the relay skips unread never add a
// sample (no series smuggled in a skipped label value).
// fuzz-deps: vigie_collect vigie_expfmt
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "collect/engine/dockerd_relay.h"
#include "expfmt/parser.h"
#include "expfmt/writer.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "dockerd_relay_fuzz: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using vigie::expfmt::Format;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto relayed = vigie::collect::RelayedDockerdFamilies(input, Format::kText004,
                                                        {"engine_daemon_engine_info"});
  auto full = vigie::expfmt::ParseAll(input, Format::kText004);
  if (full.ok() && !relayed.ok()) Fail("rejected what parses whole: " + relayed.error().message());
  if (!relayed.ok()) return 0;
  if (full.ok()) {
    size_t engine_samples = 0, relayed_samples = 0;
    for (const auto& f : *full) {
      for (const auto& s : f.samples) {
        std::string_view n = s.labels.MetricName();
        for (std::string_view p : {"engine_daemon_", "swarm_", "builder_", "logger_", "etcd_"}) {
          if (n.starts_with(p)) ++engine_samples;
        }
      }
    }
    for (const auto& f : *relayed) {
      relayed_samples +=
          static_cast<size_t>(std::count(f.encoded_samples.begin(), f.encoded_samples.end(), '\n'));
    }
    if (relayed_samples > engine_samples) Fail("more samples relayed than the input holds");
  }
  for (const auto& f : *relayed) {
    if (f.name == "engine_daemon_engine_info") Fail("a skipped family was relayed");
    if (f.name.starts_with("go_") || f.name.starts_with("process_")) Fail("relayed " + f.name);
  }
  for (Format format : {Format::kText004, Format::kOpenMetrics1}) {
    std::string out = vigie::expfmt::WriteAll(*relayed, format);
    auto back = vigie::expfmt::ParseAll(out, format);
    if (!back.ok()) Fail("relayed output does not parse: " + back.error().message() + "\n" + out);
  }
  return 0;
}
