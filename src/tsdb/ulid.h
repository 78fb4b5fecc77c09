// ULIDs name blocks: 48-bit millisecond time + 80 random bits, 26 Crockford base32 characters,
// so block directories sort by creation time (same scheme as Prometheus).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigie::tsdb {

std::string NewUlid(int64_t now_ms);
bool IsUlid(std::string_view s);

}  // namespace vigie::tsdb
