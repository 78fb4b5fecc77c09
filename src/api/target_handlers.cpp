// /api/v1/targets, /api/v1/targets/metadata, /api/v1/metadata and /api/v1/scrape_pools, from
// the scrape manager's target state.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>
#include <tuple>

#include "api/api_impl.h"
#include "expfmt/metric_family.h"
#include "scrape/manager.h"
#include "storage/list_series.h"

namespace vigie::api {

namespace {

struct HostPort {
  std::string host;  // without brackets
  std::string port;  // "" when absent
};

// net.SplitHostPort, tolerating a missing port.
HostPort SplitHostPort(std::string_view hp) {
  HostPort out;
  if (!hp.empty() && hp.front() == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos) return {std::string(hp), ""};
    out.host = std::string(hp.substr(1, close - 1));
    if (close + 1 < hp.size() && hp[close + 1] == ':') out.port = std::string(hp.substr(close + 2));
    return out;
  }
  size_t colon = hp.rfind(':');
  if (colon == std::string_view::npos || hp.find(':') != colon) return {std::string(hp), ""};
  return {std::string(hp.substr(0, colon)), std::string(hp.substr(colon + 1))};
}

std::string JoinHostPort(const std::string& host, const std::string& port) {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port.empty() ? h : h + ":" + port;
}

// Prometheus's getGlobalURL: a target on this machine is shown with the externally reachable
// host instead of localhost (and with our external scheme and port when it is ourselves).
std::string GlobalUrl(const std::string& url, const GlobalUrlOptions& opts) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos || opts.host.empty()) return url;
  size_t host_start = scheme_end + 3;
  size_t host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string::npos) host_end = url.size();
  HostPort target = SplitHostPort(std::string_view(url).substr(host_start, host_end - host_start));
  if (target.host != "127.0.0.1" && target.host != "localhost" && target.host != "::1") return url;
  HostPort own = SplitHostPort(opts.listen_address);
  std::string scheme = url.substr(0, scheme_end);
  std::string host;
  if (target.port == own.port) {
    scheme = opts.scheme;
    host = opts.host;
  } else {
    host = JoinHostPort(SplitHostPort(opts.host).host, target.port);
  }
  return scheme + "://" + host + url.substr(host_end);
}

std::string_view MetadataType(expfmt::MetricType t) {
  return expfmt::MetricTypeName(t, /*openmetrics=*/true);
}

}  // namespace

ApiResult Api::Impl::ScrapePools() {
  std::vector<std::string> names;
  if (options_.scrape) names = options_.scrape->JobNames();
  std::sort(names.begin(), names.end());
  return ApiResult::Data([names = std::move(names)](JsonWriter& w) {
    w.BeginObject();
    w.Key("scrapePools");
    w.BeginArray();
    for (const auto& n : names) w.String(n);
    w.EndArray();
    w.EndObject();
  });
}

ApiResult Api::Impl::Targets(const net::Params& query) {
  std::string pool_filter(query.GetOr("scrapePool"));
  std::string state(query.GetOr("state"));
  std::transform(state.begin(), state.end(), state.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool show_active = state.empty() || state == "any" || state == "active";
  bool show_dropped = state.empty() || state == "any" || state == "dropped";

  std::map<std::string, std::vector<scrape::TargetState>> active;
  std::map<std::string, std::vector<scrape::DroppedTarget>> dropped;
  if (options_.scrape) {
    if (show_active) active = options_.scrape->ActiveTargets();
    if (show_dropped) dropped = options_.scrape->DroppedTargets();
  }
  if (!pool_filter.empty()) {
    std::erase_if(active, [&](const auto& kv) { return kv.first != pool_filter; });
    std::erase_if(dropped, [&](const auto& kv) { return kv.first != pool_filter; });
  }
  for (auto& [pool, targets] : active) {
    std::sort(targets.begin(), targets.end(),
              [](const auto& a, const auto& b) { return a.labels < b.labels; });
  }
  GlobalUrlOptions gopts = options_.global_url;
  return ApiResult::Data(
      [active = std::move(active), dropped = std::move(dropped), gopts](JsonWriter& w) {
        w.BeginObject();
        w.Key("activeTargets");
        w.BeginArray();
        for (const auto& [pool, targets] : active) {
          for (const auto& t : targets) {
            w.BeginObject();
            w.Key("discoveredLabels");
            w.LabelsObject(t.discovered_labels);
            w.Key("labels");
            w.LabelsObject(t.labels);
            w.Key("scrapePool");
            w.String(pool);
            w.Key("scrapeUrl");
            w.String(t.scrape_url);
            w.Key("globalUrl");
            w.String(GlobalUrl(t.scrape_url, gopts));
            w.Key("lastError");
            w.String(t.last_error);
            w.Key("lastScrape");
            w.Time(t.last_scrape_ms);
            w.Key("lastScrapeDuration");
            w.Double(t.last_scrape_duration_seconds);
            w.Key("health");
            w.String(scrape::TargetHealthName(t.health));
            w.Key("scrapeInterval");
            w.String(FormatDuration(t.scrape_interval));
            w.Key("scrapeTimeout");
            w.String(FormatDuration(t.scrape_timeout));
            w.EndObject();
          }
        }
        w.EndArray();
        w.Key("droppedTargets");
        w.BeginArray();
        for (const auto& [pool, targets] : dropped) {
          for (const auto& t : targets) {
            w.BeginObject();
            w.Key("discoveredLabels");
            w.LabelsObject(t.discovered_labels);
            w.EndObject();
          }
        }
        w.EndArray();
        w.EndObject();
      });
}

ApiResult Api::Impl::TargetMetadata(const net::Params& form) {
  int64_t limit = -1;
  if (auto s = form.GetOr("limit"); !s.empty()) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), limit);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      return ApiResult::Error(ErrorType::kBadData, "limit must be a number");
    }
  }
  std::string_view match_target = form.GetOr("match_target");
  storage::Matchers matchers;
  if (!match_target.empty()) {
    auto m = ParseSelector(match_target);
    if (!m.ok()) {
      return ApiResult::Error(ErrorType::kBadData,
                              "invalid parameter \"match_target\": " + m.error().message());
    }
    matchers = std::move(m).value();
  }
  std::string metric(form.GetOr("metric"));

  struct Row {
    Labels target;
    std::string metric;  // empty when the request named one metric (Prometheus omits it)
    scrape::MetricMetadata md;
  };
  std::vector<Row> rows;
  if (options_.scrape) {
    for (const auto& [job, targets] : options_.scrape->TargetMetadata()) {
      for (const auto& [labels, families] : targets) {
        if (limit >= 0 && static_cast<int64_t>(rows.size()) >= limit) break;
        if (!matchers.empty() && !storage::MatchesAll(labels, matchers)) continue;
        if (metric.empty()) {
          for (const auto& [name, md] : families) rows.push_back({labels, name, md});
          continue;
        }
        if (auto it = families.find(metric); it != families.end()) {
          rows.push_back({labels, "", it->second});
        }
      }
    }
  }
  return ApiResult::Data([rows = std::move(rows)](JsonWriter& w) {
    w.BeginArray();
    for (const auto& r : rows) {
      w.BeginObject();
      w.Key("target");
      w.LabelsObject(r.target);
      if (!r.metric.empty()) {
        w.Key("metric");
        w.String(r.metric);
      }
      w.Key("type");
      w.String(MetadataType(r.md.type));
      w.Key("help");
      w.String(r.md.help);
      w.Key("unit");
      w.String(r.md.unit);
      w.EndObject();
    }
    w.EndArray();
  });
}

ApiResult Api::Impl::MetricMetadata(const net::Params& form) {
  int64_t limit = -1;
  if (auto s = form.GetOr("limit"); !s.empty()) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), limit);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      return ApiResult::Error(ErrorType::kBadData, "limit must be a number");
    }
  }
  std::string metric(form.GetOr("metric"));
  using Key = std::tuple<std::string, std::string, std::string>;  // type, help, unit
  std::map<std::string, std::set<Key>> metrics;
  if (options_.scrape) {
    for (const auto& [job, targets] : options_.scrape->TargetMetadata()) {
      for (const auto& [labels, families] : targets) {
        for (const auto& [name, md] : families) {
          if (!metric.empty() && name != metric) continue;
          metrics[name].insert({std::string(MetadataType(md.type)), md.help, md.unit});
        }
      }
    }
  }
  if (limit >= 0) {
    while (static_cast<int64_t>(metrics.size()) > limit) metrics.erase(std::prev(metrics.end()));
  }
  return ApiResult::Data([metrics = std::move(metrics)](JsonWriter& w) {
    w.BeginObject();
    for (const auto& [name, set] : metrics) {
      w.Key(name);
      w.BeginArray();
      for (const auto& [type, help, unit] : set) {
        w.BeginObject();
        w.Key("type");
        w.String(type);
        w.Key("help");
        w.String(help);
        w.Key("unit");
        w.String(unit);
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
  });
}

}  // namespace vigie::api
