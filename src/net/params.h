// Query strings and application/x-www-form-urlencoded bodies: an ordered multimap of decoded
// key/value pairs (repeated keys such as match[] keep their order), plus percent-coding.
// Plain value types; not synchronised.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace vigie::net {

class Params {
 public:
  using Entry = std::pair<std::string, std::string>;

  void Add(std::string_view key, std::string_view value);
  // Appends every entry of `other` after the existing ones.
  void Append(const Params& other);

  // First value of `key`, or nullopt if absent.
  std::optional<std::string_view> Get(std::string_view key) const;
  std::string_view GetOr(std::string_view key, std::string_view fallback = {}) const;
  // Every value of `key`, in order.
  std::vector<std::string_view> GetAll(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key).has_value(); }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
};

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in forms and query
// strings). A '%' not followed by two hex digits is an error naming its offset.
Result<std::string> PercentDecode(std::string_view s, bool plus_is_space = false);

// Escapes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string PercentEncode(std::string_view s);

// Parses "a=1&b=2&match[]=x" (query string without '?', or a form body) and appends the
// decoded pairs to `out`. Empty pieces ("a=1&&b") are skipped; "a" alone means a="".
Status ParseUrlEncoded(std::string_view s, Params* out);

// The inverse of ParseUrlEncoded: "k=v&k2=v2" with every key and value percent-encoded.
std::string EncodeUrlEncoded(const Params& params);

}  // namespace vigie::net
