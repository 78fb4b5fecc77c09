#include "promql/parser/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vigie::promql::parser {

namespace {
constexpr char kHex[] = "0123456789abcdef";
constexpr char32_t kRuneError = 0xFFFD;

void AppendHex(std::string* out, uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(v >> (4 * i)) & 0xF]);
}

// Appends rune r (decoded from `width` source bytes starting at src) escaped as Go's
// strconv.appendEscapedRune does for the given quote character.
void AppendEscapedRune(std::string* out, char32_t r, bool invalid_byte, unsigned char byte,
                       char quote) {
  if (invalid_byte) {
    out->append("\\x");
    AppendHex(out, byte, 2);
    return;
  }
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(r));
    return;
  }
  if (IsPrintRune(r)) {
    AppendRune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out->append("\\a");
      return;
    case '\b':
      out->append("\\b");
      return;
    case '\f':
      out->append("\\f");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    case '\v':
      out->append("\\v");
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7f) {
    out->append("\\x");
    AppendHex(out, r, 2);
  } else if (r < 0x10000) {
    out->append("\\u");
    AppendHex(out, r, 4);
  } else {
    out->append("\\U");
    AppendHex(out, r, 8);
  }
}

std::string QuoteWith(std::string_view s, size_t max_runes, char quote) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back(quote);
  size_t runes = 0;
  for (size_t i = 0; i < s.size() && runes < max_runes; ++runes) {
    size_t width = 1;
    char32_t r = DecodeRune(s, i, &width);
    bool invalid = r == kRuneError && width == 1;
    AppendEscapedRune(&out, r, invalid, static_cast<unsigned char>(s[i]), quote);
    i += width;
  }
  out.push_back(quote);
  return out;
}
}  // namespace

char32_t DecodeRune(std::string_view s, size_t i, size_t* width) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c0 = b(0);
  *width = 1;
  if (c0 < 0x80) return c0;
  size_t n = 0;
  char32_t r = 0, min = 0;
  if ((c0 & 0xE0) == 0xC0) {
    n = 2, r = c0 & 0x1F, min = 0x80;
  } else if ((c0 & 0xF0) == 0xE0) {
    n = 3, r = c0 & 0x0F, min = 0x800;
  } else if ((c0 & 0xF8) == 0xF0) {
    n = 4, r = c0 & 0x07, min = 0x10000;
  } else {
    return kRuneError;
  }
  if (i + n > s.size()) return kRuneError;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return kRuneError;
    r = (r << 6) | (b(k) & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) return kRuneError;
  *width = n;
  return r;
}

void AppendRune(std::string* out, char32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) r = kRuneError;
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

bool IsPrintRune(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r < 0xA0) return false;  // C1 controls
  // Space separators other than U+0020, line/paragraph separators, format characters, private
  // use and noncharacters are not printable in Go; unassigned code points are treated as
  // printable here (a harmless difference: both spellings decode to the same string).
  switch (r) {
    case 0xA0:
    case 0xAD:
    case 0x61C:
    case 0x6DD:
    case 0x70F:
    case 0x180E:
    case 0x1680:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return false;
    default:
      break;
  }
  if (r >= 0x600 && r <= 0x605) return false;
  if (r >= 0x2000 && r <= 0x200F) return false;
  if (r >= 0x2028 && r <= 0x202E) return false;
  if (r >= 0x2060 && r <= 0x206F) return false;
  if (r >= 0xE000 && r <= 0xF8FF) return false;
  if (r >= 0xFFF9 && r <= 0xFFFB) return false;
  if ((r & 0xFFFE) == 0xFFFE) return false;
  if (r >= 0xE0000 && r <= 0xE007F) return false;  // language tags
  if (r >= 0xF0000) return false;
  return true;
}

std::string GoQuote(std::string_view s) { return QuoteWith(s, s.size() + 1, '"'); }

std::string GoQuotePrefix(std::string_view s, size_t max_runes) {
  return QuoteWith(s, max_runes, '"');
}

std::string GoQuoteRune(char32_t r) {
  std::string out = "'";
  bool invalid = r > 0x10FFFF || (r >= 0xD800 && r < 0xE000);
  AppendEscapedRune(&out, invalid ? kRuneError : r, false, 0, '\'');
  out.push_back('\'');
  return out;
}

std::string GoRuneWithCode(char32_t r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(r));
  std::string out = buf;
  if (IsPrintRune(r)) {
    out += " '";
    AppendRune(&out, r);
    out += "'";
  }
  return out;
}

std::string GoFormatFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  // Shortest round-trip digits in scientific form: [-]d[.ddd]e[+-]x.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);
  bool neg = sci.front() == '-';
  if (neg) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= 6) {
    out.push_back(digits[0]);
    if (digits.size() > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    out.push_back('e');
    out.push_back(exp < 0 ? '-' : '+');
    int a = std::abs(exp);
    if (a < 10) out.push_back('0');
    out += std::to_string(a);
    return out;
  }
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
    return out;
  }
  size_t int_digits = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_digits) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
  } else {
    out.append(digits, 0, int_digits);
    out.push_back('.');
    out.append(digits, int_digits, std::string::npos);
  }
  return out;
}

std::string GoFormatFixed(double v, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

}  // namespace vigie::promql::parser
