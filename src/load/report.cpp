#include "load/report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace vigie::load {

std::string FormatMicros(uint64_t us) {
  if (us < 1000) return fmt::format("{}µs", us);
  if (us < 1'000'000) return fmt::format("{:.1f}ms", static_cast<double>(us) / 1e3);
  return fmt::format("{:.2f}s", static_cast<double>(us) / 1e6);
}

std::string ProgressLine(const Runner& r, uint64_t prev_requests, double interval_s) {
  const auto& t = r.stats().total();
  uint64_t n = t.requests.load();
  double rps = interval_s > 0 ? static_cast<double>(n - prev_requests) / interval_s : 0;
  std::string who =
      r.options().rate > 0
          ? fmt::format("rate {:.1f}/s  in-flight {}", r.target_rate(), r.active_users())
          : fmt::format("users {}/{}", r.active_users(), r.target_users());
  return fmt::format("{:6.1f}s  {}  req/s {:8.1f}  p99 {:>8}  errors {}", r.elapsed_seconds(), who,
                     rps, FormatMicros(t.latency.Quantile(0.99)), t.errors());
}

namespace {
std::string ErrorsText(const StepStats& s) {
  std::string out;
  auto add = [&](const char* what, uint64_t n) {
    if (!n) return;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", what, n);
  };
  add("connect", s.connect_errors.load());
  add("timeout", s.timeouts.load());
  add("other", s.other_errors.load());
  for (int code = 400; code < 600; ++code)
    add(fmt::format("http {}", code).c_str(), s.statuses[code].load());
  return out.empty() ? "-" : out;
}
}  // namespace

std::string SummaryTable(const Runner& r) {
  double secs = std::max(r.elapsed_seconds(), 1e-9);
  std::string out = fmt::format("{:<12} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  {}\n", "step",
                                "requests", "req/s", "p50", "p90", "p99", "p99.9", "max", "errors");
  auto row = [&](const StepStats& s) {
    const auto& h = s.latency;
    out += fmt::format("{:<12} {:>9} {:>9.1f} {:>9} {:>9} {:>9} {:>9} {:>9}  {}\n", s.name,
                       s.requests.load(), static_cast<double>(s.requests.load()) / secs,
                       FormatMicros(h.Quantile(0.5)), FormatMicros(h.Quantile(0.9)),
                       FormatMicros(h.Quantile(0.99)), FormatMicros(h.Quantile(0.999)),
                       FormatMicros(h.max()), ErrorsText(s));
  };
  for (const auto& s : r.stats().steps()) row(*s);
  row(r.stats().total());
  return out;
}

std::string SummaryJson(const Runner& r) {
  double secs = std::max(r.elapsed_seconds(), 1e-9);
  auto step = [&](const StepStats& s) {
    const auto& h = s.latency;
    nlohmann::json codes = nlohmann::json::object();
    for (int c = 100; c < 600; ++c) {
      if (uint64_t n = s.statuses[c].load()) codes[std::to_string(c)] = n;
    }
    return nlohmann::json{{"name", s.name},
                          {"requests", s.requests.load()},
                          {"requests_per_second", static_cast<double>(s.requests.load()) / secs},
                          {"latency_seconds",
                           {{"p50", h.Quantile(0.5) / 1e6},
                            {"p90", h.Quantile(0.9) / 1e6},
                            {"p99", h.Quantile(0.99) / 1e6},
                            {"p999", h.Quantile(0.999) / 1e6},
                            {"max", h.max() / 1e6},
                            {"mean", h.mean() / 1e6}}},
                          {"errors",
                           {{"connect", s.connect_errors.load()},
                            {"timeout", s.timeouts.load()},
                            {"other", s.other_errors.load()},
                            {"http", s.http_errors()}}},
                          {"status_codes", codes}};
  };
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.stats().steps()) steps.push_back(step(*s));
  return nlohmann::json{{"target", r.options().target},
                        {"model", r.options().rate > 0 ? "open" : "closed"},
                        {"duration_seconds", secs},
                        {"steps", steps},
                        {"total", step(r.stats().total())}}
      .dump(2);
}

}  // namespace vigie::load
