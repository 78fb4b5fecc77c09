// relabel_configs entries and basic_auth.
#include "config/decode.h"

namespace vigie::config::internal {
namespace {

Status DecodeRelabelConfig(const YAML::Node& n, scrape::RelabelConfig* out) {
  *out = scrape::RelabelConfig();
  MapDecoder d(n, "relabel_config");
  d.Field("source_labels", [out](const YAML::Node& v) -> Status {
    VIGIE_RETURN_IF_ERROR(DecodeStringList(v, &out->source_labels));
    for (const std::string& name : out->source_labels) {
      if (!IsValidLabelName(name)) {
        return InvalidArgument("\"" + name + "\" is not a valid label name");
      }
    }
    return OkStatus();
  });
  d.String("separator", &out->separator);
  d.Field("regex", [out](const YAML::Node& v) -> Status {
    std::string expr;  // an explicit null regex is the empty regex, as in Prometheus
    VIGIE_RETURN_IF_ERROR(DecodeString(v, &expr));
    VIGIE_ASSIGN_OR_RETURN(out->regex, scrape::RelabelRegex::Compile(expr));
    return OkStatus();
  });
  d.Uint("modulus", &out->modulus);
  d.String("target_label", &out->target_label);
  d.String("replacement", &out->replacement);
  d.Field("action", [out](const YAML::Node& v) -> Status {
    std::string action;
    VIGIE_RETURN_IF_ERROR(DecodeString(v, &action));
    if (v.IsNull() || action.empty()) return InvalidArgument("relabel action cannot be empty");
    VIGIE_ASSIGN_OR_RETURN(out->action, scrape::ParseRelabelAction(action));
    return OkStatus();
  });
  VIGIE_RETURN_IF_ERROR(d.Finish());
  Status valid = out->Validate();
  if (!valid.ok()) return LocateError(n, valid.error());
  return OkStatus();
}

}  // namespace

Status DecodeRelabelConfigs(const YAML::Node& n, std::string_view null_msg,
                            std::vector<scrape::RelabelConfig>* out) {
  out->clear();
  return DecodeSequence(n, "relabel_config", [&](const YAML::Node& item) -> Status {
    if (item.IsNull() || (item.IsMap() && item.size() == 0)) return ErrorAt(item, null_msg);
    scrape::RelabelConfig cfg;
    VIGIE_RETURN_IF_ERROR(DecodeRelabelConfig(item, &cfg));
    out->push_back(std::move(cfg));
    return OkStatus();
  });
}

Status DecodeBasicAuth(const YAML::Node& n, std::optional<scrape::BasicAuth>* out) {
  if (n.IsNull()) return OkStatus();
  scrape::BasicAuth auth;
  MapDecoder d(n, "basic_auth");
  d.String("username", &auth.username)
      .String("password", &auth.password)
      .String("password_file", &auth.password_file)
      .Unsupported({"username_file"});
  VIGIE_RETURN_IF_ERROR(d.Finish());
  if (!auth.password.empty() && !auth.password_file.empty()) {
    return ErrorAt(n, "at most one of basic_auth password & password_file must be configured");
  }
  *out = std::move(auth);
  return OkStatus();
}

void MarkUnsupportedHttpClientFields(MapDecoder& d) {
  d.Unsupported({"authorization", "bearer_token", "bearer_token_file", "oauth2", "tls_config",
                 "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header",
                 "follow_redirects", "enable_http2", "http_headers", "sigv4", "azuread"});
}

}  // namespace vigie::config::internal
