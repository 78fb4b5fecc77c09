// One scrape job, as a `scrape_configs` entry of prometheus.yml describes it. config/ fills it
// (with the global defaults applied); scrape::Manager runs it. Compared as a whole on reload:
// a job whose config is unchanged keeps its pool, loops and caches.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "scrape/discovery/config.h"
#include "scrape/relabel.h"

namespace vigie::scrape {

struct BasicAuth {
  std::string username;
  std::string password;
  std::string password_file;  // read at scrape time when set (absolute after loading)

  friend bool operator==(const BasicAuth&, const BasicAuth&) = default;
};

struct ScrapeConfig {
  std::string job_name;
  DurationMs scrape_interval = 60 * 1000;
  DurationMs scrape_timeout = 10 * 1000;
  std::string metrics_path = "/metrics";
  std::string scheme = "http";  // only http is supported
  std::map<std::string, std::vector<std::string>> params;
  bool honor_labels = false;
  bool honor_timestamps = true;
  std::optional<BasicAuth> basic_auth;
  // Limits; 0 means no limit. Exceeding one fails the whole scrape with a reason.
  uint64_t sample_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  uint64_t target_limit = 0;
  uint64_t body_size_limit = 0;  // bytes, after decompression
  DiscoveryConfigs discovery;
  std::vector<RelabelConfig> relabel_configs;
  std::vector<RelabelConfig> metric_relabel_configs;

  friend bool operator==(const ScrapeConfig&, const ScrapeConfig&) = default;
};

}  // namespace vigie::scrape
