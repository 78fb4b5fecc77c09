// Fuzzes the gallery's multipart/form-data parser (exposed to uploads from the network).
// The first line of the input is the Content-Type header, the rest the body.
// fuzz-deps: vigie_gallery
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gallery/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  std::string_view ctype = in.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  auto boundary = vigie::gallery::MultipartBoundary(ctype);
  if (!boundary.ok()) return 0;
  auto parts = vigie::gallery::ParseMultipart(body, *boundary, 16);
  if (parts.ok()) {
    // Every part's body must lie inside the input.
    for (const auto& p : *parts) {
      if (!p.body.empty() && (p.body.data() < body.data() ||
                              p.body.data() + p.body.size() > body.data() + body.size())) {
        __builtin_trap();
      }
    }
    if (parts->size() > 16) __builtin_trap();
  }
  return 0;
}
