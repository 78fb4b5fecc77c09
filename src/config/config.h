// The server configuration: a Prometheus prometheus.yml, loaded as is.
//
// Supported: global (scrape_interval, scrape_timeout, evaluation_interval, external_labels),
// scrape_configs (see scrape/config.h), rule_files, alerting (alertmanagers, alert relabelling)
// and remote_write. Defaults and validation follow Prometheus (1m interval, 10s timeout,
// /metrics; a timeout above the interval, a repeated job name or an invalid external label is
// an error). A key vigie does not know or support is an error naming the key, its line and
// column and its section, e.g.
//   parsing YAML file prometheus.yml: line 14, column 5: field scrape_intervall not found in
//   scrape_config
// Relative paths (rule_files, file_sd files, password_file) are resolved against the config
// file's directory, as Prometheus does.
//
// rule_files and alerting are parsed into plain structs here, to be handed to rules/ and
// notify/ by the server wiring.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/result.h"
#include "core/time.h"
#include "scrape/config.h"
#include "scrape/discovery/config.h"
#include "scrape/relabel.h"

namespace vigie::config {

struct GlobalConfig {
  DurationMs scrape_interval = 60 * 1000;
  DurationMs scrape_timeout = 10 * 1000;
  DurationMs evaluation_interval = 60 * 1000;
  Labels external_labels;

  friend bool operator==(const GlobalConfig&, const GlobalConfig&) = default;
};

// One set of Alertmanagers (an `alertmanagers` entry), discovered like scrape targets.
struct AlertmanagerConfig {
  std::string scheme = "http";
  std::string path_prefix = "/";
  DurationMs timeout = 10 * 1000;
  std::string api_version = "v2";  // only v2 exists in current Alertmanagers
  std::optional<scrape::BasicAuth> basic_auth;
  scrape::DiscoveryConfigs discovery;
  std::vector<scrape::RelabelConfig> relabel_configs;        // on discovered Alertmanagers
  std::vector<scrape::RelabelConfig> alert_relabel_configs;  // per set, on alerts

  friend bool operator==(const AlertmanagerConfig&, const AlertmanagerConfig&) = default;
};

struct AlertingConfig {
  std::vector<scrape::RelabelConfig> alert_relabel_configs;  // on every alert sent
  std::vector<AlertmanagerConfig> alertmanagers;

  friend bool operator==(const AlertingConfig&, const AlertingConfig&) = default;
};

// queue_config of a remote_write entry, with Prometheus's defaults.
struct QueueConfig {
  uint64_t capacity = 10000;
  uint64_t max_shards = 50;
  uint64_t min_shards = 1;
  uint64_t max_samples_per_send = 2000;
  DurationMs batch_send_deadline = 5 * 1000;
  DurationMs min_backoff = 30;
  DurationMs max_backoff = 5 * 1000;
  bool retry_on_http_429 = false;

  friend bool operator==(const QueueConfig&, const QueueConfig&) = default;
};

struct RemoteWriteConfig {
  std::string url;
  std::string name;
  DurationMs remote_timeout = 30 * 1000;
  std::map<std::string, std::string> headers;
  std::optional<scrape::BasicAuth> basic_auth;
  std::vector<scrape::RelabelConfig> write_relabel_configs;
  QueueConfig queue_config;

  friend bool operator==(const RemoteWriteConfig&, const RemoteWriteConfig&) = default;
};

struct Config {
  GlobalConfig global;
  std::vector<std::string> rule_files;  // patterns (globs), absolute after loading from a file
  std::vector<scrape::ScrapeConfig> scrape_configs;  // global defaults applied
  AlertingConfig alerting;
  std::vector<RemoteWriteConfig> remote_write;

  // Where it came from (empty when loaded from a string); not part of equality.
  std::string source_path;

  const scrape::ScrapeConfig* FindJob(std::string_view job_name) const;

  friend bool operator==(const Config& a, const Config& b) {
    return a.global == b.global && a.rule_files == b.rule_files &&
           a.scrape_configs == b.scrape_configs && a.alerting == b.alerting &&
           a.remote_write == b.remote_write;
  }
};

// Parses and validates YAML text. `base_dir` resolves relative paths (none when empty);
// `name` prefixes errors ("parsing YAML file <name>: ...").
Result<Config> Load(std::string_view yaml, std::string_view base_dir = "",
                    std::string_view name = "<string>");
// Reads and loads a file. An empty file is a valid config with every default.
Result<Config> LoadFile(const std::string& path);

// What `vigie server --config.check FILE` prints on success, like promtool check config.
struct CheckReport {
  Config config;
  std::vector<std::string> rule_files;     // rule files the patterns matched
  std::vector<std::string> file_sd_files;  // target files found (each one parsed)
  std::vector<std::string> warnings;       // e.g. a rule_files pattern that matched nothing
  // "  SUCCESS: 2 rule files found\n" and the warnings, one per line.
  std::string Summary() const;
};
// Loads `path`, expands the rule_files globs and checks every file exists and is readable,
// and parses every file the file_sd_configs patterns match (as promtool check config does).
// Rule file contents are checked by rules/, not here.
Result<CheckReport> Check(const std::string& path);

}  // namespace vigie::config
