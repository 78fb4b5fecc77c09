// Request metrics for an HTTP server, fed from the server's per-request observer hook:
//   <prefix>http_requests_total{handler,method,code}          counter
//   <prefix>http_request_duration_seconds{handler}            histogram
//   <prefix>http_response_size_bytes{handler}                 histogram
// The prefix is "" for the gallery and "prometheus_" for the server (Prometheus's own
// prometheus_http_requests_total). net/ cannot depend on instrument/: callers wire it with
//   server.SetObserver([m](auto h, auto meth, int code, double s, size_t b) {
//     m->Observe(h, meth, code, s, b); });
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "instrument/buckets.h"
#include "instrument/registry.h"

namespace vigie::instrument {

struct HttpMetricsOptions {
  std::string prefix;
  std::vector<double> duration_buckets = DefaultBuckets();
  // 100 B .. 1 GB by powers of ten.
  std::vector<double> size_buckets = ExponentialBuckets(100, 10, 8);
};

class HttpMetrics {
 public:
  // Registers the three families in `registry`, which must outlive the returned object.
  // The destructor unregisters them. Errors: invalid prefix, names already registered.
  static Result<std::unique_ptr<HttpMetrics>> Register(Registry& registry,
                                                       HttpMetricsOptions opts = {});
  ~HttpMetrics();
  HttpMetrics(const HttpMetrics&) = delete;
  HttpMetrics& operator=(const HttpMetrics&) = delete;

  // One finished request. `handler` should be the route pattern (bounded set), not the raw
  // path. Methods outside the standard nine are counted as "OTHER" and codes outside
  // 100..599 as "other", so clients cannot grow the series count without bound.
  // Thread-safe; lock-free once the series exist.
  void Observe(std::string_view handler, std::string_view method, int code, double seconds,
               size_t bytes);

 private:
  HttpMetrics(Registry& registry, CounterFamily* requests, HistogramFamily* duration,
              HistogramFamily* size);

  Registry& registry_;
  CounterFamily* requests_;
  HistogramFamily* duration_;
  HistogramFamily* size_;
};

}  // namespace vigie::instrument
