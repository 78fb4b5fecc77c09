// Lexical helpers shared by the parser's files: character classes, UTF-8 checks, escapes and
// the pieces of error messages. Private to expfmt/.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "expfmt/metric_family.h"

namespace vigie::expfmt::lex {

enum CharClass : uint8_t {
  kNameStart = 1,   // [a-zA-Z_:]
  kNameChar = 2,    // [a-zA-Z0-9_:]
  kLabelStart = 4,  // [a-zA-Z_]
  kLabelChar = 8,   // [a-zA-Z0-9_]
  kValueStop = 16,  // bytes that end the fast scan of a label value: " \ newline, non-ASCII
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    uint8_t v = 0;
    if (alpha || c == ':') v |= kNameStart | kNameChar;
    if (digit) v |= kNameChar | kLabelChar;
    if (alpha) v |= kLabelStart | kLabelChar;
    if (c == '"' || c == '\\' || c == '\n' || c >= 0x80) v |= kValueStop;
    t[c] = v;
  }
  return t;
}

inline constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

inline bool Is(char c, uint8_t cls) { return kClasses[static_cast<unsigned char>(c)] & cls; }

// Length of the valid UTF-8 sequence starting at p (a byte >= 0x80), or 0 if invalid.
size_t Utf8SequenceLength(const char* p, const char* end);
// Offset of the first invalid UTF-8 byte in s, or npos.
size_t FindInvalidUtf8(std::string_view s);
// Decodes \\, \n and (when `quote`) \" ; any other escape is kept as written.
void Unescape(std::string_view raw, bool quote, std::string* out);
// A short, printable rendering of what the input holds at `p`, for error messages.
std::string Found(const char* p, const char* end);
// s in double quotes.
std::string Quoted(std::string_view s);

inline bool StartsWith(const char* p, const char* end, std::string_view prefix) {
  return static_cast<size_t>(end - p) >= prefix.size() &&
         std::memcmp(p, prefix.data(), prefix.size()) == 0;
}

// A TYPE line's type name in the given format.
bool ParseTypeName(std::string_view s, bool om, MetricType* out);

}  // namespace vigie::expfmt::lex
