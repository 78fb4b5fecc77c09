// Fetching a target's exposition over HTTP, as Prometheus does: GET with the Accept header
// that asks for OpenMetrics first and the 0.0.4 text format second (same order and q-values),
// Accept-Encoding: gzip, X-Prometheus-Scrape-Timeout-Seconds, basic auth, the scrape timeout
// and the body size limit (after decompression).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "net/cancel_signal.h"
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

// Memory for scrape bodies: blocks of 64 KiB and more are mapped and unmapped directly, so a
// loop's body holds memory only while it is fetched and parsed (malloc would keep a freed
// megabyte in its arena; with many large targets that is a hundred bytes per series).
void* AllocateBodyBytes(size_t n);
void FreeBodyBytes(void* p, size_t n);
template <typename T>
struct BodyAllocator {
  using value_type = T;
  BodyAllocator() = default;
  template <typename U>
  BodyAllocator(const BodyAllocator<U>&) {}  // NOLINT: allocators convert implicitly
  T* allocate(size_t n) { return static_cast<T*>(AllocateBodyBytes(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { FreeBodyBytes(p, n * sizeof(T)); }
  friend bool operator==(const BodyAllocator&, const BodyAllocator&) { return true; }
};
using ScrapeBody = std::basic_string<char, std::char_traits<char>, BodyAllocator<char>>;

struct ScrapeResponse {
  ScrapeBody body;
  std::string content_type;
};

// Bodies shared by every scrape loop of the process (as Prometheus's buffer pool): a loop takes
// one for a scrape, reserved to `expected_size` and a bit, and gives it back once its samples
// are appended, so body memory follows the scrapes in flight rather than the number of
// targets. Thread-safe.
ScrapeBody TakeScrapeBody(size_t expected_size);
void ReturnScrapeBody(ScrapeBody body);

class Scraper {
 public:
  virtual ~Scraper() = default;
  // Fetches into *out (its body cleared first; a caller may reserve its capacity).
  // Errors say what failed: "server returned HTTP status 500 Internal Server Error",
  // "body size limit exceeded (limit 1048576 bytes)" (kResourceExhausted), a timeout
  // (kTimeout), a refused connection (kUnavailable). `cancel` (nullable) abandons the request.
  virtual Status Scrape(const Target& target, const net::CancelSignal* cancel,
                        ScrapeResponse* out) = 0;
};

// Thread-safe: the loops of one pool share it (and its keep-alive connections).
class HttpScraper final : public Scraper {
 public:
  explicit HttpScraper(const ScrapeConfig& cfg);
  ~HttpScraper() override;
  Status Scrape(const Target& target, const net::CancelSignal* cancel,
                ScrapeResponse* out) override;

 private:
  std::unique_ptr<net::HttpClient> client_;
  std::optional<BasicAuth> basic_auth_;
  uint64_t body_limit_;
};

std::string Base64Encode(std::string_view in);

}  // namespace vigie::scrape
