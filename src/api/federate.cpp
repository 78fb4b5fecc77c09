// GET /federate?match[]=...: the latest sample (within the lookback delta) of every series the
// selectors match, in the exposition format, as Prometheus's web/federate.go: families are
// untyped and sorted by metric name, staleness markers are dropped, the external labels are
// appended to series that lack them, and `instance=""` is added when neither the series nor the
// external labels have an instance. The text format 0.0.4 by default; OpenMetrics when the
// Accept header asks for it (Prometheus 2.42 also offers protobuf, which vigie does not speak).
#include <algorithm>

#include "api/api_impl.h"
#include "expfmt/writer.h"
#include "instrument/counter.h"
#include "storage/merge.h"
#include "storage/querier.h"
#include "storage/value.h"

namespace vigie::api {

namespace {

struct FederatedSample {
  Labels labels;  // with __name__
  TimestampMs t;
  double v;
};

// The newest sample in [mint, maxt], if any.
std::optional<storage::Sample> LatestSample(const storage::Series& s, TimestampMs mint,
                                            TimestampMs maxt) {
  auto it = s.Iterator();
  std::optional<storage::Sample> last;
  if (!it->Seek(mint)) return std::nullopt;
  do {
    auto smp = it->At();
    if (smp.t > maxt) break;
    last = smp;
  } while (it->Next());
  return last;
}

}  // namespace

void Api::Impl::Federate(const net::Request& req, net::Response& res) {
  auto form = FormOf(req);
  if (!form.ok()) {
    res.Set(400, form.error().message() + "\n");
    return;
  }
  std::vector<storage::Matchers> sets;
  for (auto expr : form->GetAll("match[]")) {
    auto ms = ParseSelector(expr);
    if (!ms.ok()) {
      res.Set(400, ms.error().message() + "\n");
      return;
    }
    sets.push_back(std::move(ms).value());
  }
  TimestampMs maxt = Now();
  TimestampMs mint = maxt - options_.lookback_delta;
  expfmt::Format format = expfmt::NegotiateFormat(req.Accept());

  std::vector<FederatedSample> samples;
  {
    auto querier = options_.queryable->NewQuerier(mint, maxt);
    if (!querier.ok()) {
      if (federation_errors_) federation_errors_->Get().Inc();
      res.Set(500, querier.error().message() + "\n");
      return;
    }
    storage::SelectHints hints{.start = mint, .end = maxt, .step_ms = 0, .func = ""};
    std::vector<std::unique_ptr<storage::SeriesSet>> parts;
    parts.reserve(sets.size());
    for (const auto& ms : sets) parts.push_back((*querier)->Select(true, &hints, ms));
    auto set = storage::NewMergeSeriesSet(std::move(parts));
    while (set->Next()) {
      const auto& series = set->At();
      auto latest = LatestSample(series, mint, maxt);
      // The exposition formats have no staleness marker; dropping it is what Prometheus does.
      if (!latest || storage::IsStaleNaN(latest->v)) continue;
      samples.push_back({series.labels(), latest->t, latest->v});
    }
    if (auto ws = set->Warnings(); !ws.empty() && federation_warnings_) {
      (void)federation_warnings_->Get().Add(static_cast<double>(ws.size()));
    }
    if (auto st = set->Err(); !st.ok()) {
      if (federation_errors_) federation_errors_->Get().Inc();
      res.Set(500, st.error().message() + "\n");
      return;
    }
  }
  std::stable_sort(samples.begin(), samples.end(), [](const auto& a, const auto& b) {
    return a.labels.MetricName() < b.labels.MetricName();
  });

  Labels external = options_.external_labels ? options_.external_labels() : Labels();
  std::vector<Label> ext(external.begin(), external.end());
  if (!external.Has("instance")) {
    ext.push_back({"instance", ""});
    std::sort(ext.begin(), ext.end());
  }

  res.status = 200;
  res.SetHeader("Content-Type", expfmt::ContentType(format));
  std::string out;
  expfmt::Writer writer(format, &out);
  std::string_view last_name;
  for (const auto& s : samples) {
    std::string_view name = s.labels.MetricName();
    if (name.empty()) continue;  // nameless series cannot be exposed
    if (name != last_name) {
      writer.BeginFamily(name, expfmt::MetricType::kUnknown, "");
      last_name = name;
    }
    // Series labels (minus __name__ and empty ones) in order, then the external labels the
    // series lacks, appended in their own order as Prometheus does (hence FromSorted: the
    // writer keeps the order it is given).
    std::vector<Label> labels;
    labels.reserve(s.labels.size() + ext.size());
    for (const auto& l : s.labels) {
      if (l.name != kMetricNameLabel && !l.value.empty()) labels.push_back(l);
    }
    for (const auto& l : ext) {
      if (!s.labels.Has(l.name)) labels.push_back(l);
    }
    writer.WriteSample(name, Labels::FromSorted(std::move(labels)), s.v, s.t);
    if (out.size() >= 64 * 1024) {
      if (!res.Write(out)) return;
      out.clear();
    }
  }
  writer.Finish();
  if (res.streaming()) {
    (void)res.Write(out);
  } else {
    res.body = std::move(out);
  }
}

}  // namespace vigie::api
