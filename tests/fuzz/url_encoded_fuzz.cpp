// Fuzzes the decoding of request targets' query strings and form bodies (every HTTP request
// of the agent and the server goes through it): PercentDecode in both modes and
// ParseUrlEncoded, with the round trips through their encoders as the property checked.
// fuzz-deps: vigie_net
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using vigie::net::Params;
  for (bool plus_is_space : {false, true}) {
    auto decoded = vigie::net::PercentDecode(in, plus_is_space);
    if (!decoded.ok()) continue;
    if (decoded->size() > in.size()) __builtin_trap();  // decoding never grows the text
    auto again = vigie::net::PercentDecode(vigie::net::PercentEncode(*decoded), plus_is_space);
    if (!again.ok() || *again != *decoded) __builtin_trap();
  }
  Params params;
  if (!vigie::net::ParseUrlEncoded(in, &params).ok()) return 0;
  Params reparsed;
  if (!vigie::net::ParseUrlEncoded(vigie::net::EncodeUrlEncoded(params), &reparsed).ok()) {
    __builtin_trap();
  }
  if (reparsed.size() != params.size()) __builtin_trap();
  auto a = params.begin();
  for (auto b = reparsed.begin(); b != reparsed.end(); ++a, ++b) {
    if (*a != *b) __builtin_trap();
  }
  return 0;
}
