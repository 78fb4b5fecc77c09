// MD5 (RFC 1321), only for relabelling's hashmod action, which Prometheus defines over MD5.
// Not for anything security-related.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace vigie::scrape {

std::array<uint8_t, 16> Md5(std::string_view data);

}  // namespace vigie::scrape
