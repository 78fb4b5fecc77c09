// The data set of the PromQL differential test, as an OpenMetrics text both Prometheus
// (promtool tsdb create-blocks-from openmetrics) and vigie (vigie tsdb import openmetrics) load.
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "promql_differential.h"

namespace vigie::testing::promql_diff {

namespace {

// splitmix64: small, deterministic, good enough for test data.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }

 private:
  uint64_t s_;
};

std::string Num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

constexpr int kSamples = static_cast<int>(kDurationMs / kStepMs) + 1;

std::string Ts(int i) { return std::to_string((kStartMs + i * kStepMs) / 1000); }

// Writes one series: `value(i)` gives the sample at step i, or nothing for a gap.
void Series(std::string* out, const std::string& name_and_labels,
            const std::function<std::optional<double>(int)>& value) {
  for (int i = 0; i < kSamples; ++i) {
    auto v = value(i);
    if (!v) continue;
    *out += name_and_labels + " " + Num(*v) + " " + Ts(i) + "\n";
  }
}

constexpr int kMin = 4;  // samples per minute

}  // namespace

std::string GenerateOpenMetrics() {
  std::string out;
  Rng rng(42);
  const char* jobs[] = {"api", "web", "db"};
  const char* methods[] = {"get", "post"};
  const char* statuses[] = {"200", "500"};

  out += "# HELP http_requests Requests served.\n# TYPE http_requests counter\n";
  for (const char* job : jobs) {
    for (int inst = 0; inst < 3; ++inst) {
      for (const char* method : methods) {
        for (const char* status : statuses) {
          std::string key =
              std::string(job) + "/" + std::to_string(inst) + "/" + method + "/" + status;
          const double base = (1 + rng.Uniform() * 9) * (std::string(status) == "500" ? 0.1 : 1);
          Rng noise(rng.Next());
          double value = rng.Uniform() * 1000;
          std::vector<double> values(kSamples);
          for (int i = 0; i < kSamples; ++i) {
            value += base * 15 * (0.5 + noise.Uniform());
            // A counter reset at 1h10m for api/1/post.
            if (key.rfind("api/1/post/", 0) == 0 && i == 70 * kMin) value = noise.Uniform() * 3;
            values[i] = value;
          }
          std::string series = std::string("http_requests_total{job=\"") + job + "\",instance=\"" +
                               std::to_string(inst) + "\",method=\"" + method + "\",status=\"" +
                               status + "\"}";
          Series(&out, series, [&](int i) -> std::optional<double> {
            if (key == "db/2/get/200" && i >= 60 * kMin && i < 63 * kMin) return std::nullopt;
            if (key == "web/0/post/500" && i >= 120 * kMin && i < 140 * kMin) return std::nullopt;
            if (key == "web/2/post/200" && i < 40 * kMin) return std::nullopt;
            if (std::string(job) == "db" && inst == 1 && i > 150 * kMin) return std::nullopt;
            return values[i];
          });
        }
      }
    }
  }

  out += "# HELP node_memory_free_bytes Free memory.\n# TYPE node_memory_free_bytes gauge\n";
  for (const char* job : jobs) {
    for (int inst = 0; inst < 3; ++inst) {
      double v = 2e9 + rng.Uniform() * 6e9;
      Rng walk(rng.Next());
      std::vector<double> values(kSamples);
      for (int i = 0; i < kSamples; ++i) {
        v += (walk.Uniform() - 0.5) * 5e7;
        values[i] = v;
      }
      Series(&out,
             std::string("node_memory_free_bytes{job=\"") + job + "\",instance=\"" +
                 std::to_string(inst) + "\"}",
             [&](int i) -> std::optional<double> { return values[i]; });
    }
  }

  out += "# HELP temperature_celsius Room temperature.\n# TYPE temperature_celsius gauge\n";
  const char* rooms[] = {"a", "b", "c", "d"};
  for (int r = 0; r < 4; ++r) {
    Rng walk(rng.Next());
    double v = r == 3 ? 0 : 18 + 2 * r;
    std::vector<double> values(kSamples);
    for (int i = 0; i < kSamples; ++i) {
      v += (walk.Uniform() - 0.5) * (r == 3 ? 2 : 0.5);
      values[i] = std::round(v * 100) / 100;
    }
    Series(&out, std::string("temperature_celsius{room=\"") + rooms[r] + "\"}",
           [&](int i) -> std::optional<double> {
             if (r == 2 && i % 40 == 17) return std::nan("");
             return values[i];
           });
  }

  out += "# HELP up Whether the target is up.\n# TYPE up gauge\n";
  for (const char* job : jobs) {
    for (int inst = 0; inst < 3; ++inst) {
      Rng flips(rng.Next());
      Series(&out, std::string("up{job=\"") + job + "\",instance=\"" + std::to_string(inst) + "\"}",
             [&](int i) -> std::optional<double> {
               return (inst == 2 && (i / 20) % 7 == 3) || flips.Uniform() < 0.02 ? 0 : 1;
             });
    }
  }

  out += "# HELP build_info Build information.\n# TYPE build_info gauge\n";
  for (const char* job : jobs) {
    Series(&out,
           std::string("build_info{job=\"") + job + "\",version=\"" +
               (std::string(job) == "db" ? "2.0" : "1.4") + "\"}",
           [](int) -> std::optional<double> { return 1; });
  }

  out +=
      "# HELP request_duration_seconds Request latency.\n"
      "# TYPE request_duration_seconds histogram\n";
  const double bounds[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5};
  for (const char* job : jobs) {
    for (int inst = 0; inst < 2; ++inst) {
      Rng obs(rng.Next());
      const double scale = 0.05 + rng.Uniform() * (std::string(job) == "db" ? 1.5 : 0.4);
      std::vector<double> counts(7, 0);
      double sum = 0;
      std::string labels =
          std::string("job=\"") + job + "\",instance=\"" + std::to_string(inst) + "\"";
      for (int i = 0; i < kSamples; ++i) {
        int n = 5 + static_cast<int>(obs.Uniform() * 20);
        for (int k = 0; k < n; ++k) {
          double x = -scale * std::log(1 - obs.Uniform());
          sum += x;
          for (int b = 0; b < 6; ++b) {
            if (x <= bounds[b]) counts[b] += 1;
          }
          counts[6] += 1;
        }
        for (int b = 0; b < 7; ++b) {
          out += "request_duration_seconds_bucket{" + labels + ",le=\"" +
                 (b == 6 ? std::string("+Inf") : Num(bounds[b])) + "\"} " + Num(counts[b]) + " " +
                 Ts(i) + "\n";
        }
        out +=
            "request_duration_seconds_count{" + labels + "} " + Num(counts[6]) + " " + Ts(i) + "\n";
        out += "request_duration_seconds_sum{" + labels + "} " + Num(sum) + " " + Ts(i) + "\n";
      }
    }
  }
  out += "# EOF\n";
  return out;
}

}  // namespace vigie::testing::promql_diff
