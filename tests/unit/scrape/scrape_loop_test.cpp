#include "scrape/scrape_loop.h"

#include <gtest/gtest.h>

#include <deque>

#include "fake_storage.h"
#include "storage/value.h"

namespace vigie::scrape {
namespace {

using testing::FakeStorage;

// Serves queued responses (or errors) in order; the last one repeats.
class QueueScraper : public Scraper {
 public:
  void Push(std::string body, std::string content_type = "text/plain; version=0.0.4") {
    queue_.push_back(ScrapeResponse{ScrapeBody(body), std::move(content_type)});
  }
  void PushError(Error e) { queue_.push_back(std::move(e)); }
  // Replaces everything queued: `body` is served from now on.
  void Set(std::string body) {
    queue_.clear();
    Push(std::move(body));
  }
  Status Scrape(const Target&, const net::CancelSignal*, ScrapeResponse* out) override {
    if (queue_.empty()) return Unavailable("nothing queued");
    auto r = queue_.front();
    if (queue_.size() > 1) queue_.pop_front();
    if (!r.ok()) return r.error();
    *out = *r;
    return OkStatus();
  }

 private:
  std::deque<Result<ScrapeResponse>> queue_;
};

class ScrapeLoopTest : public ::testing::Test {
 protected:
  void Make(ScrapeConfig cfg = {}) {
    if (cfg.job_name.empty()) cfg.job_name = "job";
    cfg_ = std::make_shared<ScrapeConfig>(cfg);
    auto labels = PopulateLabels(Labels{{"__address__", "host:9100"}}, *cfg_);
    ASSERT_TRUE(labels.ok() && labels->has_value());
    target_ = std::make_shared<Target>(**labels, Labels{{"__address__", "host:9100"}}, cfg.params);
    loop_ = std::make_unique<ScrapeLoop>(target_, cfg_, scraper_, &storage_, &metrics_, 0, nullptr);
  }
  std::string Key(std::string_view name,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {}) {
    LabelsBuilder b(Labels{{"__name__", name}, {"job", "job"}, {"instance", "host:9100"}});
    for (auto [k, v] : extra) b.Set(k, v);
    return b.Build().ToString();
  }
  double Last(const std::string& key) {
    auto v = storage_.Last(key);
    EXPECT_TRUE(v.has_value()) << key;
    return v.value_or(-1);
  }

  FakeStorage storage_;
  ScrapeMetrics metrics_{nullptr};
  std::shared_ptr<QueueScraper> scraper_ = std::make_shared<QueueScraper>();
  std::shared_ptr<ScrapeConfig> cfg_;
  std::shared_ptr<Target> target_;
  std::unique_ptr<ScrapeLoop> loop_;
};

TEST_F(ScrapeLoopTest, AppendsSamplesAndReport) {
  Make();
  scraper_->Push("# HELP a_total A counter.\n# TYPE a_total counter\na_total{x=\"1\"} 5\nb 2.5\n");
  loop_->ScrapeAndReport(1000);
  EXPECT_EQ(Last(Key("a_total", {{"x", "1"}})), 5);
  EXPECT_EQ(storage_.Samples(Key("b"))[0].t, 1000);
  EXPECT_EQ(Last(Key("up")), 1);
  EXPECT_EQ(Last(Key("scrape_samples_scraped")), 2);
  EXPECT_EQ(Last(Key("scrape_samples_post_metric_relabeling")), 2);
  EXPECT_EQ(Last(Key("scrape_series_added")), 2);
  EXPECT_GE(Last(Key("scrape_duration_seconds")), 0);
  auto state = target_->State("job");
  EXPECT_EQ(state.health, TargetHealth::kUp);
  EXPECT_EQ(state.last_error, "");
  EXPECT_EQ(state.last_scrape_ms, 1000);
  EXPECT_EQ(state.last_samples, 2u);
  auto md = loop_->Metadata();
  ASSERT_EQ(md.count("a_total"), 1u);
  EXPECT_EQ(md["a_total"].type, expfmt::MetricType::kCounter);
  EXPECT_EQ(md["a_total"].help, "A counter.");

  // Same series again: served from the cache, nothing new.
  loop_->ScrapeAndReport(2000);
  EXPECT_EQ(Last(Key("scrape_series_added")), 0);
  EXPECT_EQ(storage_.Samples(Key("b")).size(), 2u);
}

TEST_F(ScrapeLoopTest, VanishedSeriesGetStaleMarkers) {
  Make();
  scraper_->Push("a 1\nb 2\n");
  scraper_->Push("a 1\n");
  loop_->ScrapeAndReport(1000);
  loop_->ScrapeAndReport(2000);
  auto b = storage_.Samples(Key("b"));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(storage::IsStaleNaN(b[1].v));
  EXPECT_EQ(b[1].t, 2000);
  EXPECT_FALSE(storage::IsStaleNaN(storage_.Samples(Key("a")).back().v));
  // A series that comes back is a fresh sample after the marker.
  scraper_->Push("a 1\nb 3\n");
  loop_->ScrapeAndReport(3000);  // queue: "a 1" repeats until this push is reached
  loop_->ScrapeAndReport(4000);
  EXPECT_EQ(Last(Key("b")), 3);
}

TEST_F(ScrapeLoopTest, ReorderedAndInsertedSeries) {
  Make();
  scraper_->Push("a 1\nb 1\nc 1\nd 1\n");
  scraper_->Push("d 2\nnew 2\nc 2\na 2\n");
  scraper_->Push("a 3\nc 3\nd 3\nnew 3\nb 3\n");
  loop_->ScrapeAndReport(1000);
  loop_->ScrapeAndReport(2000);
  EXPECT_EQ(Last(Key("scrape_series_added")), 1);
  EXPECT_TRUE(storage::IsStaleNaN(*storage_.Last(Key("b"))));
  for (const char* n : {"a", "c", "d", "new"}) EXPECT_EQ(Last(Key(n)), 2) << n;
  loop_->ScrapeAndReport(3000);
  EXPECT_EQ(Last(Key("scrape_series_added")), 1);  // b is back (flushed from the cache)
  for (const char* n : {"a", "b", "c", "d", "new"}) EXPECT_EQ(Last(Key(n)), 3) << n;
}

TEST_F(ScrapeLoopTest, LostRefsFallBackToLabels) {
  Make();
  scraper_->Push("a 1\n");
  scraper_->Push("a 2\n");
  loop_->ScrapeAndReport(1000);
  storage_.ForgetRefs();
  loop_->ScrapeAndReport(2000);
  EXPECT_EQ(Last(Key("a")), 2);
  EXPECT_EQ(Last(Key("up")), 1);
}

// The cache keeps refs, not labels: when the storage lost a ref, the labels are rebuilt from
// the raw series text (escapes, target labels with exported_ conflicts, metric relabelling),
// for samples and for staleness markers alike, and land on the same series.
TEST_F(ScrapeLoopTest, LostRefsRebuildTheSameLabels) {
  ScrapeConfig cfg;
  RelabelConfig rename;
  rename.source_labels = {"__name__"};
  rename.regex = *RelabelRegex::Compile("old_(.*)");
  rename.target_label = "__name__";
  rename.replacement = "new_$1";
  cfg.metric_relabel_configs = {rename};
  Make(cfg);
  scraper_->Push("old_a{job=\"exposed\",path=\"a\\\"b\\\\c\"} 1\nkeep 1\n");
  scraper_->Push("old_a{job=\"exposed\",path=\"a\\\"b\\\\c\"} 2\nkeep 2\n");
  scraper_->Push("keep 3\n");
  loop_->ScrapeAndReport(1000);
  storage_.ForgetRefs();
  loop_->ScrapeAndReport(2000);
  storage_.ForgetRefs();
  loop_->ScrapeAndReport(3000);  // old_a is gone: its marker goes by rebuilt labels
  const std::string a = Key("new_a", {{"exported_job", "exposed"}, {"path", "a\"b\\c"}});
  auto samples = storage_.Samples(a);
  ASSERT_EQ(samples.size(), 3u) << ::testing::PrintToString(storage_.Keys());
  EXPECT_EQ(samples[1].v, 2);
  EXPECT_TRUE(storage::IsStaleNaN(samples[2].v));
  EXPECT_EQ(storage_.Keys("new_a").size(), 1u);
  EXPECT_EQ(storage_.Samples(Key("keep")).size(), 3u);
}

TEST_F(ScrapeLoopTest, RecoveryAfterFailureWritesNoDuplicateMarkers) {
  Make();
  scraper_->Push("a 1\nb 1\n");
  scraper_->Push("a 1\nb 1\nthis is garbage\n");
  scraper_->Push("a 2\n");
  loop_->ScrapeAndReport(1000);
  loop_->ScrapeAndReport(2000);  // fails: a and b stale
  loop_->ScrapeAndReport(3000);  // a back; b was already marked, no second marker
  auto b = storage_.Samples(Key("b"));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(storage::IsStaleNaN(b[1].v));
  EXPECT_EQ(b[1].t, 2000);
  EXPECT_EQ(Last(Key("a")), 2);
  EXPECT_EQ(Last(Key("up")), 1);
}

TEST_F(ScrapeLoopTest, FailedScrapeMarksEverythingStaleAndReportsDown) {
  Make();
  scraper_->Push("a 1\nb 2\n");
  scraper_->PushError(Unavailable("server returned HTTP status 500 Internal Server Error"));
  loop_->ScrapeAndReport(1000);
  loop_->ScrapeAndReport(2000);
  EXPECT_TRUE(storage::IsStaleNaN(*storage_.Last(Key("a"))));
  EXPECT_TRUE(storage::IsStaleNaN(*storage_.Last(Key("b"))));
  EXPECT_EQ(Last(Key("up")), 0);
  EXPECT_EQ(Last(Key("scrape_samples_scraped")), 0);
  auto state = target_->State("job");
  EXPECT_EQ(state.health, TargetHealth::kDown);
  EXPECT_EQ(state.last_error, "server returned HTTP status 500 Internal Server Error");
  // No duplicate markers on the next failure.
  loop_->ScrapeAndReport(3000);
  EXPECT_EQ(storage_.Samples(Key("a")).size(), 2u);
}

TEST_F(ScrapeLoopTest, GarbageFailsWithParseError) {
  Make();
  scraper_->Push("a 1\nthis is { not valid\n");
  loop_->ScrapeAndReport(1000);
  EXPECT_TRUE(storage_.Samples(Key("a")).empty());  // rolled back
  EXPECT_EQ(Last(Key("up")), 0);
  auto state = target_->State("job");
  EXPECT_EQ(state.health, TargetHealth::kDown);
  EXPECT_NE(state.last_error.find("line 2"), std::string::npos) << state.last_error;
}

TEST_F(ScrapeLoopTest, HonorLabelsFalseRenamesConflicts) {
  Make();
  scraper_->Push("m{job=\"exposed\",instance=\"i\",exported_job=\"x\"} 1\n");
  loop_->ScrapeAndReport(1000);
  // job conflicts twice: exported_job is taken by the exposed labels, so exported_exported_job.
  EXPECT_EQ(Last(Key("m", {{"exported_instance", "i"},
                           {"exported_job", "x"},
                           {"exported_exported_job", "exposed"}})),
            1);
}

TEST_F(ScrapeLoopTest, HonorLabelsTrueKeepsExposed) {
  ScrapeConfig cfg;
  cfg.honor_labels = true;
  Make(cfg);
  scraper_->Push("m{job=\"exposed\"} 1\n");
  loop_->ScrapeAndReport(1000);
  EXPECT_EQ(
      Last(Labels{{"__name__", "m"}, {"job", "exposed"}, {"instance", "host:9100"}}.ToString()), 1);
}

TEST(AttachTargetLabelsTest, LikePrometheus) {
  const Labels target{{"job", "j"}, {"instance", "i"}};
  EXPECT_EQ(AttachTargetLabels(Labels{{"__name__", "m"}}, target, false).ToString(),
            "m{instance=\"i\", job=\"j\"}");
  EXPECT_EQ(AttachTargetLabels(Labels{{"__name__", "m"}, {"job", "x"}}, target, false).ToString(),
            "m{exported_job=\"x\", instance=\"i\", job=\"j\"}");
  EXPECT_EQ(AttachTargetLabels(Labels{{"__name__", "m"}, {"job", "x"}}, target, true).ToString(),
            "m{instance=\"i\", job=\"x\"}");
  // Shorter names are renamed first.
  const Labels t2{{"a", "1"}, {"exported_a", "2"}};
  EXPECT_EQ(
      AttachTargetLabels(Labels{{"__name__", "m"}, {"a", "x"}, {"exported_a", "y"}}, t2, false)
          .ToString(),
      "m{a=\"1\", exported_a=\"2\", exported_exported_a=\"x\", "
      "exported_exported_exported_a=\"y\"}");
}

TEST_F(ScrapeLoopTest, HonorTimestamps) {
  Make();
  scraper_->Push("a 1 500\nb 2\n");
  loop_->ScrapeAndReport(1000);
  EXPECT_EQ(storage_.Samples(Key("a"))[0].t, 500);
  EXPECT_EQ(storage_.Samples(Key("b"))[0].t, 1000);
  // Series with explicit timestamps get no staleness markers when they vanish.
  scraper_->Set("b 2\n");
  loop_->ScrapeAndReport(2000);
  EXPECT_EQ(storage_.Samples(Key("a")).size(), 1u);

  ScrapeConfig cfg;
  cfg.honor_timestamps = false;
  FakeStorage other;
  cfg.job_name = "job";
  auto c = std::make_shared<ScrapeConfig>(cfg);
  ScrapeLoop loop(target_, c, scraper_, &other, &metrics_, 0, nullptr);
  scraper_->Set("a 1 500\n");
  loop.ScrapeAndReport(3000);
  auto a = other.Samples(Key("a"));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].t, 3000);
}

TEST_F(ScrapeLoopTest, MetricRelabelling) {
  ScrapeConfig cfg;
  RelabelConfig drop;
  drop.source_labels = {"__name__"};
  drop.regex = *RelabelRegex::Compile("go_.*");
  drop.action = RelabelAction::kDrop;
  RelabelConfig rename;
  rename.source_labels = {"__name__"};
  rename.regex = *RelabelRegex::Compile("old_(.*)");
  rename.target_label = "__name__";
  rename.replacement = "new_$1";
  cfg.metric_relabel_configs = {drop, rename};
  Make(cfg);
  scraper_->Push("go_goroutines 5\nold_x 1\nkeep 2\n");
  loop_->ScrapeAndReport(1000);
  loop_->ScrapeAndReport(2000);
  EXPECT_TRUE(storage_.Keys("go_goroutines").empty());
  EXPECT_EQ(Last(Key("new_x")), 1);
  EXPECT_EQ(storage_.Samples(Key("new_x")).size(), 2u);
  EXPECT_EQ(Last(Key("scrape_samples_scraped")), 3);
  EXPECT_EQ(Last(Key("scrape_samples_post_metric_relabeling")), 2);
}

TEST_F(ScrapeLoopTest, SampleLimitFailsTheScrape) {
  ScrapeConfig cfg;
  cfg.sample_limit = 2;
  Make(cfg);
  scraper_->Push("a 1\nb 1\n");
  scraper_->Push("a 1\nb 1\nc 1\n");
  loop_->ScrapeAndReport(1000);
  EXPECT_EQ(Last(Key("up")), 1);
  loop_->ScrapeAndReport(2000);
  EXPECT_EQ(Last(Key("up")), 0);
  EXPECT_EQ(Last(Key("scrape_samples_post_metric_relabeling")), 3);
  EXPECT_TRUE(storage_.Samples(Key("c")).empty());
  EXPECT_TRUE(storage::IsStaleNaN(*storage_.Last(Key("a"))));
  auto state = target_->State("job");
  EXPECT_EQ(state.health, TargetHealth::kDown);
  EXPECT_EQ(state.last_error, "sample limit exceeded (3 samples, sample_limit 2)");
}

TEST_F(ScrapeLoopTest, LabelLimits) {
  struct L {
    uint64_t ScrapeConfig::*field;
    uint64_t value;
    std::string body;
    std::string want;
  };
  const std::vector<L> cases = {
      {&ScrapeConfig::label_limit, 3, "m{a=\"1\",b=\"2\"} 1\n",
       "label_limit exceeded (metric: m, number of labels: 5, limit: 3)"},
      {&ScrapeConfig::label_name_length_limit, 8, "m{long_label_name=\"1\"} 1\n",
       "label_name_length_limit exceeded (metric: m, label name: long_label_name, length: 15, "
       "limit: 8)"},
      {&ScrapeConfig::label_value_length_limit, 9, "m{a=\"0123456789\"} 1\n",
       "label_value_length_limit exceeded (metric: m, label name: a, value: \"0123456789\", "
       "length: 10, limit: 9)"},
  };
  for (const L& c : cases) {
    ScrapeConfig cfg;
    cfg.*c.field = c.value;
    Make(cfg);
    scraper_->Set(c.body);
    loop_->ScrapeAndReport(1000);
    EXPECT_EQ(target_->State("job").last_error, c.want);
  }
}

TEST_F(ScrapeLoopTest, OutOfOrderIsSkippedNotFatal) {
  Make();
  scraper_->Push("a 1 5000\nb 1\n");
  scraper_->Push("a 2 4000\nb 2\n");
  loop_->ScrapeAndReport(1000);
  loop_->ScrapeAndReport(2000);
  EXPECT_EQ(Last(Key("up")), 1);
  EXPECT_EQ(storage_.Samples(Key("a")).size(), 1u);
  EXPECT_EQ(Last(Key("b")), 2);
}

TEST_F(ScrapeLoopTest, EndOfRunStaleness) {
  Make();
  scraper_->Push("a 1\n");
  loop_->ScrapeAndReport(1000);
  loop_->Stop(true);
  EXPECT_TRUE(storage::IsStaleNaN(*storage_.Last(Key("a"))));
  EXPECT_TRUE(storage::IsStaleNaN(*storage_.Last(Key("up"))));
  EXPECT_TRUE(storage::IsStaleNaN(*storage_.Last(Key("scrape_duration_seconds"))));
}

TEST_F(ScrapeLoopTest, StopWithoutStalenessWritesNothing) {
  Make();
  scraper_->Push("a 1\n");
  loop_->ScrapeAndReport(1000);
  const size_t before = storage_.total_samples();
  loop_->Stop(false);
  EXPECT_EQ(storage_.total_samples(), before);
}

TEST_F(ScrapeLoopTest, OpenMetricsBody) {
  Make();
  scraper_->Push("# TYPE c counter\n# HELP c Help.\nc_total 3 1.5\n# EOF\n",
                 "application/openmetrics-text; version=1.0.0; charset=utf-8");
  loop_->ScrapeAndReport(1000);
  auto s = storage_.Samples(Key("c_total"));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].t, 1500);
  EXPECT_EQ(s[0].v, 3);
}

TEST_F(ScrapeLoopTest, CacheStaysBoundedWithChurn) {
  Make();
  for (int i = 0; i < 50; ++i) {
    scraper_->Push("churn{id=\"" + std::to_string(i) + "\"} 1\n");
    loop_->ScrapeAndReport(1000 + i * 1000);
  }
  auto cache = [&] {
    loop_->Stop(false);
    return loop_->TakeCache();
  }();
  EXPECT_LE(cache->size(), 2u);  // only what the last scrape had
}

}  // namespace
}  // namespace vigie::scrape
