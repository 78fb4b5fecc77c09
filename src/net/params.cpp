#include "net/params.h"

namespace vigie::net {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

void Params::Add(std::string_view key, std::string_view value) {
  entries_.emplace_back(std::string(key), std::string(value));
}

void Params::Append(const Params& other) {
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
}

std::optional<std::string_view> Params::Get(std::string_view key) const {
  for (const auto& e : entries_) {
    if (e.first == key) return std::string_view(e.second);
  }
  return std::nullopt;
}

std::string_view Params::GetOr(std::string_view key, std::string_view fallback) const {
  auto v = Get(key);
  return v ? *v : fallback;
}

std::vector<std::string_view> Params::GetAll(std::string_view key) const {
  std::vector<std::string_view> out;
  for (const auto& e : entries_) {
    if (e.first == key) out.emplace_back(e.second);
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return InvalidArgument("invalid percent escape \"" + std::string(s.substr(i, 3)) +
                               "\" at offset " + std::to_string(i));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (Unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Status ParseUrlEncoded(std::string_view s, Params* out) {
  while (!s.empty()) {
    size_t amp = s.find('&');
    std::string_view piece = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view raw_key = piece.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto key = PercentDecode(raw_key, true);
    if (!key.ok()) return key.error().Wrap("parameter \"" + std::string(raw_key) + "\"");
    auto value = PercentDecode(raw_value, true);
    if (!value.ok()) return value.error().Wrap("value of parameter \"" + *key + "\"");
    out->Add(*key, *value);
  }
  return OkStatus();
}

std::string EncodeUrlEncoded(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out += PercentEncode(k);
    out.push_back('=');
    out += PercentEncode(v);
  }
  return out;
}

}  // namespace vigie::net
