#include "instrument/http_metrics.h"

#include <array>
#include <charconv>

namespace vigie::instrument {
namespace {

std::string_view CanonicalMethod(std::string_view method) {
  static constexpr std::array<std::string_view, 9> kMethods = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (std::string_view m : kMethods) {
    if (m == method) return m;
  }
  return "OTHER";
}

}  // namespace

Result<std::unique_ptr<HttpMetrics>> HttpMetrics::Register(Registry& registry,
                                                           HttpMetricsOptions opts) {
  const std::string& p = opts.prefix;
  VIGIE_ASSIGN_OR_RETURN(
      CounterFamily * requests,
      registry.RegisterCounter({.name = p + "http_requests_total",
                                .help = "HTTP requests served, by handler, method and status code.",
                                .label_names = {"handler", "method", "code"}}));
  Result<HistogramFamily*> duration = registry.RegisterHistogram(
      {.name = p + "http_request_duration_seconds",
       .help = "Time from reading a request to writing its response, in seconds.",
       .label_names = {"handler"}},
      std::move(opts.duration_buckets));
  if (!duration.ok()) {
    registry.Unregister(requests->name());
    return duration.error();
  }
  Result<HistogramFamily*> size =
      registry.RegisterHistogram({.name = p + "http_response_size_bytes",
                                  .help = "Size of HTTP response bodies, in bytes.",
                                  .label_names = {"handler"}},
                                 std::move(opts.size_buckets));
  if (!size.ok()) {
    registry.Unregister(requests->name());
    registry.Unregister((*duration)->name());
    return size.error();
  }
  return std::unique_ptr<HttpMetrics>(new HttpMetrics(registry, requests, *duration, *size));
}

HttpMetrics::HttpMetrics(Registry& registry, CounterFamily* requests, HistogramFamily* duration,
                         HistogramFamily* size)
    : registry_(registry), requests_(requests), duration_(duration), size_(size) {}

HttpMetrics::~HttpMetrics() {
  registry_.Unregister(requests_->name());
  registry_.Unregister(duration_->name());
  registry_.Unregister(size_->name());
}

void HttpMetrics::Observe(std::string_view handler, std::string_view method, int code,
                          double seconds, size_t bytes) {
  char code_buf[8];
  std::string_view code_text = "other";
  if (code >= 100 && code <= 599) {
    auto [end, ec] = std::to_chars(code_buf, code_buf + sizeof(code_buf), code);
    code_text = std::string_view(code_buf, end - code_buf);
  }
  requests_->WithLabelValues({handler, CanonicalMethod(method), code_text}).Inc();
  duration_->WithLabelValues({handler}).Observe(seconds);
  size_->WithLabelValues({handler}).Observe(static_cast<double>(bytes));
}

}  // namespace vigie::instrument
