#include "api/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace vigie::api {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(std::string* out, unsigned cp) {
  out->append("\\u");
  out->push_back(kHex[(cp >> 12) & 0xf]);
  out->push_back(kHex[(cp >> 8) & 0xf]);
  out->push_back(kHex[(cp >> 4) & 0xf]);
  out->push_back(kHex[cp & 0xf]);
}

// Length of the valid UTF-8 sequence starting at s[i] (0 if invalid), as Go's
// utf8.DecodeRuneInString judges it (no surrogates, no overlongs, at most U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i, unsigned* cp) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned c = b(i);
  size_t n = s.size() - i;
  auto cont = [&](size_t k) { return (b(k) & 0xC0) == 0x80; };
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    if (n < 2 || !cont(i + 1)) return 0;
    *cp = ((c & 0x1F) << 6) | (b(i + 1) & 0x3F);
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    unsigned c1 = b(i + 1);
    if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong
    if (c == 0xED && c1 >= 0xA0) return 0;  // surrogates
    *cp = ((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (b(i + 2) & 0x3F);
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    unsigned c1 = b(i + 1);
    if (c == 0xF0 && c1 < 0x90) return 0;   // overlong
    if (c == 0xF4 && c1 >= 0x90) return 0;  // > U+10FFFF
    *cp = ((c & 0x07) << 18) | ((c1 & 0x3F) << 12) | ((b(i + 2) & 0x3F) << 6) | (b(i + 3) & 0x3F);
    return 4;
  }
  return 0;
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t start = 0;  // start of the pending run of bytes copied verbatim
  size_t i = 0;
  auto flush_run = [&](size_t end) {
    if (end > start) out->append(s.data() + start, end - start);
  };
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
        ++i;
        continue;
      }
      flush_run(i);
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:  // other control characters and the HTML-sensitive < > &
          AppendUnicodeEscape(out, c);
      }
      start = ++i;
      continue;
    }
    unsigned cp = 0;
    size_t len = Utf8SequenceLength(s, i, &cp);
    if (len == 0) {
      flush_run(i);
      out->append("\\ufffd");
      start = ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      flush_run(i);
      AppendUnicodeEscape(out, cp);
      i += len;
      start = i;
      continue;
    }
    i += len;
  }
  flush_run(i);
  out->push_back('"');
}

namespace {

// The formatting primitives write into a caller's buffer and return the end: the matrix fast
// path (SamplePairs) formats hundreds of thousands of points without touching the string.
// kMaxSampleValueChars bounds WriteSampleValue's output (the longest is a negative 'e' form).
constexpr size_t kMaxSampleValueChars = 32;
constexpr size_t kMaxTimestampChars = 24;

char* WriteGoFloat(char* p, char* end, double v, char fmt) {
  if (std::isnan(v)) return std::copy_n("NaN", 3, p);
  if (std::isinf(v)) return std::copy_n(v > 0 ? "+Inf" : "-Inf", 4, p);
  auto format = fmt == 'e' ? std::chars_format::scientific : std::chars_format::fixed;
  return std::to_chars(p, end, v, format).ptr;
}

constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

// Go's shortest 'f' formatting for the common case of a value with at most 15 significant
// digits and 9 decimals (counters and gauges scraped as short decimals), much cheaper than the
// general shortest-digits algorithm; nullptr when the value is not such a number.
// Why it is exact: for k = 0, 1, ... the only decimal with k fractional digits that could read
// back as |v| is the integer m nearest |v|*10^k (below 1e15 the decimal grid 10^-k is wider
// than the gap between doubles, and the product's rounding error is far below 0.5), and
// m / 10^k, a correctly rounded division of two exact doubles, is what parsing "m e-k" gives.
// The first k that reads back has the fewest digits: Go's shortest representation.
char* WriteShortDecimal(char* p, double v) {
  const double a = std::fabs(v);
  if (!(a >= 1e-6 && a < 1e15)) return nullptr;
  for (int k = 0; k <= 9; ++k) {
    const double prod = a * kPow10[k];
    if (prod >= 1e15) return nullptr;
    // Round to the nearest integer (prod < 2^52): adding and removing 2^52 drops the fraction
    // (an inline nearbyint; IEEE arithmetic keeps the compiler from folding it away).
    const double r = (prod + 0x1p52) - 0x1p52;
    if (std::fabs(prod - r) > 0.01 || r / kPow10[k] != a) continue;
    if (std::signbit(v)) *p++ = '-';
    char digits[20];
    char* d_end = std::to_chars(digits, digits + sizeof digits, static_cast<uint64_t>(r)).ptr;
    const int n = static_cast<int>(d_end - digits);
    if (n <= k) {  // 0.000ddd
      *p++ = '0';
      *p++ = '.';
      for (int i = n; i < k; ++i) *p++ = '0';
      return std::copy(digits, d_end, p);
    }
    p = std::copy(digits, d_end - k, p);
    if (k == 0) return p;
    *p++ = '.';
    return std::copy(d_end - k, d_end, p);
  }
  return nullptr;
}

char* WriteSampleValue(char* p, double v) {
  if (char* end = WriteShortDecimal(p, v)) return end;
  double a = std::fabs(v);
  char fmt = 'f';
  if (a != 0 && (a < 1e-6 || a >= 1e21)) fmt = 'e';
  return WriteGoFloat(p, p + kMaxSampleValueChars, v, fmt);
}

char* WriteTimestamp(char* p, TimestampMs t) {
  uint64_t u;
  if (t < 0) {
    *p++ = '-';
    u = static_cast<uint64_t>(-(t + 1)) + 1;  // no overflow for INT64_MIN
  } else {
    u = static_cast<uint64_t>(t);
  }
  p = std::to_chars(p, p + 20, u / 1000).ptr;
  unsigned frac = static_cast<unsigned>(u % 1000);
  if (frac != 0) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + frac / 100);
    *p++ = static_cast<char>('0' + frac / 10 % 10);
    *p++ = static_cast<char>('0' + frac % 10);
  }
  return p;
}

}  // namespace

void AppendGoFloat(std::string* out, double v, char fmt) {
  char buf[400];  // fixed notation of the largest double needs 309 digits
  out->append(buf, WriteGoFloat(buf, buf + sizeof buf, v, fmt));
}

void AppendSampleValue(std::string* out, double v) {
  char buf[kMaxSampleValueChars];
  out->append(buf, WriteSampleValue(buf, v));
}

void AppendJsonNumber(std::string* out, double v) {
  if (!std::isfinite(v)) {
    out->append("null");
    return;
  }
  double a = std::fabs(v);
  char fmt = 'f';
  if (a != 0 && (a < 1e-6 || a >= 1e21)) fmt = 'e';
  size_t before = out->size();
  AppendGoFloat(out, v, fmt);
  if (fmt == 'e') {
    // Go cleans up e-09 to e-9 (only for negative exponents).
    size_t n = out->size() - before;
    char* b = out->data() + before;
    if (n >= 4 && b[n - 4] == 'e' && b[n - 3] == '-' && b[n - 2] == '0') {
      b[n - 2] = b[n - 1];
      out->pop_back();
    }
  }
}

void AppendTimestamp(std::string* out, TimestampMs t) {
  char buf[kMaxTimestampChars];
  out->append(buf, WriteTimestamp(buf, t));
}

std::string FormatGoTime(TimestampMs t) {
  if (t == 0) return "0001-01-01T00:00:00Z";
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  int ms = static_cast<int>(t % 1000);
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string s(buf, static_cast<size_t>(n));
  if (ms != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", ms);
    std::string f(frac);
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  s += 'Z';
  return s;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (first_.back()) {
      first_.back() = false;
    } else {
      out_.push_back(',');
    }
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  first_.push_back(true);
}

void JsonWriter::EndObject() {
  out_.push_back('}');
  first_.pop_back();
  MaybeFlush();
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  first_.push_back(true);
}

void JsonWriter::EndArray() {
  out_.push_back(']');
  first_.pop_back();
  MaybeFlush();
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendJsonString(&out_, key);
  out_.push_back(':');
  after_key_ = true;
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendJsonString(&out_, s);
}

void JsonWriter::Bool(bool b) {
  BeforeValue();
  out_.append(b ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::Uint(uint64_t v) {
  BeforeValue();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::Double(double v) {
  BeforeValue();
  AppendJsonNumber(&out_, v);
}

void JsonWriter::SampleValue(double v) {
  BeforeValue();
  out_.push_back('"');
  AppendSampleValue(&out_, v);
  out_.push_back('"');
}

void JsonWriter::Timestamp(TimestampMs t) {
  BeforeValue();
  AppendTimestamp(&out_, t);
}

void JsonWriter::SamplePairs(std::span<const storage::Sample> points) {
  BeforeValue();
  // Formatted in a stack buffer and appended in pieces: no allocation per point, one
  // bounds check per point, and the writer's buffer grows by large appends only.
  constexpr size_t kPointMax = kMaxTimestampChars + kMaxSampleValueChars + 6;  // [t,"v"],
  char buf[16384];
  char* p = buf;
  *p++ = '[';
  for (size_t i = 0; i < points.size(); ++i) {
    if (static_cast<size_t>(buf + sizeof buf - p) < kPointMax) {
      out_.append(buf, p);
      p = buf;
    }
    if (i != 0) *p++ = ',';
    *p++ = '[';
    p = WriteTimestamp(p, points[i].t);
    *p++ = ',';
    *p++ = '"';
    p = WriteSampleValue(p, points[i].v);
    *p++ = '"';
    *p++ = ']';
  }
  *p++ = ']';
  out_.append(buf, p);
  MaybeFlush();
}

void JsonWriter::Time(TimestampMs t) {
  BeforeValue();
  AppendJsonString(&out_, FormatGoTime(t));
}

void JsonWriter::LabelsObject(const Labels& labels) {
  BeginObject();
  for (const auto& l : labels) {
    Key(l.name);
    String(l.value);
  }
  EndObject();
}

void JsonWriter::RawValue(std::string_view json) {
  BeforeValue();
  out_.append(json);
}

void JsonWriter::MaybeFlush() {
  if (sink_ && out_.size() >= flush_bytes_) Flush();
}

void JsonWriter::Flush() {
  if (!sink_ || out_.empty()) return;
  if (!failed_ && !sink_(out_)) failed_ = true;
  flushed_any_ = true;
  out_.clear();
}

}  // namespace vigie::api
