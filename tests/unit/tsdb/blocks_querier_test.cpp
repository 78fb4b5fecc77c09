// NewBlocksQuerier (several blocks as one source, each series' labels kept once) answers exactly
// as merging one querier per block does (storage::NewMergeQuerier: series merged by labels,
// samples by timestamp, the earlier block winning a duplicate), for blocks that follow each
// other, overlap, repeat timestamps or hold different series, through iterators and the bulk
// read alike.
#include <gtest/gtest.h>

#include <random>

#include "storage/list_series.h"
#include "storage/merge.h"
#include "tsdb/block.h"

namespace vigie::tsdb {
namespace {

using storage::Matcher;
using storage::MatchType;
using storage::Sample;

class BlocksQuerierTest : public ::testing::Test {
 protected:
  std::unique_ptr<fs::FileSystem> fs_ = fs::NewMemory();
  std::vector<std::shared_ptr<const Block>> blocks_;

  // A block over [from, to) with series job=<j>, instance=<i> for the given instances, one
  // sample every `step` ms from `from + offset` (values tell the block apart).
  void AddBlock(int64_t from, int64_t to, int64_t step, int64_t offset, std::vector<int> instances,
                double base) {
    std::vector<std::unique_ptr<storage::Series>> series;
    for (int i : instances) {
      std::vector<Sample> s;
      for (int64_t t = from + offset; t < to; t += step) s.push_back({t, base + i + t / 1000.0});
      series.push_back(std::make_unique<storage::ListSeries>(
          Labels{{"__name__", "m"}, {"instance", std::to_string(i)}, {"job", "j"}}, s));
    }
    std::sort(series.begin(), series.end(),
              [](const auto& a, const auto& b) { return a->labels() < b->labels(); });
    auto set = storage::NewListSeriesSet(std::move(series));
    BlockWriteOptions opts;
    opts.samples_per_chunk = 7;  // several chunks per series
    auto meta = WriteBlock(*fs_, "/blocks", from, to, *set, opts);
    ASSERT_TRUE(meta.ok()) << meta.error().message();
    auto b = Block::Open(*fs_, "/blocks/" + meta->ulid);
    ASSERT_TRUE(b.ok()) << b.error().message();
    blocks_.push_back(std::move(b).value());
  }

  // The reference: one querier per block, merged.
  std::unique_ptr<storage::Querier> Reference(int64_t mint, int64_t maxt) {
    std::vector<std::unique_ptr<storage::Querier>> qs;
    for (const auto& b : blocks_) {
      auto q = std::const_pointer_cast<Block>(b)->NewQuerier(mint, maxt);
      EXPECT_TRUE(q.ok());
      qs.push_back(std::move(q).value());
    }
    return storage::NewMergeQuerier(std::move(qs));
  }

  void ExpectSameAnswers() {
    ASSERT_FALSE(blocks_.empty());
    std::vector<Matcher> job{Matcher::MustMake(MatchType::kEqual, "job", "j")};
    auto all = storage::ReadAll(
        *NewBlocksQuerier(blocks_, INT64_MIN, INT64_MAX)->Select(true, nullptr, job));
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 4u);  // instances 0..3, each in one or more blocks
    for (const auto& s : *all) EXPECT_GE(s.samples().size(), 8u) << s.labels().ToString();
    const int64_t cuts[] = {-1, 0, 9000, 60000, 61000, 119999, 120000, 150000, 239000, 400000};
    std::vector<std::vector<Matcher>> selections = {
        {Matcher::MustMake(MatchType::kEqual, "__name__", "m")},
        {Matcher::MustMake(MatchType::kRegexMatch, "instance", "1|3")},
        {Matcher::MustMake(MatchType::kEqual, "instance", "nope")}};
    for (int64_t mint : cuts) {
      for (int64_t maxt : cuts) {
        if (maxt < mint) continue;
        SCOPED_TRACE("querier [" + std::to_string(mint) + ", " + std::to_string(maxt) + "]");
        auto ours = NewBlocksQuerier(blocks_, mint, maxt);
        auto ref = Reference(mint, maxt);
        for (const auto& ms : selections) {
          auto a = storage::ReadAll(*ours->Select(true, nullptr, ms));
          auto b = storage::ReadAll(*ref->Select(true, nullptr, ms));
          ASSERT_TRUE(a.ok() && b.ok());
          ASSERT_EQ(a->size(), b->size());
          for (size_t i = 0; i < a->size(); ++i) {
            EXPECT_EQ((*a)[i].labels(), (*b)[i].labels());
            ASSERT_EQ((*a)[i].samples().size(), (*b)[i].samples().size()) << i;
            for (size_t k = 0; k < (*a)[i].samples().size(); ++k) {
              EXPECT_EQ((*a)[i].samples()[k].t, (*b)[i].samples()[k].t);
              EXPECT_EQ((*a)[i].samples()[k].v, (*b)[i].samples()[k].v);
            }
          }
          // The bulk read over sub-ranges, against the reference's.
          auto sa = ours->Select(true, nullptr, ms);
          auto sb = ref->Select(true, nullptr, ms);
          while (sa->Next()) {
            ASSERT_TRUE(sb->Next());
            for (int64_t rmin : {mint - 5000, mint + 30000}) {
              for (int64_t rmax : {maxt, maxt - 30000}) {
                std::vector<Sample> x, y;
                ASSERT_TRUE(sa->At().AppendSamples(rmin, rmax, &x).ok());
                ASSERT_TRUE(sb->At().AppendSamples(rmin, rmax, &y).ok());
                ASSERT_EQ(x.size(), y.size());
                for (size_t k = 0; k < x.size(); ++k) {
                  EXPECT_EQ(x[k].t, y[k].t);
                  EXPECT_EQ(x[k].v, y[k].v);
                }
              }
            }
          }
          EXPECT_FALSE(sb->Next());
        }
        for (const auto& ms : selections) {
          EXPECT_EQ(*ours->LabelValues("instance", ms), *ref->LabelValues("instance", ms));
          EXPECT_EQ(*ours->LabelNames(ms), *ref->LabelNames(ms));
        }
        EXPECT_EQ(*ours->LabelValues("instance", {}), *ref->LabelValues("instance", {}));
        EXPECT_EQ(*ours->LabelNames({}), *ref->LabelNames({}));
      }
    }
  }
};

TEST_F(BlocksQuerierTest, ConsecutiveBlocksWithDifferentSeries) {
  AddBlock(0, 120000, 15000, 0, {0, 1, 2}, 0);
  AddBlock(120000, 240000, 15000, 0, {1, 2, 3}, 1000);
  AddBlock(240000, 360000, 15000, 0, {0, 3}, 2000);
  ExpectSameAnswers();
}

TEST_F(BlocksQuerierTest, OverlappingBlocksAndDuplicateTimestamps) {
  AddBlock(0, 180000, 15000, 0, {0, 1, 2}, 0);
  AddBlock(60000, 240000, 10000, 0, {1, 2, 3}, 1000);  // duplicates at 60 s, 90 s, ...
  AddBlock(0, 360000, 20000, 5000, {2}, 2000);
  ExpectSameAnswers();
}

}  // namespace
}  // namespace vigie::tsdb
