// Strict decoding of YAML mappings into structs, with positions in every error. Private to
// config/. Prometheus decodes its config with yaml.UnmarshalStrict: an unknown or repeated key
// is an error; we do the same and name the key, its line and column, and the section.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/result.h"
#include "core/time.h"

namespace vigie::config::internal {

// "line 5, column 3: " for a node with a position (1-based), "" otherwise.
std::string Where(const YAML::Node& n);
// An InvalidArgument error located at `n`.
Error ErrorAt(const YAML::Node& n, std::string_view msg);
// Prefixes the location of `n` unless the message already starts with one.
Error LocateError(const YAML::Node& n, const Error& e);

// Scalar decoders: null leaves *out unchanged. Messages name the expected type.
Status DecodeString(const YAML::Node& n, std::string* out);
Status DecodeBool(const YAML::Node& n, bool* out);
Status DecodeUint(const YAML::Node& n, uint64_t* out);
Status DecodeInt(const YAML::Node& n, int64_t* out);
Status DecodeDuration(const YAML::Node& n, DurationMs* out);
// Sizes as Prometheus writes them (base 2): "0", "512", "10KB", "10KiB", "64MB", "1GB".
Status DecodeByteSize(const YAML::Node& n, uint64_t* out);
Status DecodeStringList(const YAML::Node& n, std::vector<std::string>* out);
Status DecodeStringMap(const YAML::Node& n, std::map<std::string, std::string>* out);
// A mapping of label names to values; names and values validated like external_labels.
Status DecodeLabelMap(const YAML::Node& n, Labels* out);
// A sequence whose items are decoded by `item`; a null item is passed through so that
// callers can report "empty or null ..." as Prometheus does.
Status DecodeSequence(const YAML::Node& n, std::string_view what,
                      const std::function<Status(const YAML::Node&)>& item);

Result<uint64_t> ParseByteSize(std::string_view s);

// Decodes one mapping. Register every field the section knows; Finish() then reports the
// earliest problem in document order: a wrong node type, a repeated key, a key the section
// does not know, a Prometheus key vigie does not support, or a field's decoding error.
class MapDecoder {
 public:
  // `section` names the YAML type in messages, as Prometheus's docs do ("scrape_config").
  MapDecoder(const YAML::Node& node, std::string section);

  MapDecoder& String(std::string_view key, std::string* out);
  MapDecoder& Bool(std::string_view key, bool* out);
  MapDecoder& Uint(std::string_view key, uint64_t* out);
  MapDecoder& Int(std::string_view key, int64_t* out);
  MapDecoder& Duration(std::string_view key, DurationMs* out);
  MapDecoder& ByteSize(std::string_view key, uint64_t* out);
  MapDecoder& StringList(std::string_view key, std::vector<std::string>* out);
  MapDecoder& StringMap(std::string_view key, std::map<std::string, std::string>* out);
  MapDecoder& LabelMap(std::string_view key, Labels* out);
  // `fn` is called with the value node (also when it is null).
  MapDecoder& Field(std::string_view key, const std::function<Status(const YAML::Node&)>& fn);
  // Keys Prometheus knows in this section but vigie does not implement.
  MapDecoder& Unsupported(std::initializer_list<std::string_view> keys);

  // True when the mapping has `key` (with any value, null included).
  bool Has(std::string_view key) const;
  const YAML::Node& node() const { return node_; }
  // Records an error found by the caller while decoding (kept if earliest).
  void AddError(const YAML::Node& at, Error e);
  Status Finish();

 private:
  void Record(const YAML::Mark& mark, Error e);
  YAML::Node Value(std::string_view key);

  YAML::Node node_;
  std::string section_;
  std::set<std::string, std::less<>> known_;
  std::set<std::string, std::less<>> unsupported_;
  std::optional<std::pair<std::pair<int, int>, Error>> first_;
};

}  // namespace vigie::config::internal
