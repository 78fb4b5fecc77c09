// The registry: the set of metrics one process exposes on /metrics.
//
// Families are owned by the registry and live until Unregister or the registry's end; the
// pointers Register* return stay valid until then. Collectors are either owned (unique_ptr)
// or borrowed (raw pointer: the caller keeps it alive until UnregisterCollector).
// Every method is safe from any thread. Collections (Collect/Render) run one at a time.
//
//   VIGIE_ASSIGN_OR_RETURN(instrument::CounterFamily * requests,
//                          registry.RegisterCounter({.name = "gallery_uploads_total",
//                                                    .help = "Uploads, by outcome.",
//                                                    .label_names = {"outcome"}}));
//   instrument::Counter& ok = requests->WithLabelValues({"ok"});  // resolve once
//   ok.Inc();                                                     // hot path: one atomic add
//   std::string body = registry.Render(expfmt::Format::kText004);
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "expfmt/metric_family.h"
#include "instrument/collector.h"
#include "instrument/counter.h"
#include "instrument/family.h"
#include "instrument/gauge.h"
#include "instrument/histogram.h"

namespace vigie::instrument {

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Errors: invalid names (InvalidArgument), a family of the same name already registered
  // (AlreadyExists). Counter names get "_total" appended when missing; counter "foo" and
  // "foo_total" are the same family.
  Result<CounterFamily*> RegisterCounter(MetricOpts opts);
  Result<GaugeFamily*> RegisterGauge(MetricOpts opts);
  // `buckets`: e.g. DefaultBuckets(), LinearBuckets(...), ExponentialBuckets(...).
  Result<HistogramFamily*> RegisterHistogram(MetricOpts opts, std::vector<double> buckets);
  // One series whose value `read` returns at collect time; opts.label_names must be empty
  // (const_labels are fine). For labelled values computed at scrape time, use a Collector.
  // `read` must be thread-safe and must not call into the registry.
  Status RegisterCallbackCounter(MetricOpts opts, std::function<double()> read);
  Status RegisterCallbackGauge(MetricOpts opts, std::function<double()> read);
  // Removes a family by its registered name (counters: with or without _total). Pointers
  // to it and its children become invalid. False when there is none.
  bool Unregister(std::string_view name);

  Status RegisterCollector(std::unique_ptr<Collector> collector);
  // Borrowed: `collector` must stay alive until UnregisterCollector. Error if already in.
  Status RegisterCollector(Collector* collector);
  bool UnregisterCollector(Collector* collector);

  // Every family, sorted by name. A collector's family whose name is taken by a registered
  // family is dropped (and logged once); collectors' families of the same name and type are
  // merged.
  std::vector<expfmt::MetricFamily> Collect() const;
  // Exposition text in `format`, ending with "# EOF" for OpenMetrics.
  std::string Render(expfmt::Format format) const;
  void RenderTo(expfmt::Format format, std::string* out) const;

  struct Rendered {
    std::string body;
    std::string_view content_type;
  };
  // For an HTTP handler: picks the format from the request's Accept header.
  Rendered RenderForAccept(std::string_view accept_header) const;

 private:
  struct State;
  template <typename F>
  Result<F*> Add(std::unique_ptr<F> family);
  Status AddCollector(Collector* collector, std::unique_ptr<Collector> owned);
  // Calls collectors and merges their output; requires collect_mu_.
  std::vector<expfmt::MetricFamily> CollectFromCollectors() const;
  void EmitAll(class SampleSink& sink, std::vector<expfmt::MetricFamily>* collected,
               const std::function<void(expfmt::MetricFamily&)>& write_collected) const;

  mutable std::mutex collect_mu_;  // serialises collections (collectors, callbacks)
  mutable std::shared_mutex mu_;   // guards state_
  mutable std::atomic<size_t> last_render_bytes_{0};        // to size the next output at once
  mutable std::atomic<size_t> last_collected_families_{0};  // to size the next collection
  std::unique_ptr<State> state_;
};

}  // namespace vigie::instrument
