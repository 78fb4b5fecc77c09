// The append path of a scrape: parse, cache lookup, label attachment, metric relabelling,
// limits, storage appends, staleness markers.
#include <fmt/format.h>

#include <algorithm>

#include "expfmt/parser.h"
#include "scrape/scrape_loop.h"
#include "storage/value.h"

namespace vigie::scrape {
namespace {

constexpr std::string_view kExportedPrefix = "exported_";

std::string Truncate(std::string_view s, size_t n) { return std::string(s.substr(0, n)); }

}  // namespace

Labels AttachTargetLabels(const Labels& exposed, const Labels& target_labels, bool honor_labels) {
  LabelsBuilder lb(exposed);
  if (honor_labels) {
    for (const Label& l : target_labels) {
      if (!exposed.Has(l.name)) lb.Set(l.name, l.value);
    }
    return lb.Build();
  }
  std::vector<Label> conflicts;
  for (const Label& l : target_labels) {
    const std::string_view existing = exposed.Get(l.name);
    if (!existing.empty()) conflicts.push_back({l.name, std::string(existing)});
    lb.Set(l.name, l.value);
  }
  if (!conflicts.empty()) {
    // Shorter names first, each renamed to the first exported_* name nobody uses.
    std::stable_sort(conflicts.begin(), conflicts.end(),
                     [](const Label& a, const Label& b) { return a.name.size() < b.name.size(); });
    for (size_t i = 0; i < conflicts.size(); ++i) {
      std::string name = conflicts[i].name;
      for (;;) {
        name = std::string(kExportedPrefix) + name;
        const bool taken_before =
            std::any_of(conflicts.begin(), conflicts.begin() + static_cast<ptrdiff_t>(i),
                        [&](const Label& c) { return c.name == name; });
        if (!exposed.Has(name) && !target_labels.Has(name) && !taken_before) break;
      }
      conflicts[i].name = name;
    }
    for (const Label& c : conflicts) lb.Set(c.name, c.value);
  }
  return lb.Build();
}

Status ScrapeLoop::CheckLabelLimits(const Labels& l) const {
  const ScrapeConfig& c = *cfg_;
  const std::string_view metric = l.MetricName();
  if (c.label_limit > 0 && l.size() > c.label_limit) {
    return ResourceExhausted(
        fmt::format("label_limit exceeded (metric: {}, number of labels: {}, limit: {})",
                    Truncate(metric, 50), l.size(), c.label_limit));
  }
  if (c.label_name_length_limit == 0 && c.label_value_length_limit == 0) return OkStatus();
  for (const Label& lab : l) {
    if (c.label_name_length_limit > 0 && lab.name.size() > c.label_name_length_limit) {
      return ResourceExhausted(fmt::format(
          "label_name_length_limit exceeded (metric: {}, label name: {}, length: {}, limit: {})",
          Truncate(metric, 50), Truncate(lab.name, 50), lab.name.size(),
          c.label_name_length_limit));
    }
    if (c.label_value_length_limit > 0 && lab.value.size() > c.label_value_length_limit) {
      return ResourceExhausted(fmt::format(
          "label_value_length_limit exceeded (metric: {}, label name: {}, value: \"{}\", "
          "length: {}, limit: {})",
          Truncate(metric, 50), Truncate(lab.name, 50), Truncate(lab.value, 50), lab.value.size(),
          c.label_value_length_limit));
    }
  }
  return OkStatus();
}

Status ScrapeLoop::Append(storage::Appender& app, std::string_view body,
                          std::string_view content_type, TimestampMs ts, AppendResult* result) {
  *result = AppendResult{};
  const ScrapeConfig& c = *cfg_;
  ScrapeCache& cache = *cache_;
  expfmt::Parser parser(body, expfmt::FormatFromContentType(content_type));
  const Labels& target_labels = target_->public_labels();
  uint64_t out_of_order = 0, duplicates = 0, out_of_bounds = 0;
  bool sample_limit_hit = false;
  Status err;

  for (;;) {
    auto entry = parser.Next();
    if (!entry.ok()) {
      err = entry.error();
      break;
    }
    if (*entry == expfmt::Entry::kEof) break;
    switch (*entry) {
      case expfmt::Entry::kType:
        cache.SetMetadata(parser.MetricName(), parser.Type());
        continue;
      case expfmt::Entry::kHelp:
        cache.SetHelp(parser.MetricName(), parser.Help());
        continue;
      case expfmt::Entry::kUnit:
        cache.SetUnit(parser.MetricName(), parser.Unit());
        continue;
      case expfmt::Entry::kSeries:
        break;
      default:
        continue;
    }
    ++result->total;
    const std::string_view raw = parser.Series();
    ScrapeCache::Entry* e = cache.Get(raw);
    if (e != nullptr && e->dropped) continue;
    const std::optional<int64_t> explicit_ts =
        c.honor_timestamps ? parser.TimestampMs() : std::nullopt;
    const TimestampMs t = explicit_ts.value_or(ts);
    const double v = parser.Value();

    Labels fresh;
    if (e == nullptr) {
      parser.FillLabels(&exposed_);
      fresh = AttachTargetLabels(exposed_, target_labels, c.honor_labels);
      if (!c.metric_relabel_configs.empty()) {
        std::optional<Labels> relabelled = Relabel(fresh, c.metric_relabel_configs);
        if (!relabelled || relabelled->empty()) {
          cache.AddDropped(raw);
          continue;
        }
        fresh = std::move(*relabelled);
      }
      if (!fresh.Has(kMetricNameLabel)) {
        err = InvalidArgument("missing metric name (__name__ label)");
        break;
      }
      Status limits = CheckLabelLimits(fresh);
      if (!limits.ok()) {
        if (metrics_->exceeded_label_limits != nullptr) {
          metrics_->exceeded_label_limits->Get().Inc();
        }
        err = std::move(limits);
        break;
      }
    }
    ++result->added;
    if (c.sample_limit > 0 && result->added > c.sample_limit) {
      sample_limit_hit = true;  // keep counting, append no more
      continue;
    }
    // A cached series is appended by ref alone (labels are rebuilt only if the storage lost
    // the ref).
    Result<storage::SeriesRef> appended =
        e != nullptr ? AppendCached(app, e->ref, raw, t, v) : app.Append(0, fresh, t, v);
    if (!appended.ok()) {
      switch (appended.error().code()) {
        case ErrorCode::kOutOfRange:
          if (appended.error().message().find(storage::kErrOutOfBounds) != std::string::npos) {
            ++out_of_bounds;
          } else {
            ++out_of_order;
          }
          break;
        case ErrorCode::kAlreadyExists:
          ++duplicates;
          break;
        case ErrorCode::kNotFound:  // see AppendCached
          break;
        default:
          err = appended.error();
          break;
      }
      if (!err.ok()) break;
      // Not appended, but the series is known: cache it so it need not be relabelled again.
      if (e == nullptr) cache.Add(raw, 0);
      continue;
    }
    if (e == nullptr) {
      e = &cache.Add(raw, *appended);
      ++result->series_added;
    } else if (*appended != e->ref) {
      e->ref = *appended;
    }
    if (!explicit_ts) cache.TrackStaleness(*e);
  }

  if (out_of_order > 0 && metrics_->sample_out_of_order != nullptr) {
    metrics_->sample_out_of_order->Get().Add(static_cast<double>(out_of_order));
  }
  if (duplicates > 0 && metrics_->sample_duplicate_timestamp != nullptr) {
    metrics_->sample_duplicate_timestamp->Get().Add(static_cast<double>(duplicates));
  }
  if (out_of_bounds > 0 && metrics_->sample_out_of_bounds != nullptr) {
    metrics_->sample_out_of_bounds->Get().Add(static_cast<double>(out_of_bounds));
  }
  if (err.ok() && sample_limit_hit) {
    if (metrics_->exceeded_sample_limit != nullptr) metrics_->exceeded_sample_limit->Get().Inc();
    err = ResourceExhausted(fmt::format("sample limit exceeded ({} samples, sample_limit {})",
                                        result->added, c.sample_limit));
  }
  if (!err.ok()) return err;
  AppendStaleMarkers(app, ts);
  return OkStatus();
}

Labels ScrapeLoop::LabelsOfCached(std::string_view raw) {
  const std::string line = std::string(raw) + " 0\n";
  expfmt::Parser parser(line, expfmt::Format::kText004);
  auto entry = parser.Next();
  if (!entry.ok() || *entry != expfmt::Entry::kSeries) return {};
  parser.FillLabels(&exposed_);
  const ScrapeConfig& c = *cfg_;
  Labels l = AttachTargetLabels(exposed_, target_->public_labels(), c.honor_labels);
  if (c.metric_relabel_configs.empty()) return l;
  std::optional<Labels> relabelled = Relabel(l, c.metric_relabel_configs);
  return relabelled ? std::move(*relabelled) : Labels();
}

Result<storage::SeriesRef> ScrapeLoop::AppendCached(storage::Appender& app, storage::SeriesRef ref,
                                                    std::string_view raw, TimestampMs t, double v) {
  static const Labels kNoLabels;
  if (ref != 0) {
    Result<storage::SeriesRef> appended = app.Append(ref, kNoLabels, t, v);
    if (appended.ok() || appended.error().code() != ErrorCode::kInvalidArgument) return appended;
  }
  // No ref, or one the storage no longer knows (its series was garbage-collected).
  const Labels labels = LabelsOfCached(raw);
  // Cannot happen for text the parser gave (the cache does not outlive a change of
  // relabelling); should it, the sample is skipped rather than the scrape failed.
  if (labels.empty()) {
    return Error(ErrorCode::kNotFound, "no labels for cached series " + std::string(raw));
  }
  return app.Append(0, labels, t, v);
}

void ScrapeLoop::AppendStaleMarkers(storage::Appender& app, TimestampMs ts) {
  cache_->ForEachStale([&](const ScrapeCache::Entry& e) {
    // Errors (e.g. out of order after an explicit timestamp) just mean no marker is needed.
    (void)AppendCached(app, e.ref, cache_->Key(e), ts, storage::kStaleNaN);
  });
}

}  // namespace vigie::scrape
