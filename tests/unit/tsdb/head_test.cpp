#include "tsdb/head.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/list_series.h"

namespace vigie::tsdb {
namespace {

using storage::Matcher;
using storage::MatchType;

std::vector<storage::ListSeries> Query(Head& h, std::vector<Matcher> ms, int64_t mint = INT64_MIN,
                                       int64_t maxt = INT64_MAX) {
  auto q = h.NewQuerier(mint, maxt);
  EXPECT_TRUE(q.ok());
  auto set = (*q)->Select(true, nullptr, ms);
  auto all = storage::ReadAll(*set);
  EXPECT_TRUE(all.ok());
  return all.ok() ? std::move(all).value() : std::vector<storage::ListSeries>{};
}

class HeadTest : public ::testing::Test {
 protected:
  HeadMetrics m_;
  Head h_{HeadOptions{}, nullptr, &m_};
};

TEST_F(HeadTest, AppendCommitQuery) {
  auto app = h_.NewAppender();
  Labels a{{"__name__", "up"}, {"job", "api"}};
  Labels b{{"__name__", "up"}, {"job", "db"}, {"zone", "z1"}};
  auto ra = app->Append(0, a, 1000, 1);
  ASSERT_TRUE(ra.ok());
  ASSERT_TRUE(app->Append(0, b, 1000, 0).ok());
  ASSERT_TRUE(app->Append(*ra, a, 2000, 1).ok());  // by ref
  // Not visible before Commit.
  EXPECT_TRUE(Query(h_, {Matcher::MustMake(MatchType::kEqual, "__name__", "up")}).empty());
  ASSERT_TRUE(app->Commit().ok());
  auto res = Query(h_, {Matcher::MustMake(MatchType::kEqual, "__name__", "up")});
  ASSERT_EQ(res.size(), 2u);
  EXPECT_EQ(res[0].labels(), a);
  EXPECT_EQ(res[0].samples().size(), 2u);
  EXPECT_EQ(res[1].labels(), b);
  EXPECT_EQ(h_.NumSeries(), 2u);
  EXPECT_EQ(m_.samples_appended.Get(), 3u);
  EXPECT_EQ(h_.MinTime(), 1000);
  EXPECT_EQ(h_.MaxTime(), 2000);
  // Time range restriction.
  res = Query(h_, {Matcher::MustMake(MatchType::kEqual, "job", "api")}, 1500, 3000);
  ASSERT_EQ(res.size(), 1u);
  ASSERT_EQ(res[0].samples().size(), 1u);
  EXPECT_EQ(res[0].samples()[0].t, 2000);
}

TEST_F(HeadTest, MatcherSemanticsIncludingAbsentLabels) {
  auto app = h_.NewAppender();
  ASSERT_TRUE(app->Append(0, {{"__name__", "m"}, {"zone", "a"}}, 1, 1).ok());
  ASSERT_TRUE(app->Append(0, {{"__name__", "m"}, {"zone", "b"}}, 1, 1).ok());
  ASSERT_TRUE(app->Append(0, {{"__name__", "m"}}, 1, 1).ok());
  ASSERT_TRUE(app->Append(0, {{"__name__", "other"}, {"zone", "a"}}, 1, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto name = Matcher::MustMake(MatchType::kEqual, "__name__", "m");
  auto count = [&](Matcher m) { return Query(h_, {name, m}).size(); };
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kEqual, "zone", "a")), 1u);
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kNotEqual, "zone", "a")), 2u);  // b and absent
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kEqual, "zone", "")), 1u);      // absent only
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kNotEqual, "zone", "")), 2u);
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kRegexMatch, "zone", "a|b")), 2u);
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kRegexMatch, "zone", "a|")), 2u);  // a + absent
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kRegexMatch, "zone", ".*")), 3u);
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kRegexMatch, "zone", ".+")), 2u);
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kRegexNoMatch, "zone", "a")), 2u);
  EXPECT_EQ(count(Matcher::MustMake(MatchType::kRegexNoMatch, "zone", ".*")), 0u);
  EXPECT_EQ(Query(h_, {Matcher::MustMake(MatchType::kRegexMatch, "zone", ".+")}).size(), 3u);

  auto q = h_.NewQuerier(INT64_MIN, INT64_MAX);
  auto names = (*q)->LabelNames({});
  EXPECT_EQ(*names, (std::vector<std::string>{"__name__", "zone"}));
  std::vector<Matcher> only_other{Matcher::MustMake(MatchType::kEqual, "__name__", "other")};
  EXPECT_EQ(*(*q)->LabelValues("zone", only_other), (std::vector<std::string>{"a"}));
  EXPECT_EQ(*(*q)->LabelValues("zone", {}), (std::vector<std::string>{"a", "b"}));
}

TEST_F(HeadTest, OutOfOrderAndDuplicates) {
  Labels l{{"__name__", "x"}};
  auto app = h_.NewAppender();
  ASSERT_TRUE(app->Append(0, l, 100, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  app = h_.NewAppender();
  auto ooo = app->Append(0, l, 50, 1);
  ASSERT_FALSE(ooo.ok());
  EXPECT_EQ(ooo.error().code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(ooo.error().message(), "out of order sample");
  EXPECT_TRUE(app->Append(0, l, 100, 1).ok());  // same t, same value: silently ignored
  auto dup = app->Append(0, l, 100, 2);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().message(), "duplicate sample for timestamp");
  // Out of order within one batch is dropped at commit and counted.
  ASSERT_TRUE(app->Append(0, l, 200, 2).ok());
  ASSERT_TRUE(app->Append(0, l, 150, 2).ok());
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(m_.out_of_order.Get(), 2u);
  EXPECT_EQ(m_.duplicates.Get(), 1u);
  auto res = Query(h_, {Matcher::MustMake(MatchType::kEqual, "__name__", "x")});
  ASSERT_EQ(res.size(), 1u);
  ASSERT_EQ(res[0].samples().size(), 2u);
  EXPECT_EQ(res[0].samples()[1].t, 200);
  // Too old: more than half a chunk range behind the newest sample.
  app = h_.NewAppender();
  auto old = app->Append(0, {{"__name__", "y"}}, 200 - 3600 * 1000 - 1, 1);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().message(), "out of bounds");
}

TEST_F(HeadTest, RollbackDiscards) {
  auto app = h_.NewAppender();
  ASSERT_TRUE(app->Append(0, {{"__name__", "x"}}, 1, 1).ok());
  ASSERT_TRUE(app->Rollback().ok());
  auto res = Query(h_, {Matcher::MustMake(MatchType::kEqual, "__name__", "x")});
  EXPECT_TRUE(res.empty());
}

TEST_F(HeadTest, ChunksCutAt120SamplesAndAtBlockBoundary) {
  Labels l{{"__name__", "x"}};
  int64_t t = 0;
  for (int i = 0; i < 250; ++i) {
    auto app = h_.NewAppender();
    ASSERT_TRUE(app->Append(0, l, t, i).ok());
    ASSERT_TRUE(app->Commit().ok());
    t += 1000;
  }
  EXPECT_EQ(m_.chunks.Get(), 3);  // 120 + 120 + 10
  // Crossing 2h starts a new chunk even if the current one is small.
  Head h2{HeadOptions{}, nullptr, &m_};
  int64_t base = 2 * 3600 * 1000 - 30000;
  for (int i = 0; i < 4; ++i) {
    auto app = h2.NewAppender();
    ASSERT_TRUE(app->Append(0, l, base + i * 15000, i).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  int chunks = 0;
  h2.ForEachSeries([&](const MemSeries& s) {
    chunks = s.NumChunks();
    ASSERT_EQ(s.closed.size(), 1u);
    EXPECT_LT(s.closed[0].maxt, 2 * 3600 * 1000);
    EXPECT_GE(s.head_mint, 2 * 3600 * 1000);
  });
  EXPECT_EQ(chunks, 2);
  // Seek across chunks through the querier.
  auto q = h_.NewQuerier(0, INT64_MAX);
  std::vector<Matcher> ms{Matcher::MustMake(MatchType::kEqual, "__name__", "x")};
  auto set = (*q)->Select(false, nullptr, ms);
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(200500));
  EXPECT_EQ(it->At().t, 201000);
  EXPECT_EQ(it->At().v, 201);
  ASSERT_TRUE(it->Seek(1000));
  EXPECT_EQ(it->At().t, 201000);
  int n = 1;
  while (it->Next()) ++n;
  EXPECT_EQ(n, 49);
}

TEST_F(HeadTest, TruncateDropsOldChunksAndEmptySeries) {
  auto app = h_.NewAppender();
  ASSERT_TRUE(app->Append(0, {{"__name__", "old"}}, 1000, 1).ok());
  ASSERT_TRUE(app->Append(0, {{"__name__", "new"}}, 1000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  for (int64_t t = 2000; t < 4 * 3600 * 1000; t += 60000) {
    app = h_.NewAppender();
    ASSERT_TRUE(app->Append(0, {{"__name__", "new"}}, t, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  ASSERT_TRUE(h_.Truncate(2 * 3600 * 1000));
  EXPECT_EQ(h_.NumSeries(), 1u);
  EXPECT_EQ(m_.series.Get(), 1);
  auto res = Query(h_, {Matcher::MustMake(MatchType::kRegexMatch, "__name__", ".+")});
  ASSERT_EQ(res.size(), 1u);
  EXPECT_GE(res[0].samples().front().t, 2 * 3600 * 1000);
  EXPECT_EQ(h_.MinTime(), res[0].samples().front().t);  // the oldest sample left
  // A recreated series gets a new ref.
  app = h_.NewAppender();
  auto r = app->Append(0, {{"__name__", "old"}}, 4 * 3600 * 1000, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(*r, 2u);
  ASSERT_TRUE(app->Commit().ok());
}

// Many series (hash chains rehashed, ref table pages), half of them truncated away: the rest
// are found again by labels and by ref, the dropped ones are gone from both lookups.
TEST_F(HeadTest, LookupsByLabelsAndRefSurviveTruncation) {
  constexpr int kSeries = 20000;
  auto labels = [](int i) { return Labels{{"__name__", "m"}, {"i", std::to_string(i)}}; };
  std::vector<storage::SeriesRef> refs(kSeries);
  auto app = h_.NewAppender();
  for (int i = 0; i < kSeries; ++i) {
    auto r = app->Append(0, labels(i), 1000, i);
    ASSERT_TRUE(r.ok());
    refs[i] = *r;
  }
  ASSERT_TRUE(app->Commit().ok());
  app = h_.NewAppender();
  for (int i = 0; i < kSeries; i += 2)
    ASSERT_TRUE(app->Append(refs[i], {}, 3 * 3600 * 1000, i).ok());
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(h_.Truncate(2 * 3600 * 1000));  // odd series had only the old sample
  EXPECT_EQ(h_.NumSeries(), static_cast<uint64_t>(kSeries / 2));
  size_t visited = 0;
  h_.ForEachSeries([&](const MemSeries&) { ++visited; });
  EXPECT_EQ(visited, static_cast<size_t>(kSeries / 2));
  app = h_.NewAppender();
  for (int i = 0; i < kSeries; ++i) {
    const int64_t t = 3 * 3600 * 1000 + 1000;
    if (i % 2 == 0) {
      EXPECT_TRUE(h_.HasSeries(refs[i]));
      auto by_labels = app->Append(0, labels(i), t, i);
      ASSERT_TRUE(by_labels.ok());
      EXPECT_EQ(*by_labels, refs[i]) << i;
    } else {
      EXPECT_FALSE(h_.HasSeries(refs[i]));
      EXPECT_FALSE(app->Append(refs[i], {}, t, i).ok()) << i;  // unknown ref, no labels
      auto again = app->Append(0, labels(i), t, i);
      ASSERT_TRUE(again.ok());
      EXPECT_GT(*again, static_cast<storage::SeriesRef>(kSeries)) << i;  // a new series
    }
  }
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(h_.NumSeries(), static_cast<uint64_t>(kSeries));
}

// Appends by ref race with truncations that drop other series (the lock-free ref lookup must
// never hand out a freed series).
TEST_F(HeadTest, AppendsByRefDuringTruncation) {
  constexpr int kKept = 500, kRounds = 40;
  std::vector<storage::SeriesRef> kept(kKept);
  auto app = h_.NewAppender();
  for (int i = 0; i < kKept; ++i) {
    kept[i] = *app->Append(0, {{"__name__", "kept"}, {"i", std::to_string(i)}}, 0, 0);
  }
  ASSERT_TRUE(app->Commit().ok());
  const int64_t hour = 3600 * 1000;
  std::atomic<int> round{0};
  std::thread writer([&] {
    for (int r = 1; r <= kRounds; ++r) {
      auto a = h_.NewAppender();
      for (int i = 0; i < kKept; ++i) ASSERT_TRUE(a->Append(kept[i], {}, r * hour, r).ok());
      // Short-lived series that the next truncation drops.
      for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(
            a->Append(0, {{"__name__", "gone"}, {"r", std::to_string(r)}, {"i", std::to_string(i)}},
                      r * hour, r)
                .ok());
      }
      ASSERT_TRUE(a->Commit().ok());
      round = r;
    }
  });
  int truncated = 0;
  while (round < kRounds) {
    const int r = round;
    if (r > truncated) {
      ASSERT_TRUE(h_.Truncate(r * hour));
      truncated = r;
    }
    std::this_thread::yield();
  }
  writer.join();
  auto res = Query(h_, {Matcher::MustMake(MatchType::kEqual, "__name__", "kept")});
  ASSERT_EQ(res.size(), static_cast<size_t>(kKept));
  for (const auto& s : res) EXPECT_EQ(s.samples().back().v, kRounds);
}

TEST_F(HeadTest, ConcurrentAppendsAndQueries) {
  constexpr int kWriters = 4, kSeries = 200, kRounds = 50;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) {
      auto res = Query(h_, {Matcher::MustMake(MatchType::kRegexMatch, "__name__", "m.*")});
      for (const auto& s : res) {
        for (size_t i = 1; i < s.samples().size(); ++i) {
          ASSERT_LT(s.samples()[i - 1].t, s.samples()[i].t);
        }
      }
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int r = 0; r < kRounds; ++r) {
        auto app = h_.NewAppender();
        for (int s = 0; s < kSeries; ++s) {
          Labels l{{"__name__", std::string("m").append(std::to_string(s % 10))},
                   {"w", std::to_string(w)},
                   {"s", std::to_string(s)}};
          ASSERT_TRUE(app->Append(0, l, r * 1000, r).ok());
        }
        ASSERT_TRUE(app->Commit().ok());
      }
    });
  }
  for (auto& t : writers) t.join();
  stop = true;
  reader.join();
  EXPECT_EQ(h_.NumSeries(), static_cast<uint64_t>(kWriters * kSeries));
  EXPECT_EQ(m_.samples_appended.Get(), static_cast<uint64_t>(kWriters * kSeries * kRounds));
  auto res = Query(h_, {Matcher::MustMake(MatchType::kEqual, "__name__", "m3")});
  ASSERT_EQ(res.size(), static_cast<size_t>(kWriters * kSeries / 10));
  for (const auto& s : res) EXPECT_EQ(s.samples().size(), static_cast<size_t>(kRounds));
}

}  // namespace
}  // namespace vigie::tsdb
