// global, alerting and remote_write.
#include "config/decode.h"

namespace vigie::config::internal {

Status DecodeGlobal(const YAML::Node& n, GlobalConfig* out) {
  *out = GlobalConfig();
  out->scrape_interval = 0;
  out->scrape_timeout = 0;
  out->evaluation_interval = 0;
  MapDecoder d(n, "global");
  d.Duration("scrape_interval", &out->scrape_interval)
      .Duration("scrape_timeout", &out->scrape_timeout)
      .Duration("evaluation_interval", &out->evaluation_interval)
      .LabelMap("external_labels", &out->external_labels)
      .Unsupported({"query_log_file", "scrape_failure_log_file", "rule_query_offset",
                    "body_size_limit", "sample_limit", "label_limit", "label_name_length_limit",
                    "label_value_length_limit", "target_limit", "keep_dropped_targets",
                    "scrape_protocols", "metric_name_validation_scheme",
                    "metric_name_escaping_scheme", "scrape_native_histograms",
                    "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb",
                    "extra_scrape_metrics"});
  VIGIE_RETURN_IF_ERROR(d.Finish());
  // Same order as Prometheus: interval default first, then the timeout check and default.
  const GlobalConfig defaults;
  if (out->scrape_interval == 0) out->scrape_interval = defaults.scrape_interval;
  if (out->scrape_timeout > out->scrape_interval) {
    return ErrorAt(n, "global scrape timeout greater than scrape interval");
  }
  if (out->scrape_timeout == 0) {
    out->scrape_timeout = std::min(defaults.scrape_timeout, out->scrape_interval);
  }
  if (out->evaluation_interval == 0) out->evaluation_interval = defaults.evaluation_interval;
  return OkStatus();
}

namespace {

Status DecodeAlertmanager(const YAML::Node& n, AlertmanagerConfig* out) {
  MapDecoder d(n, "alertmanager_config");
  d.String("scheme", &out->scheme)
      .String("path_prefix", &out->path_prefix)
      .Duration("timeout", &out->timeout)
      .String("api_version", &out->api_version)
      .Field("basic_auth",
             [out](const YAML::Node& v) { return DecodeBasicAuth(v, &out->basic_auth); })
      .Field("relabel_configs",
             [out](const YAML::Node& v) {
               return DecodeRelabelConfigs(v, "empty or null Alertmanager target relabeling rule",
                                           &out->relabel_configs);
             })
      .Field("alert_relabel_configs", [out](const YAML::Node& v) {
        return DecodeRelabelConfigs(v, "empty or null Alertmanager alert relabeling rule",
                                    &out->alert_relabel_configs);
      });
  DecodeDiscoveryFields(d, &out->discovery);
  MarkUnsupportedHttpClientFields(d);
  VIGIE_RETURN_IF_ERROR(d.Finish());
  if (out->api_version != "v2") {
    return ErrorAt(
        n, "expected Alertmanager api version to be one of [v2] but got " + out->api_version);
  }
  if (out->scheme != "http") {
    return ErrorAt(
        n, "Alertmanager scheme \"" + out->scheme + "\" is not supported by vigie: only http");
  }
  if (out->path_prefix.empty() || out->path_prefix[0] != '/') {
    out->path_prefix.insert(out->path_prefix.begin(), '/');
  }
  return OkStatus();
}

}  // namespace

Status DecodeAlerting(const YAML::Node& n, AlertingConfig* out) {
  MapDecoder d(n, "alerting");
  d.Field("alert_relabel_configs", [out](const YAML::Node& v) {
     return DecodeRelabelConfigs(v, "empty or null alert relabeling rule",
                                 &out->alert_relabel_configs);
   }).Field("alertmanagers", [out](const YAML::Node& v) {
    return DecodeSequence(v, "alertmanager_config", [out](const YAML::Node& item) -> Status {
      if (item.IsNull()) return ErrorAt(item, "empty or null alertmanager config section");
      AlertmanagerConfig am;
      VIGIE_RETURN_IF_ERROR(DecodeAlertmanager(item, &am));
      out->alertmanagers.push_back(std::move(am));
      return OkStatus();
    });
  });
  return d.Finish();
}

Status DecodeRemoteWrite(const YAML::Node& n, RemoteWriteConfig* out) {
  if (n.IsNull()) return ErrorAt(n, "empty or null remote write config section");
  MapDecoder d(n, "remote_write");
  d.String("url", &out->url)
      .String("name", &out->name)
      .Duration("remote_timeout", &out->remote_timeout)
      .StringMap("headers", &out->headers)
      .Field("basic_auth",
             [out](const YAML::Node& v) { return DecodeBasicAuth(v, &out->basic_auth); })
      .Field("write_relabel_configs",
             [out](const YAML::Node& v) {
               return DecodeRelabelConfigs(v,
                                           "empty or null relabeling rule in remote write config",
                                           &out->write_relabel_configs);
             })
      .Field("queue_config", [out](const YAML::Node& v) -> Status {
        QueueConfig& q = out->queue_config;
        MapDecoder qd(v, "queue_config");
        qd.Uint("capacity", &q.capacity)
            .Uint("max_shards", &q.max_shards)
            .Uint("min_shards", &q.min_shards)
            .Uint("max_samples_per_send", &q.max_samples_per_send)
            .Duration("batch_send_deadline", &q.batch_send_deadline)
            .Duration("min_backoff", &q.min_backoff)
            .Duration("max_backoff", &q.max_backoff)
            .Bool("retry_on_http_429", &q.retry_on_http_429)
            .Unsupported({"sample_age_limit"});
        VIGIE_RETURN_IF_ERROR(qd.Finish());
        if (q.max_shards == 0) return ErrorAt(v, "remote write queue max_shards must be positive");
        if (q.min_shards == 0) return ErrorAt(v, "remote write queue min_shards must be positive");
        if (q.min_shards > q.max_shards) {
          return ErrorAt(v, "remote write queue min_shards must not be greater than max_shards");
        }
        if (q.max_samples_per_send == 0) {
          return ErrorAt(v, "remote write queue max_samples_per_send must be positive");
        }
        if (q.capacity == 0) return ErrorAt(v, "remote write queue capacity must be positive");
        if (q.max_backoff < q.min_backoff) {
          return ErrorAt(v, "remote write queue max_backoff must not be less than min_backoff");
        }
        return OkStatus();
      });
  MarkUnsupportedHttpClientFields(d);
  d.Unsupported({"metadata_config", "send_exemplars", "send_native_histograms", "protobuf_message",
                 "round_robin_dns"});
  VIGIE_RETURN_IF_ERROR(d.Finish());
  if (out->url.empty()) return ErrorAt(n, "url for remote_write is empty");
  if (out->url.rfind("http://", 0) != 0) {
    return ErrorAt(n, "remote_write url \"" + out->url +
                          "\" is not supported: only http:// URLs (https is not supported)");
  }
  return OkStatus();
}

}  // namespace vigie::config::internal
