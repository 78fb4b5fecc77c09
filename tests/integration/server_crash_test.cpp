// `kill -9` of `vigie server` in the middle of heavy ingestion, then a restart on the same data
// directory (issue 4, reliability). The test process serves the targets itself: 10 targets x
// 1 000 series scraped every 200 ms (50 000 samples/s). Series k of a target exposes
// tick * (k + 1), where tick counts the requests that target has answered, so every stored value
// tells which scrape it came from.
//
// What is guaranteed (tsdb/db.h): Commit() returns once the samples are in the WAL file
// (write(2)), and samples become visible to queries only after their Commit(); the kernel keeps
// what was written when the process dies, so every sample a query returned before the kill is
// acknowledged and must survive it. (The periodic fsync only matters for a machine crash, which
// this test does not simulate.) Samples of a commit that was being written at the kill may be
// lost, in whole or for part of the scrape's series; none may come back wrong or twice.
//
// Each cycle: start the server scraping, wait until it ingests, query it repeatedly while it
// ingests (raw samples of one family on every target, plus a sample count per target over all
// series), SIGKILL it right after the last answer, restart it without scrape targets and check:
// no error in its log, every sample seen before the kill still there with the same value and
// the count per target not smaller, and across all series strictly increasing timestamps (no
// duplicates, no disorder), values that decode to one tick per target and timestamp, ticks
// increasing with time. The verifying server is killed too, so no cycle ever shuts down
// cleanly.
#include <gmock/gmock.h>
#include <signal.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "net/http_server.h"
#include "server_test_fixture.h"

namespace vigie::testing {
namespace {

constexpr int kTargets = 10;
constexpr int kFamilies = 10;
constexpr int kSeriesPerFamily = 100;
constexpr int kCycles = 3;
// Families crash_f<F>_total; series k (0..999) = F * 100 + i carries the label series="k".
constexpr char kAllSeries[] = "{__name__=~\"crash_f.*\"}";
constexpr char kSnapshotSeries[] = "crash_f0_total";

// One sample as stored: timestamp in ms, value.
using Samples = std::map<int64_t, double>;
// Raw samples by series identity "instance/name/series".
using SeriesSamples = std::map<std::string, Samples>;

class ServerCrashTest : public ServerFixture {
 protected:
  void SetUp() override { StartTargets(); }
  void TearDown() override {
    if (vigie_ && vigie_->Running()) vigie_->Kill9();
    for (auto& t : targets_) t->Shutdown(std::chrono::milliseconds(500));
  }

  // Every target: its own HTTP server on an ephemeral loopback port.
  void StartTargets() {
    for (int t = 0; t < kTargets; ++t) {
      net::ServerOptions o;
      o.listen_addresses = {"127.0.0.1:0"};
      o.threads = 1;
      auto s = net::HttpServer::Open(o);
      ASSERT_TRUE(s.ok()) << s.error().message();
      ticks_.push_back(std::make_unique<std::atomic<uint64_t>>(0));
      auto* tick = ticks_.back().get();
      (*s)->router().Get("/metrics", [tick](const net::Request&, net::Response& res) {
        res.Set(200, Exposition(++*tick), "text/plain; version=0.0.4; charset=utf-8");
      });
      ASSERT_TRUE((*s)->Start().ok());
      target_ports_.push_back((*s)->port());
      targets_.push_back(std::move(*s));
    }
  }

  static std::string Exposition(uint64_t tick) {
    std::string out;
    out.reserve(kFamilies * kSeriesPerFamily * 48);
    for (int f = 0; f < kFamilies; ++f) {
      const std::string name = "crash_f" + std::to_string(f) + "_total";
      out += "# TYPE " + name + " counter\n";
      for (int i = 0; i < kSeriesPerFamily; ++i) {
        const int k = f * kSeriesPerFamily + i;
        out += name + "{series=\"" + std::to_string(k) + "\"} " +
               std::to_string(tick * static_cast<uint64_t>(k + 1)) + "\n";
      }
    }
    return out;
  }

  std::string ScrapeConfig() const {
    std::string targets;
    for (size_t t = 0; t < target_ports_.size(); ++t) {
      targets +=
          (t ? ", " : "") + std::string("'127.0.0.1:") + std::to_string(target_ports_[t]) + "'";
    }
    return "global:\n"
           "  scrape_interval: 200ms\n"
           "  scrape_timeout: 200ms\n"
           "scrape_configs:\n"
           "  - job_name: crash\n"
           "    static_configs:\n"
           "      - targets: [" +
           targets + "]\n";
  }
  static std::string NoScrapeConfig() { return "global:\n  scrape_interval: 200ms\n"; }

  static std::string TimeParam(int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    return buf;
  }

  // An instant query at `at_ms`; nullopt when the server did not answer with success (it may be
  // busy or, after the kill, gone).
  std::optional<nlohmann::json> Query(const std::string& q, int64_t at_ms) {
    auto r = client_.Get(Url(
        vigie_port_, "/api/v1/query?query=" + net::PercentEncode(q) + "&time=" + TimeParam(at_ms)));
    if (!r.ok() || r->status != 200) return std::nullopt;
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded() || j.value("status", "") != "success") return std::nullopt;
    return j;
  }

  // Raw samples of a range-vector query result.
  static SeriesSamples RawSamples(const nlohmann::json& j) {
    SeriesSamples out;
    for (const auto& s : j["data"]["result"]) {
      const auto& m = s["metric"];
      const std::string key =
          m.value("instance", "") + "/" + m.value("__name__", "") + "/" + m.value("series", "");
      Samples& samples = out[key];
      int64_t prev = std::numeric_limits<int64_t>::min();
      for (const auto& v : s["values"]) {
        const int64_t ts = std::llround(v[0].get<double>() * 1000);
        // The API returns a series' samples in the order the storage holds them.
        EXPECT_GT(ts, prev) << key << ": duplicate or out-of-order timestamp " << ts;
        prev = ts;
        samples[ts] = std::stod(v[1].get<std::string>());
      }
    }
    return out;
  }

  // Sample count per instance over every crash_f* series.
  std::optional<std::map<std::string, double>> CountsPerTarget(int64_t at_ms) {
    auto j =
        Query(std::string("sum by (instance) (count_over_time(") + kAllSeries + "[1h]))", at_ms);
    if (!j) return std::nullopt;
    std::map<std::string, double> out;
    for (const auto& s : (*j)["data"]["result"]) {
      out[s["metric"].value("instance", "")] = std::stod(s["value"][1].get<std::string>());
    }
    return out;
  }

  // What a server that ingests has acknowledged: the last answers before the kill.
  struct Acknowledged {
    int64_t at_ms = 0;
    SeriesSamples snapshot;                // raw samples of kSnapshotSeries
    std::map<std::string, double> counts;  // per instance, every series
    int64_t counts_at_ms = 0;
  };

  static int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Starts the server scraping, lets it ingest, queries it while it does, kills it right after
  // the last answer. Returns what it had acknowledged by then.
  Acknowledged IngestAndKill(std::mt19937& rng, size_t samples_before) {
    StartVigie(ScrapeConfig());
    if (HasFatalFailure()) return {};
    // Ingesting: the snapshot family grew past what the previous cycles stored.
    const bool ingesting = WaitUntil(
        [&] {
          auto j = Query(std::string(kSnapshotSeries) + "[1h]", NowMs());
          if (!j) return false;
          size_t n = 0;
          for (const auto& [k, s] : RawSamples(*j)) n += s.size();
          return n > samples_before + static_cast<size_t>(kTargets * kSeriesPerFamily * 3);
        },
        60000);
    EXPECT_TRUE(ingesting) << vigie_->Log();
    Acknowledged ack;
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(1500 + rng() % 2000);
    while (std::chrono::steady_clock::now() < until) {
      const int64_t at = NowMs();
      if (auto c = CountsPerTarget(at)) {
        ack.counts = std::move(*c);
        ack.counts_at_ms = at;
      }
      const int64_t at2 = NowMs();
      if (auto j = Query(std::string(kSnapshotSeries) + "[1h]", at2)) {
        ack.snapshot = RawSamples(*j);
        ack.at_ms = at2;
      }
    }
    vigie_->Kill9();
    EXPECT_FALSE(vigie_->Running());
    return ack;
  }

  // Restarts the server on the same data without scrape targets; true once it is ready.
  void RestartWithoutScraping() {
    // A new log per start, so the check below sees only this start.
    std::rename(dir_.Join("vigie.log").c_str(),
                dir_.Join("vigie.log." + std::to_string(++restarts_)).c_str());
    StartVigie(NoScrapeConfig());
  }

  std::vector<std::unique_ptr<net::HttpServer>> targets_;
  std::vector<std::unique_ptr<std::atomic<uint64_t>>> ticks_;
  std::vector<int> target_ports_;
  int restarts_ = 0;
};

// Lines of a logfmt log at level error.
std::vector<std::string> ErrorLines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("level=error") != std::string::npos) out.push_back(line);
  }
  return out;
}

TEST_F(ServerCrashTest, Kill9DuringIngestionKeepsAcknowledgedSamples) {
  vigie_port_ = FreeTcpPort();
  std::mt19937 rng(20240401);
  SeriesSamples acknowledged;  // every acknowledged snapshot sample, over all cycles
  size_t acknowledged_count = 0;
  for (int cycle = 1; cycle <= kCycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    Acknowledged ack = IngestAndKill(rng, acknowledged_count);
    if (HasFatalFailure()) return;
    ASSERT_GT(ack.at_ms, 0) << "no query answered while ingesting";
    ASSERT_EQ(ack.counts.size(), static_cast<size_t>(kTargets));
    for (const auto& [key, samples] : ack.snapshot) {
      for (const auto& [ts, v] : samples) acknowledged[key][ts] = v;
    }
    acknowledged_count = 0;
    for (const auto& [key, samples] : acknowledged) acknowledged_count += samples.size();

    RestartWithoutScraping();
    if (HasFatalFailure()) return;
    EXPECT_THAT(ErrorLines(vigie_->Log()), ::testing::IsEmpty()) << vigie_->Log();

    // Every acknowledged sample is there, with its value; every count did not shrink.
    auto snap = Query(std::string(kSnapshotSeries) + "[1h]", ack.at_ms);
    ASSERT_TRUE(snap.has_value());
    const SeriesSamples after = RawSamples(*snap);
    size_t missing = 0, changed = 0;
    for (const auto& [key, samples] : acknowledged) {
      auto it = after.find(key);
      for (const auto& [ts, v] : samples) {
        if (it == after.end() || !it->second.count(ts)) {
          if (++missing <= 5) ADD_FAILURE() << key << " lost its acknowledged sample at " << ts;
        } else if (it->second.at(ts) != v) {
          if (++changed <= 5) {
            ADD_FAILURE() << key << " at " << ts << ": " << it->second.at(ts) << ", was " << v;
          }
        }
      }
    }
    EXPECT_EQ(missing, 0u) << "of " << acknowledged_count << " acknowledged samples";
    EXPECT_EQ(changed, 0u);
    auto counts = CountsPerTarget(ack.counts_at_ms);
    ASSERT_TRUE(counts.has_value());
    for (const auto& [instance, n] : ack.counts) {
      EXPECT_GE((*counts)[instance], n) << instance << ": samples lost";
    }

    // Every series: strictly increasing timestamps (checked by RawSamples), values that decode
    // to a whole tick, one tick per target and scrape timestamp, ticks growing with time.
    auto all = Query(std::string(kAllSeries) + "[1h]", NowMs());
    ASSERT_TRUE(all.has_value());
    const SeriesSamples every = RawSamples(*all);
    EXPECT_EQ(every.size(), static_cast<size_t>(kTargets * kFamilies * kSeriesPerFamily));
    std::map<std::string, std::map<int64_t, double>> tick_at;  // instance -> ts -> tick
    size_t bad = 0, total = 0;
    for (const auto& [key, samples] : every) {
      const std::string instance = key.substr(0, key.find('/'));
      const int k = std::stoi(key.substr(key.rfind('/') + 1));
      double prev_tick = 0;
      for (const auto& [ts, v] : samples) {
        ++total;
        const double tick = v / (k + 1);
        auto [it, inserted] = tick_at[instance].emplace(ts, tick);
        const bool ok = tick == std::floor(tick) && tick > prev_tick && it->second == tick;
        if (!ok && ++bad <= 5) {
          ADD_FAILURE() << key << " at " << ts << ": value " << v << " (tick " << tick
                        << ", previous " << prev_tick << ", other series " << it->second << ")";
        }
        prev_tick = tick;
      }
    }
    EXPECT_EQ(bad, 0u) << "of " << total << " samples";
    const std::string log = vigie_->Log();
    const size_t repaired = log.find("corruptions_repaired=");
    std::cout << "cycle " << cycle << ": " << acknowledged_count
              << " acknowledged snapshot samples all kept; " << total << " samples in "
              << every.size() << " series after restart; WAL corruptions repaired at start: "
              << (repaired == std::string::npos ? "?" : log.substr(repaired + 21, 1)) << "\n";
    if (std::getenv("VIGIE_TEST_VERBOSE")) std::cout << log;

    vigie_->Kill9();  // never a clean shutdown in between
  }
}

}  // namespace
}  // namespace vigie::testing
