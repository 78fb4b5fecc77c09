// CRC-32C (Castagnoli), as used by Prometheus's WAL, chunk files and index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigie::tsdb {

// Continues a CRC: Crc32c(Crc32c(0, a), b) == Crc32c(0, a + b).
uint32_t Crc32c(uint32_t crc, const void* data, size_t n);
inline uint32_t Crc32c(std::string_view s) { return Crc32c(0, s.data(), s.size()); }

}  // namespace vigie::tsdb
