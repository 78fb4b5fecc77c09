// HTTP header fields: names compare case-insensitively, order and repeats are kept.
// A plain value type: not synchronised; copy or move freely.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie::net {

// ASCII case-insensitive equality, for header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  void Add(std::string_view name, std::string_view value);
  // Replaces every field named `name` by one field.
  void Set(std::string_view name, std::string_view value);
  void Remove(std::string_view name);

  // First value of `name`, or nullopt if absent.
  std::optional<std::string_view> Get(std::string_view name) const;
  // First value of `name`, or `fallback`.
  std::string_view GetOr(std::string_view name, std::string_view fallback = {}) const;
  // Every value of `name`, in arrival order.
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  void clear() { fields_.clear(); }
  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

// True if the comma-separated list `value` (e.g. an Accept-Encoding header
// "gzip;q=1.0, deflate") names `token` case-insensitively with a non-zero q-value.
bool HeaderHasToken(std::string_view value, std::string_view token);

}  // namespace vigie::net
