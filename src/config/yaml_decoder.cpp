#include "config/yaml_decoder.h"

#include <fmt/format.h>

#include <charconv>
#include <climits>

namespace vigie::config::internal {
namespace {

std::pair<int, int> PosOf(const YAML::Mark& m) {
  if (m.line < 0) return {INT_MAX, INT_MAX};
  return {m.line, m.column};
}

std::string_view KindName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return "a scalar";
    default:
      return "null";
  }
}

Error TypeError(const YAML::Node& n, std::string_view want) {
  std::string msg = "cannot unmarshal ";
  if (n.IsScalar()) {
    msg += "\"" + n.Scalar() + "\"";
  } else {
    msg += KindName(n);
  }
  msg.append(" into ").append(want);
  return ErrorAt(n, msg);
}

}  // namespace

std::string Where(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return "";
  return "line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1) + ": ";
}

Error ErrorAt(const YAML::Node& n, std::string_view msg) {
  return InvalidArgument(Where(n) + std::string(msg));
}

Error LocateError(const YAML::Node& n, const Error& e) {
  if (e.message().rfind("line ", 0) == 0) return e;
  return Error(e.code(), Where(n) + e.message());
}

Status DecodeString(const YAML::Node& n, std::string* out) {
  if (n.IsNull()) return OkStatus();
  if (!n.IsScalar()) return TypeError(n, "string");
  *out = n.Scalar();
  return OkStatus();
}

Status DecodeBool(const YAML::Node& n, bool* out) {
  if (n.IsNull()) return OkStatus();
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    for (const char* t : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}) {
      if (s == t) {
        *out = true;
        return OkStatus();
      }
    }
    for (const char* f : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}) {
      if (s == f) {
        *out = false;
        return OkStatus();
      }
    }
  }
  return TypeError(n, "bool");
}

Status DecodeUint(const YAML::Node& n, uint64_t* out) {
  if (n.IsNull()) return OkStatus();
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) {
      *out = v;
      return OkStatus();
    }
  }
  return TypeError(n, "unsigned integer");
}

Status DecodeInt(const YAML::Node& n, int64_t* out) {
  if (n.IsNull()) return OkStatus();
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) {
      *out = v;
      return OkStatus();
    }
  }
  return TypeError(n, "integer");
}

Status DecodeDuration(const YAML::Node& n, DurationMs* out) {
  if (n.IsNull()) return OkStatus();
  if (!n.IsScalar()) return TypeError(n, "duration");
  auto d = ParseDuration(n.Scalar());
  if (!d.ok()) return ErrorAt(n, "not a valid duration string: \"" + n.Scalar() + "\"");
  *out = *d;
  return OkStatus();
}

Result<uint64_t> ParseByteSize(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p == s.data()) {
    return InvalidArgument(fmt::format("\"{}\" is not a valid size (e.g. 10MB)", s));
  }
  const std::string_view unit = s.substr(static_cast<size_t>(p - s.data()));
  struct U {
    std::string_view a, b;
    int shift;
  };
  static constexpr U kUnits[] = {{"", "B", 0},      {"KB", "KiB", 10}, {"MB", "MiB", 20},
                                 {"GB", "GiB", 30}, {"TB", "TiB", 40}, {"PB", "PiB", 50},
                                 {"EB", "EiB", 60}};
  for (const U& u : kUnits) {
    if (unit == u.a || unit == u.b) {
      if (u.shift > 0 && v > (UINT64_MAX >> u.shift)) break;
      return v << u.shift;
    }
  }
  return InvalidArgument(
      fmt::format("unknown unit \"{}\" in size \"{}\" (use B, KB, MB, GB, TB)", unit, s));
}

Status DecodeByteSize(const YAML::Node& n, uint64_t* out) {
  if (n.IsNull()) return OkStatus();
  if (!n.IsScalar()) return TypeError(n, "size");
  auto v = ParseByteSize(n.Scalar());
  if (!v.ok()) return LocateError(n, v.error());
  *out = *v;
  return OkStatus();
}

Status DecodeStringList(const YAML::Node& n, std::vector<std::string>* out) {
  if (n.IsNull()) return OkStatus();
  if (!n.IsSequence()) return TypeError(n, "list of strings");
  out->clear();
  for (const YAML::Node& item : n) {
    if (!item.IsScalar()) return TypeError(item, "string");
    out->push_back(item.Scalar());
  }
  return OkStatus();
}

Status DecodeStringMap(const YAML::Node& n, std::map<std::string, std::string>* out) {
  if (n.IsNull()) return OkStatus();
  if (!n.IsMap()) return TypeError(n, "mapping of strings");
  out->clear();
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) return TypeError(kv.first, "string");
    std::string v;
    if (!kv.second.IsNull() && !kv.second.IsScalar()) return TypeError(kv.second, "string");
    if (kv.second.IsScalar()) v = kv.second.Scalar();
    if (!out->emplace(kv.first.Scalar(), v).second) {
      return ErrorAt(kv.first, "key \"" + kv.first.Scalar() + "\" is repeated");
    }
  }
  return OkStatus();
}

Status DecodeLabelMap(const YAML::Node& n, Labels* out) {
  std::map<std::string, std::string> m;
  VIGIE_RETURN_IF_ERROR(DecodeStringMap(n, &m));
  std::vector<Label> labels;
  for (const auto& kv : n) {
    const std::string& name = kv.first.Scalar();
    if (!IsValidLabelName(name)) {
      return ErrorAt(kv.first, "\"" + name + "\" is not a valid label name");
    }
    const std::string& value = m[name];
    if (!IsValidUtf8(value)) {
      return ErrorAt(kv.second, "\"" + value + "\" is not a valid label value");
    }
    if (!value.empty()) labels.push_back({name, value});
  }
  *out = Labels::FromUnsorted(std::move(labels));
  return OkStatus();
}

Status DecodeSequence(const YAML::Node& n, std::string_view what,
                      const std::function<Status(const YAML::Node&)>& item) {
  if (n.IsNull()) return OkStatus();
  if (!n.IsSequence()) return TypeError(n, "list of " + std::string(what));
  for (const YAML::Node& i : n) VIGIE_RETURN_IF_ERROR(item(i));
  return OkStatus();
}

namespace {

bool IsMergeKey(const YAML::Node& k) { return k.IsScalar() && k.Scalar() == "<<"; }

// YAML merge keys ("<<: *defaults", or a list of anchors), as Go's YAML decoder applies them:
// the mapping's own keys first, then merged keys it does not set itself. Key and value nodes
// are shared, so positions in errors still point into the file.
YAML::Node ApplyMergeKeys(const YAML::Node& n) {
  if (!n.IsMap()) return n;
  bool has_merge = false;
  for (const auto& kv : n) has_merge = has_merge || IsMergeKey(kv.first);
  if (!has_merge) return n;
  YAML::Node out(YAML::NodeType::Map);
  std::set<std::string> own;
  for (const auto& kv : n) {
    if (IsMergeKey(kv.first)) continue;
    out.force_insert(kv.first, kv.second);
    if (kv.first.IsScalar()) own.insert(kv.first.Scalar());
  }
  std::vector<YAML::Node> sources;
  for (const auto& kv : n) {
    if (!IsMergeKey(kv.first)) continue;
    if (kv.second.IsSequence()) {
      for (const YAML::Node& s : kv.second) sources.push_back(s);
    } else {
      sources.push_back(kv.second);
    }
  }
  for (const YAML::Node& src : sources) {
    if (!src.IsMap()) continue;
    for (const auto& kv : ApplyMergeKeys(src)) {
      if (kv.first.IsScalar() && own.insert(kv.first.Scalar()).second) {
        out.force_insert(kv.first, kv.second);
      }
    }
  }
  return out;
}

}  // namespace

MapDecoder::MapDecoder(const YAML::Node& node, std::string section)
    : node_(ApplyMergeKeys(node)), section_(std::move(section)) {
  if (!node.IsNull() && !node.IsMap()) Record(node.Mark(), TypeError(node, section_));
}

void MapDecoder::Record(const YAML::Mark& mark, Error e) {
  const auto pos = PosOf(mark);
  if (!first_ || pos < first_->first) first_.emplace(pos, std::move(e));
}

void MapDecoder::AddError(const YAML::Node& at, Error e) { Record(at.Mark(), LocateError(at, e)); }

YAML::Node MapDecoder::Value(std::string_view key) {
  known_.emplace(key);
  if (!node_.IsMap()) return YAML::Node();
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  }
  return YAML::Node();
}

bool MapDecoder::Has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return true;
  }
  return false;
}

MapDecoder& MapDecoder::Field(std::string_view key,
                              const std::function<Status(const YAML::Node&)>& fn) {
  YAML::Node v = Value(key);
  if (!Has(key)) return *this;
  Status s = fn(v);
  if (!s.ok()) AddError(v, std::move(s).error());
  return *this;
}

MapDecoder& MapDecoder::String(std::string_view key, std::string* out) {
  return Field(key, [out](const YAML::Node& n) { return DecodeString(n, out); });
}
MapDecoder& MapDecoder::Bool(std::string_view key, bool* out) {
  return Field(key, [out](const YAML::Node& n) { return DecodeBool(n, out); });
}
MapDecoder& MapDecoder::Uint(std::string_view key, uint64_t* out) {
  return Field(key, [out](const YAML::Node& n) { return DecodeUint(n, out); });
}
MapDecoder& MapDecoder::Int(std::string_view key, int64_t* out) {
  return Field(key, [out](const YAML::Node& n) { return DecodeInt(n, out); });
}
MapDecoder& MapDecoder::Duration(std::string_view key, DurationMs* out) {
  return Field(key, [out](const YAML::Node& n) { return DecodeDuration(n, out); });
}
MapDecoder& MapDecoder::ByteSize(std::string_view key, uint64_t* out) {
  return Field(key, [out](const YAML::Node& n) { return DecodeByteSize(n, out); });
}
MapDecoder& MapDecoder::StringList(std::string_view key, std::vector<std::string>* out) {
  return Field(key, [out](const YAML::Node& n) { return DecodeStringList(n, out); });
}
MapDecoder& MapDecoder::StringMap(std::string_view key, std::map<std::string, std::string>* out) {
  return Field(key, [out](const YAML::Node& n) { return DecodeStringMap(n, out); });
}
MapDecoder& MapDecoder::LabelMap(std::string_view key, Labels* out) {
  return Field(key, [out](const YAML::Node& n) { return DecodeLabelMap(n, out); });
}

MapDecoder& MapDecoder::Unsupported(std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) unsupported_.emplace(k);
  return *this;
}

Status MapDecoder::Finish() {
  if (node_.IsMap()) {
    std::set<std::string, std::less<>> seen;
    for (const auto& kv : node_) {
      if (!kv.first.IsScalar()) {
        Record(kv.first.Mark(), TypeError(kv.first, "a field name"));
        continue;
      }
      const std::string& key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        Record(kv.first.Mark(), ErrorAt(kv.first, "field " + key + " already set in " + section_));
      } else if (unsupported_.count(key) != 0 && known_.count(key) == 0) {
        Record(kv.first.Mark(),
               ErrorAt(kv.first, "field " + key + " of " + section_ +
                                     " is not supported by vigie (remove it or use Prometheus)"));
      } else if (known_.count(key) == 0) {
        Record(kv.first.Mark(), ErrorAt(kv.first, "field " + key + " not found in " + section_));
      }
    }
  }
  if (first_) return first_->second;
  return OkStatus();
}

}  // namespace vigie::config::internal
