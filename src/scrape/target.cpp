#include "scrape/target.h"

#include <fmt/format.h>

#include "net/params.h"

namespace vigie::scrape {
namespace {

uint64_t Fnv1a(std::string_view s, uint64_t h = 14695981039346656037ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

bool HasPrefix(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Whether `addr` has a port, and whether adding one would make it a valid host:port (Go's
// net.SplitHostPort rules: IPv6 literals need brackets).
bool SplitsAsHostPort(std::string_view addr) {
  if (addr.empty()) return false;
  if (addr[0] == '[') {
    const size_t close = addr.find(']');
    if (close == std::string_view::npos) return false;
    if (close + 1 >= addr.size() || addr[close + 1] != ':') return false;
    return addr.find(':', close + 2) == std::string_view::npos;
  }
  const size_t colon = addr.find(':');
  if (colon == std::string_view::npos) return false;
  if (addr.find('[') != std::string_view::npos || addr.find(']') != std::string_view::npos) {
    return false;
  }
  return addr.find(':', colon + 1) == std::string_view::npos;  // "too many colons"
}

// Go's url.QueryEscape (what Prometheus's scrape URL shows): RFC 3986 unreserved characters
// as they are, a space as '+', everything else %XX.
std::string QueryEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ' ') {
      out += net::PercentEncode(s.substr(start, i - start));
      if (i < s.size()) out += '+';
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

std::string_view TargetHealthName(TargetHealth h) {
  switch (h) {
    case TargetHealth::kUp:
      return "up";
    case TargetHealth::kDown:
      return "down";
    case TargetHealth::kUnknown:
      break;
  }
  return "unknown";
}

std::string GoDurationString(DurationMs d) {
  if (d == 0) return "0s";
  std::string out;
  if (d < 0) {
    out = "-";
    d = -d;
  }
  if (d < 1000) return out + std::to_string(d) + "ms";
  const int64_t h = d / 3600000;
  const int64_t m = d / 60000 % 60;
  const int64_t ms = d % 60000;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  out += std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string frac = fmt::format("{:03d}", ms % 1000);
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out + "s";
}

Target::Target(Labels labels, Labels discovered,
               std::map<std::string, std::vector<std::string>> params)
    : labels_(std::move(labels)), discovered_(std::move(discovered)) {
  std::vector<Label> pub;
  for (const Label& l : labels_) {
    if (!HasPrefix(l.name, kReservedLabelPrefix)) pub.push_back(l);
    if (HasPrefix(l.name, kParamLabelPrefix)) {
      // As Prometheus: a __param_ label replaces the first value of its parameter and keeps
      // the others from the config.
      auto& values = params[l.name.substr(kParamLabelPrefix.size())];
      if (values.empty()) {
        values.push_back(l.value);
      } else {
        values[0] = l.value;
      }
    }
  }
  public_ = Labels::FromSorted(std::move(pub));
  url_ = std::string(labels_.Get(kSchemeLabel)) + "://" + std::string(labels_.Get(kAddressLabel)) +
         std::string(labels_.Get(kMetricsPathLabel));
  bool first = true;
  for (const auto& [k, values] : params) {  // std::map: sorted keys, like Go's Values.Encode
    for (const std::string& v : values) {
      url_ += first ? "?" : "&";
      first = false;
      url_ += QueryEscape(k) + "=" + QueryEscape(v);
    }
  }
  interval_ = ParseDuration(labels_.Get(kScrapeIntervalLabel)).value_or(0);
  timeout_ = ParseDuration(labels_.Get(kScrapeTimeoutLabel)).value_or(0);
  hash_ = Fnv1a(url_, Fnv1a(fmt::format("{:016x}", labels_.Hash())));
  identity_ = Fnv1a(url_, Fnv1a(fmt::format("{:016x}", public_.Hash())));
}

int64_t Target::OffsetNs(int64_t now_ns, uint64_t seed) const {
  const int64_t interval_ns = interval_ * 1000000;
  if (interval_ns <= 0) return 0;
  const int64_t base = interval_ns - now_ns % interval_ns;
  const int64_t offset = static_cast<int64_t>((hash_ ^ seed) % static_cast<uint64_t>(interval_ns));
  int64_t next = base + offset;
  if (next > interval_ns) next -= interval_ns;
  return next;
}

void Target::Report(TimestampMs start_ms, double duration_s, uint64_t samples, const Status& err) {
  std::lock_guard lock(mu_);
  health_ = err.ok() ? TargetHealth::kUp : TargetHealth::kDown;
  last_error_ = err.ok() ? "" : err.error().message();
  last_scrape_ms_ = start_ms;
  last_duration_s_ = duration_s;
  last_samples_ = samples;
}

Labels Target::discovered_labels() const {
  std::lock_guard lock(mu_);
  return discovered_;
}

void Target::SetDiscoveredLabels(Labels discovered) {
  std::lock_guard lock(mu_);
  discovered_ = std::move(discovered);
}

TargetHealth Target::health() const {
  std::lock_guard lock(mu_);
  return health_;
}

TargetState Target::State(std::string_view pool) const {
  TargetState s;
  s.scrape_pool = std::string(pool);
  s.labels = public_;
  s.scrape_url = url_;
  s.scrape_interval = interval_;
  s.scrape_timeout = timeout_;
  std::lock_guard lock(mu_);
  s.discovered_labels = discovered_;
  s.health = health_;
  s.last_error = last_error_;
  s.last_scrape_ms = last_scrape_ms_;
  s.last_scrape_duration_seconds = last_duration_s_;
  s.last_samples = last_samples_;
  return s;
}

Labels DiscoveredLabels(const TargetGroup& g, size_t i) {
  LabelsBuilder b(g.labels);
  for (const Label& l : g.targets[i]) b.Set(l.name, l.value);
  return b.Build();
}

Result<std::optional<Labels>> PopulateLabels(const Labels& discovered, const ScrapeConfig& cfg,
                                             Labels* pre_relabel) {
  LabelsBuilder lb(discovered);
  const auto set_default = [&](std::string_view name, std::string_view value) {
    if (lb.Get(name).empty()) lb.Set(name, value);
  };
  set_default(kJobLabel, cfg.job_name);
  set_default(kScrapeIntervalLabel, FormatDuration(cfg.scrape_interval));
  set_default(kScrapeTimeoutLabel, FormatDuration(cfg.scrape_timeout));
  set_default(kMetricsPathLabel, cfg.metrics_path);
  set_default(kSchemeLabel, cfg.scheme);
  // The config's params win over discovered __param_ labels (Prometheus 2.42 sets them
  // unconditionally).
  for (const auto& [name, values] : cfg.params) {
    if (!values.empty()) lb.Set(std::string(kParamLabelPrefix) + name, values[0]);
  }
  if (pre_relabel != nullptr) *pre_relabel = lb.Build();
  if (!Relabel(lb, cfg.relabel_configs)) return std::optional<Labels>();

  std::string addr(lb.Get(kAddressLabel));
  if (addr.empty()) return InvalidArgument("no address");
  if (!SplitsAsHostPort(addr) && SplitsAsHostPort(addr + ":1234")) {
    const std::string_view scheme = lb.Get(kSchemeLabel);
    if (scheme == "http" || scheme.empty()) {
      addr += ":80";
    } else if (scheme == "https") {
      addr += ":443";
    } else {
      return InvalidArgument(fmt::format("invalid scheme: \"{}\"", scheme));
    }
    lb.Set(kAddressLabel, addr);
  }
  if (addr.find('/') != std::string::npos) {
    return InvalidArgument(fmt::format("\"{}\" is not a valid hostname", addr));
  }
  const std::string interval(lb.Get(kScrapeIntervalLabel));
  auto iv = ParseDuration(interval);
  if (!iv.ok()) return InvalidArgument("error parsing scrape interval: " + iv.error().message());
  if (*iv == 0) return InvalidArgument("scrape interval cannot be 0");
  const std::string timeout(lb.Get(kScrapeTimeoutLabel));
  auto to = ParseDuration(timeout);
  if (!to.ok()) return InvalidArgument("error parsing scrape timeout: " + to.error().message());
  if (*to == 0) return InvalidArgument("scrape timeout cannot be 0");
  if (*to > *iv) {
    return InvalidArgument(
        fmt::format("scrape timeout cannot be greater than scrape interval (\"{}\" > \"{}\")",
                    timeout, interval));
  }
  const Labels relabelled = lb.Build();
  for (const Label& l : relabelled) {
    if (HasPrefix(l.name, kMetaLabelPrefix)) lb.Del(l.name);
  }
  if (lb.Get(kInstanceLabel).empty()) lb.Set(kInstanceLabel, addr);
  Labels out = lb.Build();
  for (const Label& l : out) {
    if (!IsValidUtf8(l.value)) {
      return InvalidArgument(
          fmt::format("invalid label value for \"{}\": \"{}\"", l.name, l.value));
    }
  }
  return std::optional<Labels>(std::move(out));
}

}  // namespace vigie::scrape
