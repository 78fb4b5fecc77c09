// A hash map keyed by std::string that is looked up by std::string_view without building a
// string (heterogeneous lookup): for maps read on hot paths with keys taken from a buffer.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vigie {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

}  // namespace vigie
