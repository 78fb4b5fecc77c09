#include "instrument/http_metrics.h"

#include <gtest/gtest.h>

namespace vigie::instrument {
namespace {

TEST(HttpMetrics, ObserveFillsTheThreeFamilies) {
  Registry r;
  HttpMetricsOptions opts;
  opts.prefix = "prometheus_";
  opts.duration_buckets = {0.125, 1};
  opts.size_buckets = {100, 1000};
  std::unique_ptr<HttpMetrics> m = *HttpMetrics::Register(r, opts);
  m->Observe("/api/v1/query", "GET", 200, 0.0625, 512);
  m->Observe("/api/v1/query", "GET", 200, 0.5, 50);
  m->Observe("/api/v1/query", "BREW", 999, 2, 5000);
  m->Observe("/metrics", "GET", 503, 0.125, 100);
  EXPECT_EQ(
      r.Render(expfmt::Format::kText004),
      R"(# HELP prometheus_http_request_duration_seconds Time from reading a request to writing its response, in seconds.
# TYPE prometheus_http_request_duration_seconds histogram
prometheus_http_request_duration_seconds_bucket{handler="/api/v1/query",le="0.125"} 1
prometheus_http_request_duration_seconds_bucket{handler="/api/v1/query",le="1"} 2
prometheus_http_request_duration_seconds_bucket{handler="/api/v1/query",le="+Inf"} 3
prometheus_http_request_duration_seconds_sum{handler="/api/v1/query"} 2.5625
prometheus_http_request_duration_seconds_count{handler="/api/v1/query"} 3
prometheus_http_request_duration_seconds_bucket{handler="/metrics",le="0.125"} 1
prometheus_http_request_duration_seconds_bucket{handler="/metrics",le="1"} 1
prometheus_http_request_duration_seconds_bucket{handler="/metrics",le="+Inf"} 1
prometheus_http_request_duration_seconds_sum{handler="/metrics"} 0.125
prometheus_http_request_duration_seconds_count{handler="/metrics"} 1
# HELP prometheus_http_requests_total HTTP requests served, by handler, method and status code.
# TYPE prometheus_http_requests_total counter
prometheus_http_requests_total{code="200",handler="/api/v1/query",method="GET"} 2
prometheus_http_requests_total{code="other",handler="/api/v1/query",method="OTHER"} 1
prometheus_http_requests_total{code="503",handler="/metrics",method="GET"} 1
# HELP prometheus_http_response_size_bytes Size of HTTP response bodies, in bytes.
# TYPE prometheus_http_response_size_bytes histogram
prometheus_http_response_size_bytes_bucket{handler="/api/v1/query",le="100"} 1
prometheus_http_response_size_bytes_bucket{handler="/api/v1/query",le="1000"} 2
prometheus_http_response_size_bytes_bucket{handler="/api/v1/query",le="+Inf"} 3
prometheus_http_response_size_bytes_sum{handler="/api/v1/query"} 5562
prometheus_http_response_size_bytes_count{handler="/api/v1/query"} 3
prometheus_http_response_size_bytes_bucket{handler="/metrics",le="100"} 1
prometheus_http_response_size_bytes_bucket{handler="/metrics",le="1000"} 1
prometheus_http_response_size_bytes_bucket{handler="/metrics",le="+Inf"} 1
prometheus_http_response_size_bytes_sum{handler="/metrics"} 100
prometheus_http_response_size_bytes_count{handler="/metrics"} 1
)");
}

TEST(HttpMetrics, DefaultBucketsAndEmptyPrefix) {
  Registry r;
  std::unique_ptr<HttpMetrics> m = *HttpMetrics::Register(r);
  m->Observe("/", "GET", 200, 0.01, 1);
  std::string text = r.Render(expfmt::Format::kText004);
  EXPECT_NE(text.find("\nhttp_requests_total{code=\"200\",handler=\"/\",method=\"GET\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds_bucket{handler=\"/\",le=\"0.005\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("http_response_size_bytes_bucket{handler=\"/\",le=\"1e+09\"} 1\n"),
            std::string::npos);
}

TEST(HttpMetrics, SecondRegistrationFailsUntilTheFirstIsGone) {
  Registry r;
  std::unique_ptr<HttpMetrics> m = *HttpMetrics::Register(r);
  Result<std::unique_ptr<HttpMetrics>> again = HttpMetrics::Register(r);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  // A different prefix is a different set of families.
  EXPECT_TRUE(HttpMetrics::Register(r, {.prefix = "gallery_"}).ok());
  m.reset();
  EXPECT_TRUE(HttpMetrics::Register(r).ok());
}

TEST(HttpMetrics, BadBucketsLeaveNothingHalfRegistered) {
  Registry r;
  Result<std::unique_ptr<HttpMetrics>> bad =
      HttpMetrics::Register(r, {.prefix = "x_", .size_buckets = {3, 2}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(r.Render(expfmt::Format::kText004), "");
  EXPECT_FALSE(HttpMetrics::Register(r, {.prefix = "bad prefix "}).ok());
}

}  // namespace
}  // namespace vigie::instrument
