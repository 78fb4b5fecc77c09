#include "tsdb/ulid.h"

#include <random>

namespace vigie::tsdb {

namespace {
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}

std::string NewUlid(int64_t now_ms) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  // 128 bits: 48 time + 80 random, written as 26 base32 digits (the first carries 3 bits).
  uint64_t hi = (static_cast<uint64_t>(now_ms) << 16) | (rng() & 0xffff);
  uint64_t lo = rng();
  std::string out(26, '0');
  for (int i = 25; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kAlphabet[lo & 31];
    lo = (lo >> 5) | ((hi & 31) << 59);
    hi >>= 5;
  }
  return out;
}

bool IsUlid(std::string_view s) {
  if (s.size() != 26) return false;
  for (char c : s) {
    if (std::string_view(kAlphabet).find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace vigie::tsdb
