// Fuzzes the PromQL parser. Property: any input either fails with a positioned parse error, or
// parses to a tree whose printed form (and pretty form) parses back to an equal tree and prints
// identically. The metric-selector entry point must not crash either.
// fuzz-deps: vigie_promql_parser
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "promql/parser/parser.h"
#include "promql/parser/printer.h"

namespace {

[[noreturn]] void Fail(std::string_view what, std::string_view input, std::string_view detail) {
  std::fprintf(stderr, "promql_parse_fuzz: %.*s\ninput: %.*s\ndetail: %.*s\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(input.size()),
               input.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigie::promql::parser;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  (void)ParseMetricSelector(input);

  auto parsed = ParseExpr(input);
  if (!parsed.ok()) {
    if (parsed.error().message().find(": parse error: ") == std::string::npos) {
      Fail("error without position", input, parsed.error().message());
    }
    return 0;
  }
  std::string printed = ToString(**parsed);
  auto reparsed = ParseExpr(printed);
  if (!reparsed.ok())
    Fail("printed form does not parse", input, printed + "\n" + reparsed.error().message());
  if (!Equal(**parsed, **reparsed)) Fail("printed form parses to a different tree", input, printed);
  if (ToString(**reparsed) != printed) Fail("printing is not stable", input, printed);

  std::string pretty = Prettify(**parsed);
  auto from_pretty = ParseExpr(pretty);
  if (!from_pretty.ok() || !Equal(**parsed, **from_pretty))
    Fail("pretty form differs", input, pretty);

  ExprPtr copy = Clone(**parsed);
  if (!Equal(**parsed, *copy)) Fail("clone differs", input, printed);
  return 0;
}
