#include "scrape/scrape_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace vigie::scrape {
namespace {

std::string Series(int i) {
  return "http_requests_total{method=\"GET\",path=\"/item/" + std::to_string(i) + "\"}";
}

TEST(ScrapeCacheTest, FindsEntriesInAnyOrderAndKeepsTheirRefs) {
  ScrapeCache c;
  constexpr int kSeries = 5000;  // enough to rehash the table several times
  for (int i = 0; i < kSeries; ++i) {
    EXPECT_EQ(c.Get(Series(i)), nullptr);
    c.Add(Series(i), 100 + i);
  }
  c.AddDropped("dropped_metric");
  c.IterDone(true);
  // Same order, then reversed, then shuffled by a stride: every lookup finds its entry.
  for (int pass = 0; pass < 3; ++pass) {
    for (int k = 0; k < kSeries; ++k) {
      const int i = pass == 0 ? k : pass == 1 ? kSeries - 1 - k : (k * 7919) % kSeries;
      ScrapeCache::Entry* e = c.Get(Series(i));
      ASSERT_NE(e, nullptr) << i;
      EXPECT_EQ(e->ref, static_cast<storage::SeriesRef>(100 + i));
      EXPECT_EQ(c.Key(*e), Series(i));
      EXPECT_FALSE(e->dropped);
    }
    ScrapeCache::Entry* d = c.Get("dropped_metric");
    ASSERT_NE(d, nullptr);
    EXPECT_TRUE(d->dropped);
    EXPECT_EQ(c.Get("unknown"), nullptr);
    EXPECT_FALSE(c.IterDone(true));
    EXPECT_EQ(c.size(), static_cast<size_t>(kSeries + 1));
  }
  // About 60 bytes of text per series: the cache holds well under 200 bytes per series.
  EXPECT_LT(c.MemoryBytes(), static_cast<size_t>(kSeries) * 200);
}

TEST(ScrapeCacheTest, UnseenEntriesAreDroppedAndTheRestKept) {
  ScrapeCache c;
  for (int i = 0; i < 100; ++i) c.Add(Series(i), i + 1);
  c.IterDone(true);
  for (int i = 0; i < 100; i += 2) ASSERT_NE(c.Get(Series(i)), nullptr);  // odd ones vanish
  c.Add("new", 1000);
  c.IterDone(true);
  EXPECT_EQ(c.size(), 51u);
  for (int i = 0; i < 100; ++i) {
    ScrapeCache::Entry* e = c.Get(Series(i));
    if (i % 2 == 1) {
      EXPECT_EQ(e, nullptr) << i;
    } else {
      ASSERT_NE(e, nullptr) << i;
      EXPECT_EQ(e->ref, static_cast<storage::SeriesRef>(i + 1));
      EXPECT_EQ(c.Key(*e), Series(i));
    }
  }
  ASSERT_NE(c.Get("new"), nullptr);
  EXPECT_EQ(c.Get("new")->ref, 1000u);
}

TEST(ScrapeCacheTest, StalenessFollowsWhatWasAppended) {
  ScrapeCache c;
  for (const char* s : {"a", "b", "c"}) c.TrackStaleness(c.Add(s, s[0]));
  c.IterDone(true);
  for (const char* s : {"a", "c"}) c.TrackStaleness(*c.Get(s));
  std::vector<std::string> stale;
  c.ForEachStale([&](const ScrapeCache::Entry& e) { stale.emplace_back(c.Key(e)); });
  EXPECT_EQ(stale, std::vector<std::string>{"b"});
  c.IterDone(true);
  auto prev = c.PreviousSeries();
  ASSERT_EQ(prev.size(), 2u);
  EXPECT_EQ(prev[0], std::make_pair(storage::SeriesRef{'a'}, std::string("a")));
  EXPECT_EQ(prev[1], std::make_pair(storage::SeriesRef{'c'}, std::string("c")));
  // A rolled-back scrape: everything of the previous one is stale.
  for (const char* s : {"a", "c"}) c.TrackStaleness(*c.Get(s));
  c.ResetCurrent();
  stale.clear();
  c.ForEachStale([&](const ScrapeCache::Entry& e) { stale.emplace_back(c.Key(e)); });
  EXPECT_EQ(stale, (std::vector<std::string>{"a", "c"}));
}

}  // namespace
}  // namespace vigie::scrape
