// Fuzzes the exposition parser in both formats; see expfmt_parse_check.h for the property.
// A crash found here goes into tests/unit/expfmt/fuzz_regressions/ (replayed by unit tests).
// fuzz-deps: vigie_expfmt
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/expfmt_parse_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string failure = vigie::expfmt::fuzz::CheckInput(input);
  if (!failure.empty()) {
    std::fprintf(stderr, "expfmt_parse_fuzz: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
