// Structured logging: one line per event, logfmt by default (ts=... level=info msg="..." k=v),
// JSON with --log.format=json. Backed by spdlog; safe from any thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/result.h"

namespace vigie::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// One key=value pair. Values are rendered when the field is built.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  template <typename T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  Field(std::string_view k, T v) : key(k), value(Render(v)) {}

  std::string_view key;
  std::string value;

 private:
  template <typename T>
  static std::string Render(T v) {
    if constexpr (std::is_same_v<T, bool>) {
      return v ? "true" : "false";
    } else {
      return std::to_string(v);
    }
  }
};

// level: debug|info|warn|error; format: logfmt|json. Errors name the bad value.
Status Init(std::string_view level, std::string_view format);
void SetLevel(Level level);
bool Enabled(Level level);

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields);
inline void Debug(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, msg, fields);
}
inline void Info(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kInfo, msg, fields);
}
inline void Warn(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kWarn, msg, fields);
}
inline void Error(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kError, msg, fields);
}

// Renders one line without writing it (exposed for tests).
std::string FormatLine(Level level, std::string_view msg, std::initializer_list<Field> fields,
                       bool json);

}  // namespace vigie::log
