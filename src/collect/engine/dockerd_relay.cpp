#include "collect/engine/dockerd_relay.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "expfmt/parser.h"
#include "expfmt/writer.h"
#include "net/http_client.h"

namespace vigie::collect {

namespace {

// dockerd's own families; the Go runtime's and the process's are the dockerd process's.
constexpr std::array<std::string_view, 5> kRelayedPrefixes = {"engine_daemon_", "swarm_",
                                                              "builder_", "logger_", "etcd_"};

bool Relayed(std::string_view name) {
  for (std::string_view p : kRelayedPrefixes) {
    if (name.starts_with(p)) return true;
  }
  return false;
}

class DockerdRelayCollector final : public Collector {
 public:
  explicit DockerdRelayCollector(DockerdRelayOptions o)
      : o_(std::move(o)),
        // A local socket: no gzip to decode; one kept-alive connection between scrapes.
        client_(net::ClientOptions{.connect_timeout = o_.timeout,
                                   .timeout = o_.timeout,
                                   .max_response_bytes = 16 * 1024 * 1024,
                                   .accept_gzip = false,
                                   .max_idle_per_host = 1,
                                   .unix_socket = o_.socket_path}) {}

  std::string_view Name() const override { return "dockerd"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    net::ClientRequest req;
    req.url = "http://localhost/metrics";
    req.headers.Set("Accept", "text/plain;version=0.0.4");
    auto resp = client_.Do(req);
    if (!resp.ok()) {
      struct stat st {};
      if (::stat(o_.socket_path.c_str(), &st) != 0 && errno == ENOENT) {
        return NotFound("dockerd metrics socket " + o_.socket_path + " does not exist");
      }
      return resp.error().Wrap("dockerd metrics socket " + o_.socket_path);
    }
    if (resp->status != 200) {
      return Unavailable("dockerd metrics socket " + o_.socket_path + ": HTTP status " +
                         std::to_string(resp->status));
    }
    auto format = expfmt::FormatFromContentType(resp->headers.Get("Content-Type").value_or(""));
    auto families = RelayedDockerdFamilies(resp->body, format, o_.skip);
    if (!families.ok()) return families.error().Wrap("dockerd metrics");
    for (auto& f : *families) out->push_back(std::move(f));
    return OkStatus();
  }

 private:
  DockerdRelayOptions o_;
  net::HttpClient client_;
};

// Families with samples, not in `skip`, each name once (the first block wins). Names are
// compared as the writer spells them in either format (in OpenMetrics a counter "x_total" is
// "x") so that the agent's output never holds two families of one name.
std::vector<expfmt::MetricFamily> Deduplicated(std::vector<expfmt::MetricFamily> families,
                                               const std::set<std::string, std::less<>>& skip) {
  std::vector<expfmt::MetricFamily> out;
  std::set<std::string, std::less<>> seen_text, seen_om;
  std::string as_text, as_om;
  for (auto& f : families) {
    if (f.encoded_samples.empty()) continue;  // metadata alone says nothing
    expfmt::WrittenAs(f, expfmt::Format::kText004, &as_text);
    expfmt::WrittenAs(f, expfmt::Format::kOpenMetrics1, &as_om);
    if (skip.contains(f.name) || skip.contains(as_text) || skip.contains(as_om) ||
        seen_text.contains(as_text) || seen_om.contains(as_om)) {
      continue;
    }
    seen_text.insert(as_text);
    seen_om.insert(as_om);
    out.push_back(std::move(f));
  }
  return out;
}

// Where the line starting at `pos` ends (its '\n', or the end): a label value may hold a raw
// line break in 0.0.4 (so quotes between braces are followed), a comment cannot. memchr does
// the long stretches: this runs over every line dockerd serves.
size_t LineEnd(std::string_view text, size_t pos) {
  const char* d = text.data();
  const size_t n = text.size();
  auto find = [&](char c, size_t from) {
    const void* p = from < n ? std::memchr(d + from, c, n - from) : nullptr;
    return p == nullptr ? n : static_cast<size_t>(static_cast<const char*>(p) - d);
  };
  if (d[pos] != '#') {
    size_t i = pos;
    while (i < n && d[i] != '{' && d[i] != '\n') ++i;
    if (i < n && d[i] == '{') {
      for (++i; i < n && d[i] != '}' && d[i] != '\n';) {
        if (d[i] != '"') {
          ++i;
          continue;
        }
        size_t close = find('"', i + 1);  // the closing quote: one not escaped
        while (close < n) {
          size_t backslashes = 0;
          while (d[close - 1 - backslashes] == '\\') ++backslashes;
          if (backslashes % 2 == 0) break;
          close = find('"', close + 1);
        }
        i = close + 1;
      }
      pos = std::min(i, n);
    }
  }
  return find('\n', pos);
}

// Whether a 0.0.4 line speaks of a relayed family: by the name after "# HELP " or "# TYPE ",
// or the sample name (only its prefix matters).
bool RelayedLine(std::string_view line) {
  if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
    line.remove_prefix(7);
  } else if (line.starts_with('#')) {
    return false;
  }
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  return Relayed(line);
}

// dockerd's text with the lines of families not relayed left empty (a Swarm manager's dockerd
// serves some 200 kB, mostly gRPC server counters): they are neither parsed nor checked, and
// line numbers in errors still count dockerd's lines.
std::string KeepRelayedLines(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4);
  for (size_t pos = 0; pos < text.size();) {
    size_t end = LineEnd(text, pos);
    std::string_view line = text.substr(pos, end - pos);
    if (RelayedLine(line)) {
      out.append(line);
    } else {  // the raw line breaks of a skipped label value still count
      out.append(static_cast<size_t>(std::count(line.begin(), line.end(), '\n')), '\n');
    }
    if (end < text.size()) out.push_back('\n');
    pos = end + 1;
  }
  return out;
}

// The sample line as the writer spells it (name{labels} value). A timestamp (dockerd sends
// none) is dropped: the relayed values are as of the agent's scrape.
void AppendSampleLine(const expfmt::Parser& p, std::string* line) {
  line->append(p.MetricName());
  bool first = true;
  for (size_t i = 0; i < p.LabelCount(); ++i) {
    std::string_view raw = p.RawLabelValue(i);
    if (raw.empty()) continue;  // an empty value is no label
    line->push_back(first ? '{' : ',');
    first = false;
    // Written as is unless it holds an escape or a raw line break (which 0.0.4 allows).
    if (raw.find_first_of("\\\n") == std::string_view::npos) {
      line->append(p.LabelName(i)).append("=\"").append(raw).push_back('"');
    } else {
      expfmt::AppendLabelPair(line, p.LabelName(i), p.LabelValue(i));
    }
  }
  if (!first) line->push_back('}');
  line->push_back(' ');
  expfmt::AppendFloat(line, p.Value());
  line->push_back('\n');
}

}  // namespace

Result<std::vector<expfmt::MetricFamily>> RelayedDockerdFamilies(
    std::string_view text, expfmt::Format format, const std::set<std::string, std::less<>>& skip) {
  // Families are grouped as expfmt::ParseAll groups them, but the relayed samples go straight
  // into encoded_samples (no label sets built): a few hundred lines at every scrape.
  std::vector<expfmt::MetricFamily> out;
  std::string name;  // the current family, relayed or not
  expfmt::MetricType type = expfmt::MetricType::kUnknown;
  bool has_samples = false;
  // Indexes in `out`: the current family if relayed, and where its odd samples go (below).
  std::optional<size_t> keep, odd;
  auto start_family = [&](std::string_view n) {
    name.assign(n);
    type = expfmt::MetricType::kUnknown;
    has_samples = false;
    keep.reset();
    odd.reset();
    if (Relayed(n)) {
      out.push_back(expfmt::MetricFamily{name, expfmt::MetricType::kUnknown, {}, {}, {}, {}});
      keep = out.size() - 1;
    }
  };
  // OpenMetrics allows no blank lines; dockerd answers in 0.0.4, where nothing is lost.
  std::string kept;
  if (format == expfmt::Format::kText004) {
    kept = KeepRelayedLines(text);
    text = kept;
  }
  expfmt::Parser p(text, format);
  for (;;) {
    VIGIE_ASSIGN_OR_RETURN(expfmt::Entry e, p.Next());
    switch (e) {
      case expfmt::Entry::kEof:
        return Deduplicated(std::move(out), skip);
      case expfmt::Entry::kComment:
        break;
      case expfmt::Entry::kHelp:
      case expfmt::Entry::kType:
      case expfmt::Entry::kUnit:
        if (p.MetricName() != name || has_samples) start_family(p.MetricName());
        if (e == expfmt::Entry::kType) type = p.Type();
        if (!keep) break;
        if (e == expfmt::Entry::kHelp) out[*keep].help.assign(p.Help());
        if (e == expfmt::Entry::kType) out[*keep].type = p.Type();
        if (e == expfmt::Entry::kUnit) out[*keep].unit.assign(p.Unit());
        break;
      case expfmt::Entry::kSeries: {
        if (name.empty() || !expfmt::IsSampleOfFamily(p.MetricName(), name, type)) {
          start_family(p.MetricName());
        }
        has_samples = true;
        if (!keep) break;
        size_t target = *keep;
        // The writer names a counter after its samples, which must then all be "x_total"
        // (0.0.4 lets a counter "x_total" also hold "x_total_total", and "x" hold "x"): the
        // other name is relayed as an untyped family of its own.
        if (type == expfmt::MetricType::kCounter &&
            !expfmt::IsCounterTotalSample(p.MetricName(), name)) {
          if (!odd) {
            out.push_back(expfmt::MetricFamily{
                std::string(p.MetricName()), expfmt::MetricType::kUnknown, {}, {}, {}, {}});
            odd = out.size() - 1;
          }
          target = *odd;
        }
        AppendSampleLine(p, &out[target].encoded_samples);
        break;
      }
    }
  }
}

std::unique_ptr<Collector> NewDockerdRelayCollector(DockerdRelayOptions options) {
  return std::make_unique<DockerdRelayCollector>(std::move(options));
}

}  // namespace vigie::collect
