// One scrape_configs entry. Interval and timeout stay 0 when not set, so that load.cpp can
// apply the global defaults the way Prometheus does.
#include <fmt/format.h>

#include "config/decode.h"

namespace vigie::config::internal {
namespace {

Status DecodeParams(const YAML::Node& n, std::map<std::string, std::vector<std::string>>* out) {
  if (n.IsNull()) return OkStatus();
  if (!n.IsMap()) return ErrorAt(n, "params must be a mapping of names to lists of values");
  for (const auto& kv : n) {
    std::string key;
    VIGIE_RETURN_IF_ERROR(DecodeString(kv.first, &key));
    std::vector<std::string> values;
    VIGIE_RETURN_IF_ERROR(DecodeStringList(kv.second, &values));
    (*out)[key] = std::move(values);
  }
  return OkStatus();
}

// Prometheus rejects URLs in static targets when no relabelling could fix them up.
Status CheckStaticTargets(const YAML::Node& n, const scrape::ScrapeConfig& c) {
  if (!c.relabel_configs.empty()) return OkStatus();
  for (const scrape::TargetGroup& g : c.discovery.static_configs) {
    for (const Labels& t : g.targets) {
      const std::string_view addr = t.Get(scrape::kAddressLabel);
      if (addr.find('/') != std::string_view::npos) {
        return ErrorAt(n, fmt::format("\"{}\" is not a valid hostname (targets are host:port; "
                                      "set metrics_path and scheme separately)",
                                      addr));
      }
    }
  }
  return OkStatus();
}

}  // namespace

Status DecodeScrapeConfig(const YAML::Node& n, scrape::ScrapeConfig* out) {
  if (n.IsNull()) return ErrorAt(n, "empty or null scrape config section");
  *out = scrape::ScrapeConfig();
  out->scrape_interval = 0;
  out->scrape_timeout = 0;
  MapDecoder d(n, "scrape_config");
  d.String("job_name", &out->job_name)
      .Duration("scrape_interval", &out->scrape_interval)
      .Duration("scrape_timeout", &out->scrape_timeout)
      .String("metrics_path", &out->metrics_path)
      .String("scheme", &out->scheme)
      .Field("params", [out](const YAML::Node& v) { return DecodeParams(v, &out->params); })
      .Bool("honor_labels", &out->honor_labels)
      .Bool("honor_timestamps", &out->honor_timestamps)
      .Field("basic_auth",
             [out](const YAML::Node& v) { return DecodeBasicAuth(v, &out->basic_auth); })
      .Uint("sample_limit", &out->sample_limit)
      .Uint("label_limit", &out->label_limit)
      .Uint("label_name_length_limit", &out->label_name_length_limit)
      .Uint("label_value_length_limit", &out->label_value_length_limit)
      .Uint("target_limit", &out->target_limit)
      .ByteSize("body_size_limit", &out->body_size_limit)
      .Field("relabel_configs",
             [out](const YAML::Node& v) {
               return DecodeRelabelConfigs(v,
                                           "empty or null target relabeling rule in scrape config",
                                           &out->relabel_configs);
             })
      .Field("metric_relabel_configs", [out](const YAML::Node& v) {
        return DecodeRelabelConfigs(v, "empty or null metric relabeling rule in scrape config",
                                    &out->metric_relabel_configs);
      });
  DecodeDiscoveryFields(d, &out->discovery);
  MarkUnsupportedHttpClientFields(d);
  d.Unsupported({"scrape_protocols", "enable_compression", "track_timestamps_staleness",
                 "keep_dropped_targets", "scrape_classic_histograms",
                 "native_histogram_bucket_limit", "native_histogram_min_bucket_factor",
                 "scrape_failure_log_file", "metric_name_validation_scheme",
                 "metric_name_escaping_scheme", "always_scrape_classic_histograms",
                 "convert_classic_histograms_to_nhcb", "fallback_scrape_protocol"});
  VIGIE_RETURN_IF_ERROR(d.Finish());
  if (out->job_name.empty()) return ErrorAt(n, "job_name is empty");
  if (out->scheme == "https") {
    return ErrorAt(
        n, "scheme https of job \"" + out->job_name + "\" is not supported by vigie: only http");
  }
  if (out->scheme != "http") {
    return ErrorAt(n, "scheme \"" + out->scheme + "\" of job \"" + out->job_name +
                          "\" is not supported: use http");
  }
  return CheckStaticTargets(n, *out);
}

}  // namespace vigie::config::internal
