#include "scrape/scraper.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <mutex>
#include <new>
#include <vector>

#include "core/fs.h"
#include "net/http_client.h"

namespace vigie::scrape {

namespace {
constexpr size_t kMappedBodyBytes = 64 * 1024;
}  // namespace

void* AllocateBodyBytes(size_t n) {
  if (n < kMappedBodyBytes) return ::operator new(n);
  // Populated at once: the body is written right away, and one call beats a fault per page.
  void* p =
      mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

void FreeBodyBytes(void* p, size_t n) {
  if (n < kMappedBodyBytes) {
    ::operator delete(p);
  } else {
    munmap(p, n);
  }
}

namespace {

// A handful of buffers covers the scrapes that run at the same time; a one-off huge body is
// not kept.
constexpr size_t kPooledBodies = 2;
constexpr size_t kMaxPooledBodyBytes = 16 << 20;

struct BodyPool {
  std::mutex mu;
  std::vector<ScrapeBody> bodies;  // GUARDED_BY(mu)
};

BodyPool& Pool() {
  static BodyPool* pool = new BodyPool;  // never destroyed: loops may outlive statics
  return *pool;
}

}  // namespace

ScrapeBody TakeScrapeBody(size_t expected_size) {
  const size_t want = expected_size + expected_size / 8;
  ScrapeBody body;
  {
    BodyPool& p = Pool();
    std::lock_guard lock(p.mu);
    if (!p.bodies.empty()) {
      // The smallest that is large enough, else the largest.
      size_t best = 0;
      for (size_t i = 1; i < p.bodies.size(); ++i) {
        const size_t c = p.bodies[i].capacity(), b = p.bodies[best].capacity();
        if ((c >= want && (b < want || c < b)) || (b < want && c > b)) best = i;
      }
      body = std::move(p.bodies[best]);
      p.bodies.erase(p.bodies.begin() + static_cast<ptrdiff_t>(best));
    }
  }
  body.clear();
  body.reserve(want);
  return body;
}

void ReturnScrapeBody(ScrapeBody body) {
  if (body.capacity() > kMaxPooledBodyBytes) return;
  body.clear();
  BodyPool& p = Pool();
  std::lock_guard lock(p.mu);
  if (p.bodies.size() < kPooledBodies) {
    p.bodies.push_back(std::move(body));
    return;
  }
  // Keep the larger buffers.
  auto smallest =
      std::min_element(p.bodies.begin(), p.bodies.end(),
                       [](const auto& a, const auto& b) { return a.capacity() < b.capacity(); });
  if (smallest->capacity() < body.capacity()) *smallest = std::move(body);
}

namespace {

std::string_view StatusText(int code) {
  switch (code) {
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace

std::string Base64Encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = static_cast<uint8_t>(in[i]) << 16 | static_cast<uint8_t>(in[i + 1]) << 8 |
                       static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += i + 1 < in.size() ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

HttpScraper::HttpScraper(const ScrapeConfig& cfg)
    : basic_auth_(cfg.basic_auth),
      body_limit_(cfg.body_size_limit > 0 ? cfg.body_size_limit : kDefaultMaxBodyBytes) {
  net::ClientOptions o;
  o.timeout = std::chrono::milliseconds(cfg.scrape_timeout);
  o.connect_timeout = std::chrono::milliseconds(cfg.scrape_timeout);
  o.max_response_bytes = body_limit_;
  o.accept_gzip = true;
  o.user_agent = "vigie/0.1 (Prometheus-compatible scraper)";
  client_ = std::make_unique<net::HttpClient>(o);
}

HttpScraper::~HttpScraper() = default;

Status HttpScraper::Scrape(const Target& target, const net::CancelSignal* cancel,
                           ScrapeResponse* out) {
  net::ClientRequest req;
  req.url = target.url();
  req.headers.Add("Accept", kScrapeAcceptHeader);
  req.headers.Add("X-Prometheus-Scrape-Timeout-Seconds",
                  fmt::format("{:g}", static_cast<double>(target.timeout()) / 1000.0));
  if (basic_auth_) {
    std::string password = basic_auth_->password;
    if (!basic_auth_->password_file.empty()) {
      auto pw = fs::Real().ReadFile(basic_auth_->password_file);
      if (!pw.ok()) return pw.error().Wrap("reading basic_auth password_file");
      password = *pw;
      while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
        password.pop_back();
      }
    }
    req.headers.Add("Authorization",
                    "Basic " + Base64Encode(basic_auth_->username + ":" + password));
  }
  req.timeout = std::chrono::milliseconds(target.timeout());
  req.max_response_bytes = body_limit_;
  req.cancel = cancel;

  out->body.clear();  // keeps the capacity
  out->content_type.clear();
  int status = 0;
  bool too_big = false;
  net::StreamHandler handler;
  handler.on_head = [&](int code, const net::Headers& headers) {
    status = code;
    out->content_type = std::string(headers.GetOr("Content-Type"));
    return code == 200;
  };
  handler.on_data = [&](std::string_view data) {
    if (out->body.size() + data.size() > body_limit_) {
      too_big = true;
      return false;
    }
    out->body.append(data);
    return true;
  };
  Status st = client_->Stream(req, handler);
  if (too_big || (!st.ok() && st.error().code() == ErrorCode::kResourceExhausted)) {
    return ResourceExhausted(fmt::format("body size limit exceeded (limit {} bytes)", body_limit_));
  }
  if (!st.ok()) return st;
  if (status != 200) {
    return Unavailable(
        fmt::format("server returned HTTP status {} {}", status, StatusText(status)));
  }
  return OkStatus();
}

}  // namespace vigie::scrape
