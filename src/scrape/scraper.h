// Fetching a target's exposition over HTTP, as Prometheus does: GET with the Accept header
// that asks for OpenMetrics first and the 0.0.4 text format second (same order and q-values),
// Accept-Encoding: gzip, X-Prometheus-Scrape-Timeout-Seconds, basic auth, the scrape timeout
// and the body size limit (after decompression).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "scrape/config.h"
#include "scrape/target.h"

namespace vigie::net {
class HttpClient;
}

namespace vigie::scrape {

// Prometheus 2.42's scrape Accept header.
inline constexpr std::string_view kScrapeAcceptHeader =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

// Used when body_size_limit is 0 (no limit configured): a bound so that one runaway target
// cannot exhaust memory.
inline constexpr uint64_t kDefaultMaxBodyBytes = 256ull << 20;

struct ScrapeResponse {
  std::string body;
  std::string content_type;
};

class Scraper {
 public:
  virtual ~Scraper() = default;
  // Fetches into *out, whose buffers the caller keeps from one scrape to the next (a loop
  // reuses the capacity of its previous body: no reallocation, no fresh pages).
  // Errors say what failed: "server returned HTTP status 500 Internal Server Error",
  // "body size limit exceeded (limit 1048576 bytes)" (kResourceExhausted), a timeout
  // (kTimeout), a refused connection (kUnavailable). `cancel` (nullable) abandons the request.
  virtual Status Scrape(const Target& target, const std::atomic<bool>* cancel,
                        ScrapeResponse* out) = 0;
};

// Thread-safe: the loops of one pool share it (and its keep-alive connections).
class HttpScraper final : public Scraper {
 public:
  explicit HttpScraper(const ScrapeConfig& cfg);
  ~HttpScraper() override;
  Status Scrape(const Target& target, const std::atomic<bool>* cancel,
                ScrapeResponse* out) override;

 private:
  std::unique_ptr<net::HttpClient> client_;
  std::optional<BasicAuth> basic_auth_;
  uint64_t body_limit_;
};

std::string Base64Encode(std::string_view in);

}  // namespace vigie::scrape
