// Fuzzes the dockerd relay (what the agent passes on from dockerd's metrics socket). Property:
// no crash; when the input is accepted, only the engine's families are relayed and what the
// agent then writes, in either format, reads back as valid exposition with the same families.
// fuzz-deps: vigie_collect vigie_expfmt
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
  if (!relayed.ok()) return 0;
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
