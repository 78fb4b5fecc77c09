// multipart/form-data parsing (RFC 7578) for image uploads. Exposed to the network: fuzzed
// (tests/fuzz/multipart_parse_fuzz.cpp). Parts are views into the request body.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::gallery {

struct MultipartPart {
  std::string name;          // form field name from Content-Disposition
  std::string filename;      // "" when not a file field
  std::string content_type;  // "" when the part has none
  std::string_view body;     // view into the parsed input
};

// Extracts the boundary from a Content-Type header value such as
// `multipart/form-data; boundary="----x"`. Errors say what is missing.
Result<std::string> MultipartBoundary(std::string_view content_type);

// Splits `body` into parts. At most `max_parts` parts (more is an error, not a long loop).
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  size_t max_parts = 64);

}  // namespace vigie::gallery
