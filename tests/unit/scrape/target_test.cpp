#include "scrape/target.h"

#include <gtest/gtest.h>

namespace vigie::scrape {
namespace {

ScrapeConfig Job() {
  ScrapeConfig c;
  c.job_name = "node";
  c.scrape_interval = 15000;
  c.scrape_timeout = 10000;
  return c;
}

TEST(PopulateLabelsTest, DefaultsAndCleanup) {
  auto r = PopulateLabels(Labels{{"__address__", "10.0.0.1:9100"}, {"__meta_x", "y"}, {"env", "p"}},
                          Job());
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_TRUE(r->has_value());
  const Labels& l = **r;
  EXPECT_EQ(l.Get("job"), "node");
  EXPECT_EQ(l.Get("instance"), "10.0.0.1:9100");
  EXPECT_EQ(l.Get("__scheme__"), "http");
  EXPECT_EQ(l.Get("__metrics_path__"), "/metrics");
  EXPECT_EQ(l.Get("__scrape_interval__"), "15s");
  EXPECT_EQ(l.Get("__scrape_timeout__"), "10s");
  EXPECT_EQ(l.Get("env"), "p");
  EXPECT_FALSE(l.Has("__meta_x"));

  Target t(l, {}, {});
  EXPECT_EQ(t.url(), "http://10.0.0.1:9100/metrics");
  EXPECT_EQ(t.public_labels().ToString(), "{env=\"p\", instance=\"10.0.0.1:9100\", job=\"node\"}");
  EXPECT_EQ(t.interval(), 15000);
  EXPECT_EQ(t.timeout(), 10000);
}

TEST(PopulateLabelsTest, DefaultPortAndParams) {
  ScrapeConfig c = Job();
  c.params = {{"module", {"http_2xx", "ignored"}}, {"target", {"a b"}}};
  auto r = PopulateLabels(Labels{{"__address__", "example"}}, c);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->Get("__address__"), "example:80");
  EXPECT_EQ((*r)->Get("instance"), "example:80");
  EXPECT_EQ((*r)->Get("__param_module"), "http_2xx");
  Target t(**r, {}, c.params);
  // A __param_ label replaces the first value of its parameter; the URL is escaped as Go's
  // url.Values.Encode (what Prometheus shows as scrapeUrl).
  EXPECT_EQ(t.url(), "http://example:80/metrics?module=http_2xx&module=ignored&target=a+b");
  LabelsBuilder relabelled(**r);
  relabelled.Set("__param_module", "tcp");
  relabelled.Set("__param_extra", "1/2");
  Target t2(relabelled.Build(), {}, c.params);
  EXPECT_EQ(t2.url(), "http://example:80/metrics?extra=1%2F2&module=tcp&module=ignored&target=a+b");

  auto v6 = PopulateLabels(Labels{{"__address__", "[::1]"}}, Job());
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ((*v6)->Get("__address__"), "[::1]:80");
}

// What Prometheus 2.42 shows as discoveredLabels: the discovered labels with the defaults
// (job, __scheme__, __metrics_path__, __scrape_interval__, __scrape_timeout__ where unset) and
// the config's params as __param_<name> (first value; they win over discovered ones), before
// relabelling, __meta_* kept. Checked against /usr/bin/prometheus by
// integration.ServerTargetsTest.DiscoveredLabelsMatchPrometheus.
TEST(PopulateLabelsTest, PreRelabelLabelsCarryTheDefaults) {
  ScrapeConfig c = Job();
  c.params = {{"module", {"foo", "bar"}}};
  RelabelConfig drop;
  drop.source_labels = {"__meta_role"};
  drop.regex = *RelabelRegex::Compile("manager");
  drop.action = RelabelAction::kDrop;
  c.relabel_configs = {drop};
  Labels pre;
  auto r = PopulateLabels(Labels{{"__address__", "a"},
                                 {"__meta_role", "worker"},
                                 {"__metrics_path__", "/p"},
                                 {"__param_module", "from_sd"},
                                 {"job", "sd"}},
                          c, &pre);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ(pre.ToString(),
            "{__address__=\"a\", __meta_role=\"worker\", __metrics_path__=\"/p\", "
            "__param_module=\"foo\", __scheme__=\"http\", __scrape_interval__=\"15s\", "
            "__scrape_timeout__=\"10s\", job=\"sd\"}");
  // A dropped target keeps them too.
  auto dropped =
      PopulateLabels(Labels{{"__address__", "b:1"}, {"__meta_role", "manager"}}, c, &pre);
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(dropped->has_value());
  EXPECT_EQ(pre.Get("job"), "node");
  EXPECT_EQ(pre.Get("__address__"), "b:1");
  EXPECT_EQ(pre.Get("__metrics_path__"), "/metrics");
}

TEST(PopulateLabelsTest, RelabelCanDropOrOverride) {
  ScrapeConfig c = Job();
  RelabelConfig keep;
  keep.source_labels = {"__meta_role"};
  keep.regex = *RelabelRegex::Compile("worker");
  keep.action = RelabelAction::kKeep;
  RelabelConfig path;
  path.target_label = "__metrics_path__";
  path.replacement = "/probe";
  RelabelConfig iv;
  iv.target_label = "__scrape_interval__";
  iv.replacement = "30s";
  c.relabel_configs = {keep, path, iv};
  auto dropped = PopulateLabels(Labels{{"__address__", "a:1"}, {"__meta_role", "manager"}}, c);
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(dropped->has_value());
  auto kept = PopulateLabels(Labels{{"__address__", "a:1"}, {"__meta_role", "worker"}}, c);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  Target t(**kept, {}, {});
  EXPECT_EQ(t.url(), "http://a:1/probe");
  EXPECT_EQ(t.interval(), 30000);
}

TEST(PopulateLabelsTest, Errors) {
  ScrapeConfig c = Job();
  EXPECT_EQ(PopulateLabels(Labels{{"env", "x"}}, c).error().message(), "no address");
  EXPECT_EQ(PopulateLabels(Labels{{"__address__", "http://a:1/m"}}, c).error().message(),
            "\"http://a:1/m\" is not a valid hostname");
  auto bad = PopulateLabels(Labels{{"__address__", "a:1"}, {"__scrape_timeout__", "20s"}}, c);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(),
            "scrape timeout cannot be greater than scrape interval (\"20s\" > \"15s\")");
  EXPECT_FALSE(
      PopulateLabels(Labels{{"__address__", "a:1"}, {"__scrape_interval__", "x"}}, c).ok());
}

TEST(TargetTest, OffsetIsStableAndWithinInterval) {
  auto l = PopulateLabels(Labels{{"__address__", "a:1"}}, Job());
  Target t(**l, {}, {});
  const int64_t interval_ns = 15000LL * 1000000;
  const int64_t now = 1'700'000'000'000'000'000LL;
  const int64_t off = t.OffsetNs(now, 42);
  EXPECT_GT(off, 0);
  EXPECT_LE(off, interval_ns);
  // The phase (absolute time of the next scrape modulo the interval) does not depend on now.
  EXPECT_EQ((now + off) % interval_ns, (now + 12345 + t.OffsetNs(now + 12345, 42)) % interval_ns);
  // Another seed, another phase (almost surely).
  EXPECT_NE((now + off) % interval_ns, (now + t.OffsetNs(now, 43)) % interval_ns);
}

TEST(TargetTest, StateReport) {
  auto l = PopulateLabels(Labels{{"__address__", "a:1"}}, Job());
  Target t(**l, Labels{{"__address__", "a:1"}}, {});
  EXPECT_EQ(t.health(), TargetHealth::kUnknown);
  t.Report(1234, 0.5, 10, Timeout("timed out"));
  auto s = t.State("node");
  EXPECT_EQ(s.health, TargetHealth::kDown);
  EXPECT_EQ(s.last_error, "timed out");
  EXPECT_EQ(s.last_scrape_ms, 1234);
  EXPECT_EQ(s.scrape_pool, "node");
  EXPECT_EQ(TargetHealthName(s.health), "down");
  EXPECT_EQ(s.discovered_labels.Get("__address__"), "a:1");
}

TEST(GoDurationStringTest, MatchesGo) {
  EXPECT_EQ(GoDurationString(15000), "15s");
  EXPECT_EQ(GoDurationString(60000), "1m0s");
  EXPECT_EQ(GoDurationString(90000), "1m30s");
  EXPECT_EQ(GoDurationString(100), "100ms");
  EXPECT_EQ(GoDurationString(1500), "1.5s");
  EXPECT_EQ(GoDurationString(3600000), "1h0m0s");
  EXPECT_EQ(GoDurationString(0), "0s");
}

}  // namespace
}  // namespace vigie::scrape
