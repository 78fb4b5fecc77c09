// The dockerd relay: which families of dockerd's exposition it passes on (a capture of a real
// dockerd 20.10's metrics socket under tests/testdata/dockerd), that their samples are those of
// the exposition, and the collector over a real unix-socket HTTP server (the real engine's
// socket is exercised by tests/swarm).
#include "collect/engine/dockerd_relay.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "collect/engine/engine_collector.h"
#include "expfmt/parser.h"
#include "expfmt/writer.h"
#include "lib/temp_dir.h"
#include "net/http_server.h"

namespace vigie::collect {
namespace {

using expfmt::Format;
using expfmt::MetricFamily;
using expfmt::MetricType;
using Skip = std::set<std::string, std::less<>>;

std::string Fixture() {
  std::ifstream f(std::string(VIGIE_TESTDATA_DIR) + "/dockerd/metrics-20.10.txt");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::map<std::string, MetricFamily> ByName(std::vector<MetricFamily> fams) {
  std::map<std::string, MetricFamily> out;
  for (auto& f : fams) {
    EXPECT_TRUE(expfmt::ExpandEncodedSamples(&f).ok()) << f.name;
    std::string name = f.name;
    EXPECT_TRUE(out.emplace(name, std::move(f)).second) << "family twice: " << name;
  }
  return out;
}

// The relayed families as the agent writes them, in each format, read back: how many samples.
size_t SamplesReadBack(const std::vector<MetricFamily>& fams, Format f) {
  auto back = expfmt::ParseAll(expfmt::WriteAll(fams, f), f);
  EXPECT_TRUE(back.ok()) << back.error().message();
  size_t n = 0;
  if (back.ok()) {
    for (const auto& fam : *back) n += fam.samples.size();
  }
  return n;
}

TEST(DockerdRelay, RelaysTheEngineFamiliesOnly) {
  std::string text = Fixture();
  ASSERT_FALSE(text.empty());
  auto relayed = RelayedDockerdFamilies(text, Format::kText004, {});
  ASSERT_TRUE(relayed.ok()) << relayed.error().message();
  auto fams = ByName(std::move(*relayed));
  for (const auto& [name, f] : fams) {
    EXPECT_TRUE(name.starts_with("engine_daemon_") || name.starts_with("swarm_") ||
                name.starts_with("builder_") || name.starts_with("logger_") ||
                name.starts_with("etcd_"))
        << name;
  }
  // What the SwarmProm dashboards and dockerd-exporter users read.
  for (const char* name :
       {"engine_daemon_container_actions_seconds", "engine_daemon_network_actions_seconds",
        "engine_daemon_health_checks_total", "engine_daemon_health_checks_failed_total",
        "engine_daemon_events_total", "engine_daemon_engine_info",
        "swarm_dispatcher_scheduling_delay_seconds", "swarm_manager_tasks_total"}) {
    EXPECT_TRUE(fams.contains(name)) << name;
  }
  EXPECT_EQ(fams["engine_daemon_container_actions_seconds"].type, MetricType::kHistogram);
  EXPECT_EQ(fams["engine_daemon_health_checks_total"].type, MetricType::kCounter);
  EXPECT_FALSE(fams["engine_daemon_health_checks_total"].help.empty());
  // The dockerd process's own families would clash with the agent's.
  EXPECT_FALSE(fams.contains("process_cpu_seconds_total"));
  EXPECT_FALSE(fams.contains("go_goroutines"));
  EXPECT_FALSE(fams.contains("promhttp_metric_handler_requests_total"));
}

TEST(DockerdRelay, SamplesAreThoseOfTheExposition) {
  std::string text = Fixture();
  auto all = expfmt::ParseAll(text, Format::kText004);
  ASSERT_TRUE(all.ok()) << all.error().message();
  auto relayed = RelayedDockerdFamilies(text, Format::kText004, {});
  ASSERT_TRUE(relayed.ok());
  auto fams = ByName(std::move(*relayed));
  size_t compared = 0;
  for (const auto& want : *all) {
    auto it = fams.find(want.name);
    if (it == fams.end()) continue;
    const MetricFamily& got = it->second;
    EXPECT_EQ(got.type, want.type) << want.name;
    EXPECT_EQ(got.help, want.help) << want.name;
    ASSERT_EQ(got.samples.size(), want.samples.size()) << want.name;
    for (size_t i = 0; i < want.samples.size(); ++i) {
      EXPECT_EQ(got.samples[i].labels, want.samples[i].labels) << want.name;
      EXPECT_EQ(got.samples[i].value, want.samples[i].value) << want.samples[i].labels.ToString();
      ++compared;
    }
  }
  EXPECT_GT(compared, 300u);  // the capture's histograms, counters and gauges
}

TEST(DockerdRelay, SkipLeavesOutFamiliesGivenElsewhere) {
  Skip skip;
  for (auto name : EngineFamilyNames()) skip.emplace(name);
  auto relayed = RelayedDockerdFamilies(Fixture(), Format::kText004, skip);
  ASSERT_TRUE(relayed.ok());
  auto fams = ByName(std::move(*relayed));
  EXPECT_FALSE(fams.contains("engine_daemon_engine_info"));
  EXPECT_FALSE(fams.contains("engine_daemon_container_states_containers"));
  EXPECT_FALSE(fams.contains("swarm_manager_nodes"));
  EXPECT_TRUE(fams.contains("engine_daemon_container_actions_seconds"));
}

TEST(DockerdRelay, EscapedAndEmptyLabelValues) {
  std::string text =
      "# TYPE engine_daemon_x gauge\n"
      "engine_daemon_x{a=\"q\\\"uote\",b=\"back\\\\slash\",c=\"line\\nbreak\",d=\"\",e=\"plain "
      "text\"} 1.5\n"
      "engine_daemon_x 2 1700000000000\n"
      "engine_daemon_x{raw=\"two\nlines\"} 3\n";  // 0.0.4 lets a raw line break through
  auto relayed = RelayedDockerdFamilies(text, Format::kText004, {});
  ASSERT_TRUE(relayed.ok()) << relayed.error().message();
  auto fams = ByName(std::move(*relayed));
  const auto& s = fams["engine_daemon_x"].samples;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].labels.Get("a"), "q\"uote");
  EXPECT_EQ(s[0].labels.Get("b"), "back\\slash");
  EXPECT_EQ(s[0].labels.Get("c"), "line\nbreak");
  EXPECT_FALSE(s[0].labels.Has("d"));
  EXPECT_EQ(s[0].labels.Get("e"), "plain text");
  EXPECT_EQ(s[0].value, 1.5);
  EXPECT_EQ(s[1].value, 2);
  EXPECT_FALSE(s[1].timestamp_ms.has_value());  // as of the agent's scrape
  EXPECT_EQ(s[2].labels.Get("raw"), "two\nlines");
  // Relayed in both formats as valid exposition (the line break escaped).
  auto again = RelayedDockerdFamilies(text, Format::kText004, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(SamplesReadBack(*again, Format::kText004), 3u);
  EXPECT_EQ(SamplesReadBack(*again, Format::kOpenMetrics1), 3u);
}

TEST(DockerdRelay, RepeatedFamilyKeepsItsFirstBlock) {
  std::string text =
      "# TYPE engine_daemon_a_total counter\nengine_daemon_a_total 1\n"
      "# TYPE engine_daemon_b gauge\nengine_daemon_b 2\n"
      "# TYPE engine_daemon_a_total counter\nengine_daemon_a_total 3\n";
  auto relayed = RelayedDockerdFamilies(text, Format::kText004, {});
  ASSERT_TRUE(relayed.ok()) << relayed.error().message();
  auto fams = ByName(std::move(*relayed));
  ASSERT_EQ(fams.size(), 2u);
  ASSERT_EQ(fams["engine_daemon_a_total"].samples.size(), 1u);
  EXPECT_EQ(fams["engine_daemon_a_total"].samples[0].value, 1);
}

TEST(DockerdRelay, FamiliesOneNameInBothFormats) {
  // Help for "x" then a counter "x_total": one family in OpenMetrics, where the counter is "x";
  // the help-only block has no samples and is not relayed.
  std::string text =
      "# HELP engine_daemon_x Help alone.\n"
      "# TYPE engine_daemon_x_total counter\nengine_daemon_x_total 1\n"
      "# TYPE engine_daemon_x gauge\nengine_daemon_x 2\n";
  auto relayed = RelayedDockerdFamilies(text, Format::kText004, {});
  ASSERT_TRUE(relayed.ok()) << relayed.error().message();
  ASSERT_EQ(relayed->size(), 1u);
  EXPECT_EQ(relayed->front().name, "engine_daemon_x_total");
  EXPECT_EQ(SamplesReadBack(*relayed, Format::kText004), 1u);
  EXPECT_EQ(SamplesReadBack(*relayed, Format::kOpenMetrics1), 1u);
  // A 0.0.4 counter "y_total" may hold samples "y_total_total" and "y_total": the counter keeps
  // "y_total", the other name becomes an untyped family of its own, and no sample is lost.
  std::string mixed =
      "# TYPE engine_daemon_y_total counter\n"
      "engine_daemon_y_total_total{a=\"1\"} 1\nengine_daemon_y_total{a=\"2\"} 2\n"
      "engine_daemon_y_total_total{a=\"3\"} 3\n";
  auto split = RelayedDockerdFamilies(mixed, Format::kText004, {});
  ASSERT_TRUE(split.ok()) << split.error().message();
  ASSERT_EQ(split->size(), 2u);
  EXPECT_EQ((*split)[0].type, MetricType::kCounter);
  EXPECT_EQ((*split)[1].name, "engine_daemon_y_total_total");
  EXPECT_EQ((*split)[1].type, MetricType::kUnknown);
  EXPECT_EQ(SamplesReadBack(*split, Format::kText004), 3u);
  EXPECT_EQ(SamplesReadBack(*split, Format::kOpenMetrics1), 3u);
  // A skipped name also holds for the counter OpenMetrics would give that name.
  auto skipped = RelayedDockerdFamilies(text, Format::kText004, {"engine_daemon_x"});
  ASSERT_TRUE(skipped.ok());
  EXPECT_TRUE(skipped->empty());
}

TEST(DockerdRelay, MalformedExpositionIsAnErrorNamingTheLine) {
  std::string text = "# TYPE engine_daemon_a gauge\nengine_daemon_a 1\nengine_daemon_a{x=\"1\" 2\n";
  auto relayed = RelayedDockerdFamilies(text, Format::kText004, {});
  ASSERT_FALSE(relayed.ok());
  EXPECT_NE(relayed.error().message().find("line 3"), std::string::npos)
      << relayed.error().message();
}

TEST(DockerdRelay, OtherFamiliesAreNotReadAndLinesStillCount) {
  // A manager's dockerd serves a thousand gRPC series the relay does not pass on; they are
  // skipped unread (even a malformed one), and errors still name dockerd's line.
  std::string text =
      "# HELP grpc_server_handled_total \"Total\n"
      "grpc_server_handled_total{a=\"}{\\\"\nb\"} 1\n"
      "grpc_bad{ not even a sample\n"
      "# TYPE engine_daemon_a gauge\n"
      "engine_daemon_a 1\n";
  auto relayed = RelayedDockerdFamilies(text, Format::kText004, {});
  ASSERT_TRUE(relayed.ok()) << relayed.error().message();
  ASSERT_EQ(relayed->size(), 1u);
  EXPECT_EQ(relayed->front().name, "engine_daemon_a");
  auto bad = RelayedDockerdFamilies(text + "engine_daemon_a{x=\"1\" 2\n", Format::kText004, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("line 7"), std::string::npos) << bad.error().message();
}

TEST(DockerdRelay, WrittenInBothFormatsAndReadBack) {
  auto relayed = RelayedDockerdFamilies(Fixture(), Format::kText004, {});
  ASSERT_TRUE(relayed.ok());
  for (Format f : {Format::kText004, Format::kOpenMetrics1}) {
    std::string out = expfmt::WriteAll(*relayed, f);
    auto back = expfmt::ParseAll(out, f);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(back->size(), relayed->size());
  }
  std::string om = expfmt::WriteAll(*relayed, Format::kOpenMetrics1);
  EXPECT_NE(om.find("# TYPE engine_daemon_health_checks counter\n"), std::string::npos);
  EXPECT_NE(om.find("\nengine_daemon_health_checks_total "), std::string::npos);
}

// The collector against a real HTTP server on a unix socket serving the capture.
class DockerdRelayCollectorTest : public ::testing::Test {
 protected:
  void Serve(int status, std::string body) {
    net::ServerOptions o;
    o.listen_addresses = {"unix:" + socket_};
    auto srv = net::HttpServer::Open(o);
    ASSERT_TRUE(srv.ok()) << srv.error().message();
    server_ = std::move(*srv);
    server_->router().Handle("GET", "/metrics",
                             [status, body](const net::Request&, net::Response& r) {
                               r.Set(status, body, "text/plain; version=0.0.4; charset=utf-8");
                             });
    ASSERT_TRUE(server_->Start().ok());
  }
  testing::TempDir dir_;
  std::string socket_ = dir_.Join("metrics.sock");
  std::unique_ptr<net::HttpServer> server_;
};

TEST_F(DockerdRelayCollectorTest, RelaysWhatTheSocketServes) {
  Serve(200, Fixture());
  DockerdRelayOptions o;
  o.socket_path = socket_;
  auto c = NewDockerdRelayCollector(o);
  EXPECT_EQ(c->Name(), "dockerd");
  for (int scrape = 0; scrape < 2; ++scrape) {  // the second on the kept-alive connection
    std::vector<MetricFamily> out;
    Status st = c->Collect(&out);
    ASSERT_TRUE(st.ok()) << st.error().message();
    auto fams = ByName(std::move(out));
    ASSERT_TRUE(fams.contains("engine_daemon_container_actions_seconds"));
    EXPECT_EQ(fams["engine_daemon_events_total"].samples.at(0).value, 303);
  }
}

TEST_F(DockerdRelayCollectorTest, ErrorsNameTheSocket) {
  DockerdRelayOptions o;
  o.socket_path = socket_;
  o.timeout = std::chrono::seconds(2);
  auto c = NewDockerdRelayCollector(o);
  std::vector<MetricFamily> out;
  Status missing = c->Collect(&out);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find(socket_), std::string::npos);

  Serve(500, "boom");
  Status failed = c->Collect(&out);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message().find("HTTP status 500"), std::string::npos)
      << failed.error().message();
  EXPECT_TRUE(out.empty());
}

TEST_F(DockerdRelayCollectorTest, MalformedAnswerRelaysNothing) {
  Serve(200, "engine_daemon_ok 1\nengine_daemon_bad{ 2\n");
  DockerdRelayOptions o;
  o.socket_path = socket_;
  auto c = NewDockerdRelayCollector(o);
  std::vector<MetricFamily> out;
  Status st = c->Collect(&out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("dockerd metrics"), std::string::npos);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace vigie::collect
