#include "expfmt/parse_lex.h"

namespace vigie::expfmt::lex {

size_t Utf8SequenceLength(const char* p, const char* end) {
  auto b0 = static_cast<unsigned char>(p[0]);
  size_t n;
  uint32_t cp;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (static_cast<size_t>(end - p) < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    auto b = static_cast<unsigned char>(p[k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// Offset of the first invalid UTF-8 byte in s, or npos.
size_t FindInvalidUtf8(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    if (static_cast<unsigned char>(*p) < 0x80) {
      ++p;
      continue;
    }
    size_t n = Utf8SequenceLength(p, end);
    if (n == 0) return static_cast<size_t>(p - s.data());
    p += n;
  }
  return std::string_view::npos;
}

// Decodes \\, \n and (when `quote`) \" ; any other escape is kept as written.
void Unescape(std::string_view raw, bool quote, std::string* out) {
  out->clear();
  out->reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      char next = raw[i + 1];
      if (next == '\\' || next == 'n' || (quote && next == '"')) {
        out->push_back(next == 'n' ? '\n' : next);
        ++i;
        continue;
      }
    }
    out->push_back(c);
  }
}

// A short, printable rendering of what the input holds at `p`, for error messages.
std::string Found(const char* p, const char* end) {
  if (p >= end) return "end of input";
  if (*p == '\n') return "end of line";
  std::string out = "\"";
  const char* stop = p;
  while (stop < end && *stop != '\n' && stop - p < 24) ++stop;
  for (const char* q = p; q < stop; ++q) {
    auto c = static_cast<unsigned char>(*q);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (stop < end && *stop != '\n') out += "...";
  out.push_back('"');
  return out;
}

std::string Quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

bool ParseTypeName(std::string_view s, bool om, MetricType* out) {
  struct Name {
    std::string_view text;
    MetricType type;
    bool text004;
    bool openmetrics;
  };
  static constexpr Name kNames[] = {
      {"counter", MetricType::kCounter, true, true},
      {"gauge", MetricType::kGauge, true, true},
      {"histogram", MetricType::kHistogram, true, true},
      {"summary", MetricType::kSummary, true, true},
      {"untyped", MetricType::kUnknown, true, false},
      {"unknown", MetricType::kUnknown, false, true},
      {"gaugehistogram", MetricType::kGaugeHistogram, false, true},
      {"info", MetricType::kInfo, false, true},
      {"stateset", MetricType::kStateSet, false, true},
  };
  for (const Name& n : kNames) {
    if ((om ? n.openmetrics : n.text004) && n.text == s) {
      *out = n.type;
      return true;
    }
  }
  return false;
}

}  // namespace vigie::expfmt::lex
