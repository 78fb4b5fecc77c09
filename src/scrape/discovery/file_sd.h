// file_sd_configs: targets listed in JSON or YAML files,
//   [{"targets": ["host:9100", ...], "labels": {"env": "prod"}}, ...]
// Each file's groups get the source "<path>:<index>" and the label __meta_filepath. Files are
// re-read every refresh_interval and, where inotify is available, as soon as a watched
// directory changes. A file that cannot be read or parsed keeps its previous targets (the
// error is logged and counted); a file that disappears removes its targets.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "scrape/discovery/discoverer.h"

namespace vigie::scrape {

inline constexpr std::string_view kFileSdPathLabel = "__meta_filepath";

// Parses one file's content; the format follows the extension (.json, else YAML). Errors name
// the file and what is wrong ("targets.json: group 2: \"bad-name\" is not a valid label name").
Result<std::vector<TargetGroup>> ParseFileSd(std::string_view content, std::string_view path);

// Expands the patterns (globs in the last path element) into existing files, sorted.
std::vector<std::string> ExpandFileSdPatterns(const std::vector<std::string>& patterns);

class FileDiscoverer final : public Discoverer {
 public:
  explicit FileDiscoverer(FileSdConfig cfg) : cfg_(std::move(cfg)) {}
  void Run(std::stop_token stop, const TargetGroupsSink& send) override;

  // One scan: reads every file and returns what changed since the last scan (replaced groups,
  // and empty groups for sources that vanished). Exposed for tests.
  std::vector<TargetGroup> Refresh();
  uint64_t read_errors() const { return read_errors_; }

 private:
  FileSdConfig cfg_;
  std::map<std::string, std::vector<TargetGroup>> last_;  // per file
  uint64_t read_errors_ = 0;
};

}  // namespace vigie::scrape
