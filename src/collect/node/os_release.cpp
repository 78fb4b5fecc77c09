#include "collect/node/os_release.h"

#include <memory>
#include <vector>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/text.h"

namespace vigie::collect::node {

namespace {
constexpr std::string_view kSource = "os-release";

bool IsKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
}  // namespace

Result<std::map<std::string, std::string>> ParseOsRelease(std::string_view text) {
  std::map<std::string, std::string> out;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    std::string_view l = TrimSpace(line);
    if (l.empty() || l.front() == '#') continue;
    if (l.starts_with("export ")) l = TrimSpace(l.substr(7));
    size_t eq = l.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return LineError(kSource, lines.line_number(), "expected KEY=value", line);
    }
    std::string_view key = l.substr(0, eq);
    for (char c : key) {
      if (!IsKeyChar(c)) return LineError(kSource, lines.line_number(), "bad key", line);
    }
    std::string_view raw = l.substr(eq + 1);
    std::string value;
    if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
      char quote = raw.front();
      size_t i = 1;
      bool closed = false;
      for (; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == quote) {
          closed = true;
          break;
        }
        if (quote == '"' && c == '\\' && i + 1 < raw.size() &&
            (raw[i + 1] == '"' || raw[i + 1] == '\\' || raw[i + 1] == '$' || raw[i + 1] == '`')) {
          value += raw[++i];
          continue;
        }
        value += c;
      }
      if (!closed) return LineError(kSource, lines.line_number(), "unterminated quote", line);
      std::string_view rest = TrimSpace(raw.substr(i + 1));
      if (!rest.empty() && rest.front() != '#') {
        return LineError(kSource, lines.line_number(), "text after the closing quote", line);
      }
    } else {
      // Unquoted: up to a comment; backslash escapes the next character.
      for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '#' && (i == 0 || raw[i - 1] == ' ')) break;
        if (c == '\\' && i + 1 < raw.size()) {
          value += raw[++i];
          continue;
        }
        value += c;
      }
      value = std::string(TrimSpace(value));
    }
    out[std::string(key)] = std::move(value);
  }
  return out;
}

double OsVersionNumber(std::string_view v) {
  // ^[0-9]+\.?[0-9]*
  size_t i = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  if (i == 0) return 0;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  }
  std::string_view num = v.substr(0, i);
  if (num.back() == '.') num.remove_suffix(1);
  return ParseDouble(num).value_or(0);
}

namespace {

class OsCollector final : public Collector {
 public:
  explicit OsCollector(NodeOptions o) : o_(std::move(o)) {}
  std::string_view Name() const override { return "os"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    Result<std::string> text = NotFound("");
    for (const char* path : {"etc/os-release", "usr/lib/os-release"}) {
      text = o_.fs->ReadFile(o_.paths.Rootfs(path));
      if (text.ok() || text.error().code() != ErrorCode::kNotFound) break;
    }
    if (!text.ok()) {
      if (text.error().code() == ErrorCode::kNotFound) {
        return NoData("no os-release file under " + o_.paths.rootfs);
      }
      return text.error();
    }
    // The file rarely changes: parse again only when its content did.
    if (*text != cached_text_ || !parsed_) {
      VIGIE_ASSIGN_OR_RETURN(env_, ParseOsRelease(*text));
      cached_text_ = std::move(*text);
      parsed_ = true;
    }
    auto get = [this](const char* key) -> std::string_view {
      auto it = env_.find(key);
      return it == env_.end() ? std::string_view() : std::string_view(it->second);
    };
    using T = expfmt::MetricType;
    FamilyBuilder("node_os_info", T::kGauge,
                  "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, "
                  "image_version, name, pretty_name, variant, variant_id, version, "
                  "version_codename, version_id.")
        .Add({{"build_id", get("BUILD_ID")},
              {"id", get("ID")},
              {"id_like", get("ID_LIKE")},
              {"image_id", get("IMAGE_ID")},
              {"image_version", get("IMAGE_VERSION")},
              {"name", get("NAME")},
              {"pretty_name", get("PRETTY_NAME")},
              {"variant", get("VARIANT")},
              {"variant_id", get("VARIANT_ID")},
              {"version", get("VERSION")},
              {"version_codename", get("VERSION_CODENAME")},
              {"version_id", get("VERSION_ID")}},
             1)
        .MoveTo(out);
    double version = OsVersionNumber(get("VERSION_ID"));
    if (version > 0) {
      FamilyBuilder("node_os_version", T::kGauge,
                    "Metric containing the major.minor part of the OS version.")
          .Add({{"id", get("ID")}, {"id_like", get("ID_LIKE")}, {"name", get("NAME")}}, version)
          .MoveTo(out);
    }
    return OkStatus();
  }

 private:
  NodeOptions o_;
  std::string cached_text_;
  bool parsed_ = false;
  std::map<std::string, std::string> env_;
};

}  // namespace

std::unique_ptr<Collector> NewOsCollector(const NodeOptions& o) {
  return std::make_unique<OsCollector>(o);
}

}  // namespace vigie::collect::node
