#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "core/time.h"

namespace vigie::log {

namespace {
std::atomic<Level> g_level{Level::kInfo};
std::atomic<bool> g_json{false};

std::shared_ptr<spdlog::logger> Logger() {
  // stderr, raw lines: we format the whole line ourselves.
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("vigie");
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return logger;
}

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f) {
      return true;
    }
  }
  return false;
}

void AppendLogfmtValue(std::string& out, std::string_view v) {
  if (!NeedsQuotes(v)) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  out += '"';
}
}  // namespace

Status Init(std::string_view level, std::string_view format) {
  if (level == "debug") {
    SetLevel(Level::kDebug);
  } else if (level == "info") {
    SetLevel(Level::kInfo);
  } else if (level == "warn") {
    SetLevel(Level::kWarn);
  } else if (level == "error") {
    SetLevel(Level::kError);
  } else {
    return InvalidArgument("--log.level: unknown level \"" + std::string(level) +
                           "\" (want debug, info, warn or error)");
  }
  if (format == "logfmt") {
    g_json = false;
  } else if (format == "json") {
    g_json = true;
  } else {
    return InvalidArgument("--log.format: unknown format \"" + std::string(format) +
                           "\" (want logfmt or json)");
  }
  return OkStatus();
}

void SetLevel(Level level) { g_level = level; }
bool Enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

std::string FormatLine(Level level, std::string_view msg, std::initializer_list<Field> fields,
                       bool json) {
  std::string ts = FormatRfc3339(NowMs());
  if (json) {
    nlohmann::ordered_json j;
    j["ts"] = ts;
    j["level"] = LevelName(level);
    j["msg"] = std::string(msg);
    for (const auto& f : fields) j[std::string(f.key)] = f.value;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out;
  out.reserve(64 + msg.size());
  out += "ts=";
  out += ts;
  out += " level=";
  out += LevelName(level);
  out += " msg=";
  AppendLogfmtValue(out, msg);
  for (const auto& f : fields) {
    out += ' ';
    out += f.key;
    out += '=';
    AppendLogfmtValue(out, f.value);
  }
  return out;
}

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  Logger()->info(FormatLine(level, msg, fields, g_json.load(std::memory_order_relaxed)));
}

}  // namespace vigie::log
