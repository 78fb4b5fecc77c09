#include <gtest/gtest.h>

#include <cmath>

#include "storage/appender.h"
#include "storage/list_series.h"
#include "storage/merge.h"

namespace vigie::storage {
namespace {

TEST(StaleNaN, ExactBitPattern) {
  EXPECT_TRUE(IsStaleNaN(kStaleNaN));
  EXPECT_TRUE(std::isnan(kStaleNaN));
  EXPECT_FALSE(IsStaleNaN(std::nan("")));
  EXPECT_FALSE(IsStaleNaN(0.0));
  EXPECT_EQ(std::bit_cast<uint64_t>(kStaleNaN), 0x7ff0000000000002ULL);
}

TEST(Matcher, Semantics) {
  auto eq = Matcher::MustMake(MatchType::kEqual, "job", "api");
  EXPECT_TRUE(eq.Matches("api"));
  EXPECT_FALSE(eq.Matches("apis"));
  EXPECT_FALSE(eq.MatchesEmpty());
  auto ne = Matcher::MustMake(MatchType::kNotEqual, "job", "api");
  EXPECT_TRUE(ne.MatchesEmpty());
  auto re = Matcher::MustMake(MatchType::kRegexMatch, "job", "a.i");
  EXPECT_TRUE(re.Matches("api"));
  EXPECT_FALSE(re.Matches("xapi"));  // fully anchored
  EXPECT_FALSE(re.Matches("apix"));
  auto re2 = Matcher::MustMake(MatchType::kRegexMatch, "job", "a|");
  EXPECT_TRUE(re2.MatchesEmpty());
  auto nre = Matcher::MustMake(MatchType::kRegexNoMatch, "job", "a.*");
  EXPECT_TRUE(nre.Matches("b"));
  EXPECT_FALSE(nre.Matches("abc"));
  EXPECT_TRUE(nre.MatchesEmpty());
  auto set = Matcher::MustMake(MatchType::kRegexMatch, "job", "a|b|c");
  EXPECT_EQ(set.SetMatches(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(Matcher::MustMake(MatchType::kRegexMatch, "x", "a.b").SetMatches().empty());
  auto bad = Matcher::Make(MatchType::kRegexMatch, "job", "(");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("job"), std::string::npos);
  EXPECT_EQ(eq.ToString(), "job=\"api\"");
}

TEST(MatchesAll, AbsentLabelIsEmpty) {
  Labels l{{"__name__", "up"}};
  std::vector<Matcher> ms{Matcher::MustMake(MatchType::kEqual, "job", "")};
  EXPECT_TRUE(MatchesAll(l, ms));
  ms = {Matcher::MustMake(MatchType::kRegexMatch, "job", ".+")};
  EXPECT_FALSE(MatchesAll(l, ms));
}

TEST(ListIterator, Contract) {
  auto it = NewListIterator({{1, 1}, {5, 2}, {9, 3}});
  ASSERT_TRUE(it->Seek(4));
  EXPECT_EQ(it->At().t, 5);
  ASSERT_TRUE(it->Seek(2));  // never backwards
  EXPECT_EQ(it->At().t, 5);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->At().t, 9);
  EXPECT_FALSE(it->Next());
  EXPECT_FALSE(it->Next());
  EXPECT_FALSE(it->Seek(0));
  EXPECT_TRUE(it->Err().ok());
}

std::unique_ptr<Series> S(Labels l, std::vector<Sample> s) {
  return std::make_unique<ListSeries>(std::move(l), std::move(s));
}

TEST(MergeSeriesSet, DeduplicatesSeriesAndSamples) {
  std::vector<std::unique_ptr<Series>> a, b;
  a.push_back(S({{"__name__", "a"}}, {{1, 1}, {2, 2}}));
  a.push_back(S({{"__name__", "c"}}, {{1, 1}}));
  b.push_back(S({{"__name__", "a"}}, {{2, 20}, {3, 3}}));
  b.push_back(S({{"__name__", "b"}}, {{1, 1}}));
  std::vector<std::unique_ptr<SeriesSet>> sets;
  sets.push_back(NewListSeriesSet(std::move(a)));
  sets.push_back(NewListSeriesSet(std::move(b)));
  auto merged = NewMergeSeriesSet(std::move(sets));
  auto all = ReadAll(*merged);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].labels().MetricName(), "a");
  ASSERT_EQ((*all)[0].samples().size(), 3u);
  EXPECT_EQ((*all)[0].samples()[1].v, 2);  // first source wins
  EXPECT_EQ((*all)[1].labels().MetricName(), "b");
  EXPECT_EQ((*all)[2].labels().MetricName(), "c");
}

TEST(MergeIterator, SeekThenNext) {
  std::vector<std::unique_ptr<SampleIterator>> its;
  its.push_back(NewListIterator({{1, 1}, {4, 4}, {7, 7}}));
  its.push_back(NewListIterator({{2, 2}, {4, 40}, {8, 8}}));
  auto m = NewMergeIterator(std::move(its));
  ASSERT_TRUE(m->Seek(3));
  EXPECT_EQ(m->At().t, 4);
  EXPECT_EQ(m->At().v, 4);
  ASSERT_TRUE(m->Next());
  EXPECT_EQ(m->At().t, 7);
  ASSERT_TRUE(m->Next());
  EXPECT_EQ(m->At().t, 8);
  EXPECT_FALSE(m->Next());
}

// Series::AppendSamples (the bulk read queries use) returns what the iterator does, for
// parts that follow each other (blocks), parts that overlap or repeat timestamps (merged, the
// first part winning), and any [mint, maxt].
TEST(ChainedSeries, AppendSamplesMatchesIterator) {
  auto series = [](std::vector<Sample> s) { return ListSeries(Labels{{"a", "1"}}, std::move(s)); };
  const std::vector<std::vector<std::vector<Sample>>> cases = {
      {{{1, 1}, {2, 2}}, {{3, 3}, {5, 5}}, {{8, 8}}},   // one after the other
      {{{1, 1}, {4, 4}}, {{2, 20}, {4, 40}, {6, 60}}},  // overlapping, a duplicate
      {{{5, 5}, {6, 6}}, {{1, 10}, {2, 20}}},           // out of order
      {{}, {{1, 1}}, {}, {{2, 2}, {3, 3}}},             // empty parts
      {{{1, 1}, {3, 3}}, {{3, 30}, {4, 40}}},           // touching at one timestamp
  };
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    std::vector<ListSeries> parts;
    for (const auto& p : cases[ci]) parts.push_back(series(p));
    std::vector<const Series*> ptrs;
    for (const auto& p : parts) ptrs.push_back(&p);
    auto chained = NewChainedSeries(ptrs);
    for (TimestampMs mint = 0; mint <= 9; ++mint) {
      for (TimestampMs maxt = mint; maxt <= 9; ++maxt) {
        std::vector<Sample> want;
        auto it = chained->Iterator();
        if (it->Seek(mint)) {
          do {
            if (it->At().t > maxt) break;
            want.push_back(it->At());
          } while (it->Next());
        }
        std::vector<Sample> got = {{-5, -5}};  // appended to, not replaced
        ASSERT_TRUE(chained->AppendSamples(mint, maxt, &got).ok());
        ASSERT_EQ(got.size(), want.size() + 1) << ci << " [" << mint << "," << maxt << "]";
        for (size_t i = 0; i < want.size(); ++i) {
          EXPECT_EQ(got[i + 1].t, want[i].t);
          EXPECT_EQ(got[i + 1].v, want[i].v);
        }
      }
    }
  }
}

}  // namespace
}  // namespace vigie::storage
