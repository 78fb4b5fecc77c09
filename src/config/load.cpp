// Top level of prometheus.yml: sections, global defaults applied to jobs, cross-section checks
// and relative paths.
#include <glob.h>

#include <set>

#include "config/config.h"
#include "config/decode.h"
#include "core/fs.h"
#include "scrape/discovery/file_sd.h"

namespace vigie::config {
namespace {

using internal::ErrorAt;
using internal::MapDecoder;

// Prometheus's pattern for rule files: ^[^*]*(\*[^/]*)?$ (a glob only in the last element).
bool IsValidRulePath(std::string_view p) {
  const size_t star = p.find('*');
  if (star == std::string_view::npos) return true;
  const std::string_view rest = p.substr(star + 1);
  return rest.find('*') == std::string_view::npos && rest.find('/') == std::string_view::npos;
}

std::string JoinDir(std::string_view dir, const std::string& path) {
  if (dir.empty() || path.empty() || path[0] == '/') return path;
  return fs::Join(dir, path);
}

void ResolvePaths(std::string_view dir, scrape::DiscoveryConfigs* d) {
  for (auto& f : d->file_sd_configs) {
    for (auto& p : f.files) p = JoinDir(dir, p);
  }
}
void ResolvePaths(std::string_view dir, std::optional<scrape::BasicAuth>* a) {
  if (*a && !(*a)->password_file.empty()) {
    (*a)->password_file = JoinDir(dir, (*a)->password_file);
  }
}

void SetDirectory(std::string_view dir, Config* c) {
  for (auto& r : c->rule_files) r = JoinDir(dir, r);
  for (auto& s : c->scrape_configs) {
    ResolvePaths(dir, &s.discovery);
    ResolvePaths(dir, &s.basic_auth);
  }
  for (auto& am : c->alerting.alertmanagers) {
    ResolvePaths(dir, &am.discovery);
    ResolvePaths(dir, &am.basic_auth);
  }
  for (auto& rw : c->remote_write) ResolvePaths(dir, &rw.basic_auth);
}

// Fills a job's interval and timeout from the globals and checks them, as Prometheus does.
Status ApplyGlobals(const YAML::Node& n, const GlobalConfig& g, scrape::ScrapeConfig* s) {
  if (s->scrape_interval == 0) s->scrape_interval = g.scrape_interval;
  if (s->scrape_timeout > s->scrape_interval) {
    return ErrorAt(n,
                   "scrape timeout greater than scrape interval for scrape config with job "
                   "name \"" +
                       s->job_name + "\"");
  }
  if (s->scrape_timeout == 0) s->scrape_timeout = std::min(g.scrape_timeout, s->scrape_interval);
  return OkStatus();
}

Status DecodeConfig(const YAML::Node& root, Config* out) {
  MapDecoder d(root, "config");
  bool have_global = false;
  d.Field("global", [&](const YAML::Node& v) {
    have_global = true;
    return internal::DecodeGlobal(v, &out->global);
  });
  d.Field("rule_files", [&](const YAML::Node& v) -> Status {
    VIGIE_RETURN_IF_ERROR(internal::DecodeStringList(v, &out->rule_files));
    for (const std::string& rf : out->rule_files) {
      if (!IsValidRulePath(rf)) return ErrorAt(v, "invalid rule file path \"" + rf + "\"");
    }
    return OkStatus();
  });
  d.Field("scrape_configs", [&](const YAML::Node& v) {
    std::set<std::string> jobs;
    return internal::DecodeSequence(v, "scrape_config", [&](const YAML::Node& item) -> Status {
      scrape::ScrapeConfig sc;
      VIGIE_RETURN_IF_ERROR(internal::DecodeScrapeConfig(item, &sc));
      VIGIE_RETURN_IF_ERROR(ApplyGlobals(item, out->global, &sc));
      if (!jobs.insert(sc.job_name).second) {
        return ErrorAt(item, "found multiple scrape configs with job name \"" + sc.job_name + "\"");
      }
      out->scrape_configs.push_back(std::move(sc));
      return OkStatus();
    });
  });
  d.Field("alerting",
          [&](const YAML::Node& v) { return internal::DecodeAlerting(v, &out->alerting); });
  d.Field("remote_write", [&](const YAML::Node& v) {
    std::set<std::string> names;
    return internal::DecodeSequence(v, "remote_write", [&](const YAML::Node& item) -> Status {
      RemoteWriteConfig rw;
      VIGIE_RETURN_IF_ERROR(internal::DecodeRemoteWrite(item, &rw));
      if (!rw.name.empty() && !names.insert(rw.name).second) {
        return ErrorAt(item,
                       "found multiple remote write configs with job name \"" + rw.name + "\"");
      }
      out->remote_write.push_back(std::move(rw));
      return OkStatus();
    });
  });
  d.Unsupported({"remote_read", "storage", "tracing", "runtime", "otlp", "scrape_config_files"});
  (void)have_global;
  return d.Finish();
}

}  // namespace

const scrape::ScrapeConfig* Config::FindJob(std::string_view job_name) const {
  for (const auto& s : scrape_configs) {
    if (s.job_name == job_name) return &s;
  }
  return nullptr;
}

Result<Config> Load(std::string_view yaml, std::string_view base_dir, std::string_view name) {
  const std::string prefix = "parsing YAML file " + std::string(name) + ": ";
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    std::string where;
    if (e.mark.line >= 0) {
      where = "line " + std::to_string(e.mark.line + 1) + ", column " +
              std::to_string(e.mark.column + 1) + ": ";
    }
    return InvalidArgument(prefix + where + e.msg);
  }
  Config cfg;
  Status s = DecodeConfig(root, &cfg);
  if (!s.ok()) return InvalidArgument(prefix + s.error().message());
  SetDirectory(base_dir, &cfg);
  return cfg;
}

Result<Config> LoadFile(const std::string& path) {
  auto content = fs::Real().ReadFile(path);
  if (!content.ok()) {
    return Error(content.error().code(),
                 "reading config file " + path + ": " + content.error().message());
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  VIGIE_ASSIGN_OR_RETURN(Config cfg, Load(*content, slash == 0 ? "/" : dir, path));
  cfg.source_path = path;
  return cfg;
}

std::string CheckReport::Summary() const {
  std::string out = "  SUCCESS: " + std::to_string(rule_files.size()) + " rule files found\n";
  for (const auto& w : warnings) out += "  WARNING: " + w + "\n";
  return out;
}

Result<CheckReport> Check(const std::string& path) {
  CheckReport report;
  VIGIE_ASSIGN_OR_RETURN(report.config, LoadFile(path));
  for (const std::string& pattern : report.config.rule_files) {
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) report.rule_files.emplace_back(g.gl_pathv[i]);
    } else {
      report.warnings.push_back("rule_files pattern \"" + pattern + "\" matches no file");
    }
    globfree(&g);
  }
  for (const std::string& f : report.rule_files) {
    auto content = fs::Real().ReadFile(f);
    if (!content.ok()) {
      return Error(content.error().code(), "rule file " + f + ": " + content.error().message());
    }
  }
  // Like promtool: the target files file_sd_configs point to must parse.
  for (const auto& job : report.config.scrape_configs) {
    for (const auto& sd : job.discovery.file_sd_configs) {
      for (const std::string& f : scrape::ExpandFileSdPatterns(sd.files)) {
        auto content = fs::Real().ReadFile(f);
        if (!content.ok()) {
          return Error(content.error().code(),
                       "file_sd file " + f + ": " + content.error().message());
        }
        auto groups = scrape::ParseFileSd(*content, f);
        if (!groups.ok()) return groups.error().Wrap("job \"" + job.job_name + "\"");
        report.file_sd_files.push_back(f);
      }
    }
  }
  return report;
}

}  // namespace vigie::config
