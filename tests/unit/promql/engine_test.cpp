// The engine's public contract: result types, limits, errors and their classification.
#include "promql/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "instrument/registry.h"
#include "promql/parser/parser.h"
#include "tsdb/head.h"

namespace vigie::promql {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto app = head_.NewAppender();
    for (int s = 0; s < 20; ++s) {
      Labels l{{"__name__", "m"}, {"i", std::to_string(s)}, {"mod", std::to_string(s % 2)}};
      for (int t = 0; t <= 10; ++t) {
        ASSERT_TRUE(app->Append(0, l, t * 60'000, s * 100 + t).ok());
      }
    }
    ASSERT_TRUE(app->Commit().ok());
  }

  tsdb::HeadMetrics metrics_;
  tsdb::Head head_{tsdb::HeadOptions{}, nullptr, &metrics_};
};

TEST_F(EngineTest, InstantVectorIsStampedWithEvaluationTime) {
  Engine engine;
  auto r = engine.InstantQuery(head_, "m{i=\"3\"}", 150'000);
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->kind(), ValueKind::kVector);
  const auto& v = std::get<Vector>(r->value);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].t, 150'000);
  EXPECT_EQ(v[0].v, 302);
  EXPECT_EQ(v[0].metric.Get("i"), "3");
}

TEST_F(EngineTest, ResultKinds) {
  Engine engine;
  auto s = engine.InstantQuery(head_, "1 + 2", 0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind(), ValueKind::kScalar);
  EXPECT_EQ(std::get<Scalar>(s->value).v, 3);
  auto str = engine.InstantQuery(head_, "\"hello\"", 5000);
  ASSERT_TRUE(str.ok());
  EXPECT_EQ(str->kind(), ValueKind::kString);
  EXPECT_EQ(std::get<String>(str->value).v, "hello");
  EXPECT_EQ(std::get<String>(str->value).t, 5000);
  auto m = engine.InstantQuery(head_, "m{i=\"1\"}[2m]", 600'000);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->kind(), ValueKind::kMatrix);
  const auto& mat = std::get<Matrix>(m->value);
  ASSERT_EQ(mat.size(), 1u);
  ASSERT_EQ(mat[0].points.size(), 3u);  // 8m, 9m, 10m: both ends are inclusive
  EXPECT_EQ(mat[0].points[0].t, 480'000);
  EXPECT_EQ(mat[0].metric.MetricName(), "m");
}

TEST_F(EngineTest, RangeQueryIsSortedAndHasOnePointPerStep) {
  Engine engine;
  auto r = engine.RangeQuery(head_, "sum by (mod) (m)", 0, 600'000, 120'000);
  ASSERT_TRUE(r.ok()) << r.error().message();
  const auto& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].metric.Get("mod"), "0");
  EXPECT_EQ(m[1].metric.Get("mod"), "1");
  ASSERT_EQ(m[0].points.size(), 6u);
  EXPECT_EQ(m[0].points[5].t, 600'000);
  // mod 0: series 0, 2, ..., 18 -> sum of s*100 = 9000, plus 10 * t.
  EXPECT_EQ(m[0].points[5].v, 9000 + 10 * 10);
}

TEST_F(EngineTest, RangeQueryOfScalarGivesOneSeriesWithoutLabels) {
  Engine engine;
  auto r = engine.RangeQuery(head_, "time()", 0, 120'000, 60'000);
  ASSERT_TRUE(r.ok());
  const auto& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(m[0].metric.empty());
  ASSERT_EQ(m[0].points.size(), 3u);
  EXPECT_EQ(m[0].points[2].v, 120);
}

TEST_F(EngineTest, BadQueriesAreBadData) {
  Engine engine;
  auto parse = engine.InstantQuery(head_, "sum(m", 0);
  ASSERT_FALSE(parse.ok());
  EXPECT_EQ(ClassifyError(parse.error()), ErrorType::kBadData);
  EXPECT_EQ(ErrorTypeName(ClassifyError(parse.error())), "bad_data");

  auto matrix = engine.RangeQuery(head_, "m[5m]", 0, 60'000, 1000);
  ASSERT_FALSE(matrix.ok());
  EXPECT_EQ(matrix.error().message(),
            "invalid expression type \"range vector\" for range query, must be Scalar or instant "
            "Vector");
  EXPECT_EQ(ClassifyError(matrix.error()), ErrorType::kBadData);

  auto step = engine.RangeQuery(head_, "m", 0, 60'000, 0);
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(ClassifyError(step.error()), ErrorType::kBadData);
  auto order = engine.RangeQuery(head_, "m", 60'000, 0, 1000);
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.error().message(), "end timestamp must not be before start time");
}

TEST_F(EngineTest, EvaluationErrorsAreExecutionErrors) {
  Engine engine;
  auto r = engine.InstantQuery(head_, "m / on(mod) m", 600'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ClassifyError(r.error()), ErrorType::kExecution);
  EXPECT_NE(r.error().message().find("found duplicate series for the match group {mod="),
            std::string::npos)
      << r.error().message();
}

TEST_F(EngineTest, TooManySamples) {
  Engine engine({.max_samples = 10});
  auto r = engine.InstantQuery(head_, "m", 600'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "query processing would load too many samples into memory in query execution");
  EXPECT_EQ(ClassifyError(r.error()), ErrorType::kExecution);
  // The same data fits when fewer samples are held at once.
  EXPECT_TRUE(engine.InstantQuery(head_, "m{mod=\"0\", i=~\"1.*\"}", 600'000).ok());
  // A range query holds every step.
  Engine big({.max_samples = 200});
  EXPECT_TRUE(big.RangeQuery(head_, "m{i=\"1\"}", 0, 600'000, 60'000).ok());
  auto range = big.RangeQuery(head_, "m", 0, 600'000, 60'000);
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.error().code(), ErrorCode::kResourceExhausted);
  auto window = Engine({.max_samples = 5}).InstantQuery(head_, "m{i=\"1\"}[10m]", 600'000);
  ASSERT_FALSE(window.ok());
}

TEST_F(EngineTest, HugeStepCountsFailOnTheLimitNotOnMemory) {
  Engine engine;
  auto r = engine.RangeQuery(head_, "vector(1)", 0, 1'000'000'000'000, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  auto sq = engine.InstantQuery(head_, "max_over_time(vector(1)[10y:1ms])", 600'000);
  ASSERT_FALSE(sq.ok());
  EXPECT_EQ(ClassifyError(sq.error()), ErrorType::kExecution);
}

TEST_F(EngineTest, Timeout) {
  Engine engine({.timeout = 0});
  auto r = engine.InstantQuery(head_, "sum(m)", 600'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "query timed out in expression evaluation");
  EXPECT_EQ(ClassifyError(r.error()), ErrorType::kTimeout);
}

TEST_F(EngineTest, Cancel) {
  Engine engine;
  std::atomic<bool> cancel{true};
  auto r = engine.InstantQuery(head_, "sum(m)", 600'000, {.cancel = &cancel});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ClassifyError(r.error()), ErrorType::kCanceled);
}

// A queryable whose querier creation waits for a gate: holds a query slot for as long as the
// test wants.
class GatedQueryable : public storage::Queryable {
 public:
  explicit GatedQueryable(storage::Queryable& inner) : inner_(inner) {}
  Result<std::unique_ptr<storage::Querier>> NewQuerier(TimestampMs mint,
                                                       TimestampMs maxt) override {
    std::unique_lock lk(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lk, [&] { return open_; });
    return inner_.NewQuerier(mint, maxt);
  }
  void WaitEntered() {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return entered_; });
  }
  void Open() {
    std::lock_guard lk(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  storage::Queryable& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false, open_ = false;
};

TEST_F(EngineTest, ConcurrencyLimitQueuesAndTimesOut) {
  Engine engine({.timeout = 200, .max_concurrency = 1});
  GatedQueryable gated(head_);
  Result<QueryResult> first = Error(ErrorCode::kInternal, "not run");
  std::thread t([&] { first = engine.InstantQuery(gated, "sum(m)", 600'000); });
  gated.WaitEntered();
  // The only slot is taken: this one waits in the queue until its timeout.
  auto second = engine.InstantQuery(head_, "sum(m)", 600'000);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message(), "query timed out in query queue");
  EXPECT_EQ(ClassifyError(second.error()), ErrorType::kTimeout);
  gated.Open();
  t.join();
  // The first query may itself have run past its timeout while gated; either way the slot is
  // released afterwards.
  EXPECT_TRUE(first.ok() || ClassifyError(first.error()) == ErrorType::kTimeout);
  Engine relaxed({.max_concurrency = 1});
  EXPECT_TRUE(relaxed.InstantQuery(head_, "sum(m)", 600'000).ok());
  EXPECT_TRUE(engine.InstantQuery(head_, "sum(m)", 600'000).ok());
}

TEST_F(EngineTest, ConcurrentQueriesGetTheirOwnResults) {
  Engine engine({.max_concurrency = 3});
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int rep = 0; rep < 20; ++rep) {
        auto r =
            engine.RangeQuery(head_, "sum(m{i=\"" + std::to_string(i) + "\"})", 0, 600'000, 60'000);
        if (!r.ok()) {
          ++wrong;
          continue;
        }
        const auto& m = std::get<Matrix>(r->value);
        if (m.size() != 1 || m[0].points.size() != 11 || m[0].points[10].v != i * 100 + 10) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(EngineTest, ParsedExpressionIsNotModified) {
  Engine engine;
  auto e = parser::ParseExpr("m{i=\"1\"} @ start()");
  ASSERT_TRUE(e.ok());
  auto a = engine.InstantQuery(head_, **e, 120'000);
  auto b = engine.InstantQuery(head_, **e, 240'000);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(std::get<Vector>(a->value)[0].v, 102);
  EXPECT_EQ(std::get<Vector>(b->value)[0].v, 104);
}

TEST_F(EngineTest, ExposesEngineMetrics) {
  instrument::Registry registry;
  Engine engine({.max_concurrency = 7}, &registry);
  ASSERT_TRUE(engine.InstantQuery(head_, "sum(m)", 600'000).ok());
  std::string text = registry.Render(expfmt::Format::kText004);
  EXPECT_NE(text.find("prometheus_engine_queries 0"), std::string::npos) << text;
  EXPECT_NE(text.find("prometheus_engine_queries_concurrent_max 7"), std::string::npos);
  EXPECT_NE(text.find("prometheus_engine_query_duration_seconds_count{slice=\"inner_eval\"} 1"),
            std::string::npos)
      << text;
}

TEST_F(EngineTest, LookbackDeltaOption) {
  Engine engine({.lookback_delta = 60'000});
  auto r = engine.InstantQuery(head_, "m{i=\"1\"}", 11 * 60'000 + 1);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(std::get<Vector>(r->value).empty());
  auto wide = engine.InstantQuery(head_, "m{i=\"1\"}", 12 * 60'000, {.lookback_delta = 600'000});
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(std::get<Vector>(wide->value).size(), 1u);
}

}  // namespace
}  // namespace vigie::promql
