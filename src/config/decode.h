// Section decoders of prometheus.yml; private to config/. Each fills defaults, decodes strictly
// (see yaml_decoder.h) and makes the per-section checks Prometheus makes while unmarshalling.
// Cross-section checks and global defaults are applied in load.cpp.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_decoder.h"

namespace vigie::config::internal {

// A list of relabel_configs; a null entry is an error worded by `null_msg` (Prometheus says
// e.g. "empty or null target relabeling rule in scrape config").
Status DecodeRelabelConfigs(const YAML::Node& n, std::string_view null_msg,
                            std::vector<scrape::RelabelConfig>* out);
Status DecodeBasicAuth(const YAML::Node& n, std::optional<scrape::BasicAuth>* out);
// Registers the service discovery fields (and the ones vigie does not implement) on `d`.
void DecodeDiscoveryFields(MapDecoder& d, scrape::DiscoveryConfigs* out);
// HTTP client fields Prometheus accepts that vigie does not implement.
void MarkUnsupportedHttpClientFields(MapDecoder& d);

Status DecodeGlobal(const YAML::Node& n, GlobalConfig* out);
Status DecodeScrapeConfig(const YAML::Node& n, scrape::ScrapeConfig* out);
Status DecodeAlerting(const YAML::Node& n, AlertingConfig* out);
Status DecodeRemoteWrite(const YAML::Node& n, RemoteWriteConfig* out);

}  // namespace vigie::config::internal
