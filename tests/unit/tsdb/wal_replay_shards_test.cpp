// WAL replay on several threads gives the same head as the sequential rules: each series gets
// its samples in WAL order (including samples logged under a duplicate ref of the same
// labels), samples before their series record or older than the newest block are skipped,
// out-of-order samples are dropped.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "storage/list_series.h"
#include "tsdb/head.h"
#include "tsdb/head_wal.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/wal.h"

namespace vigie::tsdb {
namespace {

using Dump = std::map<std::string, std::vector<storage::Sample>>;

// The WAL's expected effect, applied record by record with the sequential rules.
struct Model {
  std::map<uint64_t, std::string> ref_to_key;
  std::map<std::string, uint64_t> key_to_ref;
  Dump series;
  uint64_t unknown = 0;
  uint64_t duplicates = 0;
  int64_t min_valid = INT64_MIN;

  void AddSeries(uint64_t ref, const Labels& labels) {
    std::string key = labels.ToString();
    if (auto it = key_to_ref.find(key); it != key_to_ref.end()) {
      if (it->second != ref) ++duplicates;
    } else {
      key_to_ref[key] = ref;
      series[key];
    }
    ref_to_key[ref] = key;
  }
  void AddSample(uint64_t ref, int64_t t, double v) {
    if (t < min_valid) return;
    auto it = ref_to_key.find(ref);
    if (it == ref_to_key.end()) {
      ++unknown;
      return;
    }
    auto& s = series[it->second];
    if (!s.empty() && t <= s.back().t) return;
    s.push_back({t, v});
  }
};

Dump DumpHead(Head& h) {
  auto q = h.NewQuerier(INT64_MIN, INT64_MAX);
  EXPECT_TRUE(q.ok());
  std::vector<storage::Matcher> ms{
      storage::Matcher::MustMake(storage::MatchType::kRegexMatch, "__name__", ".+")};
  auto set = (*q)->Select(true, nullptr, ms);
  auto all = storage::ReadAll(*set);
  EXPECT_TRUE(all.ok());
  Dump d;
  for (const auto& s : *all) d[s.labels().ToString()] = s.samples();
  return d;
}

class ReplayShardsTest : public ::testing::TestWithParam<size_t> {};

TEST_P(ReplayShardsTest, SameHeadAsSequentialRules) {
  auto fs = fs::NewMemory();
  WalMetrics wm;
  wal::WalOptions opts;
  opts.segment_size = 4 * wal::kPageSize;  // many segments
  opts.sync_interval_ms = 0;
  Model model;
  model.min_valid = 1000;
  std::mt19937_64 rng(42);
  {
    auto w = wal::Wal::Open(*fs, "/wal", opts, &wm);
    ASSERT_TRUE(w.ok());
    auto log_series = [&](std::vector<wal::RefSeries> series) {
      for (const auto& s : series) model.AddSeries(s.ref, s.labels);
      std::string rec;
      wal::EncodeSeries(series, &rec);
      ASSERT_TRUE((*w)->Log(rec, false).ok());
    };
    auto log_samples = [&](std::vector<wal::RefSample> samples) {
      for (const auto& s : samples) model.AddSample(s.ref, s.t, s.v);
      std::string rec;
      wal::EncodeSamples(samples, &rec);
      ASSERT_TRUE((*w)->Log(rec, false).ok());
    };
    // A sample for a ref whose series record comes later: unknown, skipped.
    log_samples({{9999, 5000, 1}});
    std::vector<wal::RefSeries> first;
    for (uint64_t ref = 1; ref <= 700; ++ref) {
      first.push_back({ref, {{"__name__", "m"}, {"i", std::to_string(ref)}}});
    }
    log_series(first);
    // The same labels as ref 3 under ref 800 (a duplicate record), and ref 9999 at last.
    log_series({{800, {{"__name__", "m"}, {"i", "3"}}},
                {9999, {{"__name__", "late"}}},
                {uint64_t{1} << 40, {{"__name__", "huge_ref"}}}});
    for (int round = 0; round < 60; ++round) {
      std::vector<wal::RefSample> samples;
      for (uint64_t ref = 1; ref <= 700; ++ref) {
        // Mostly increasing timestamps, some repeated or going back (dropped), a few older
        // than the newest block (skipped).
        int64_t t = round * 1000 + static_cast<int64_t>(rng() % 3) * 400;
        samples.push_back({ref, t, static_cast<double>(rng() % 1000)});
      }
      samples.push_back({800, round * 1000 + 500, -1});  // lands in series i="3"
      samples.push_back({9999, round * 1000 + 1, 2});
      samples.push_back({uint64_t{1} << 40, round * 1000 + 1, 3});
      samples.push_back({123456, round * 1000, 4});  // never named: unknown
      std::shuffle(samples.begin(), samples.end(), rng);
      log_samples(std::move(samples));
      if (round == 30) {
        std::vector<wal::RefSeries> more;
        for (uint64_t ref = 701; ref <= 900; ++ref) {
          if (ref == 800) continue;
          more.push_back({ref, {{"__name__", "n"}, {"i", std::to_string(ref)}}});
        }
        log_series(more);
      }
      if (round > 30) {
        std::vector<wal::RefSample> later;
        for (uint64_t ref = 701; ref <= 900; ++ref) {
          if (ref != 800) later.push_back({ref, round * 1000, static_cast<double>(ref)});
        }
        log_samples(std::move(later));
      }
    }
    ASSERT_TRUE((*w)->Close().ok());
  }

  HeadMetrics hm;
  Head h(HeadOptions{}, nullptr, &hm);
  h.SetMinValidTime(model.min_valid);
  auto st = ReplayWal(*fs, "/wal", &h, &wm, GetParam());
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_EQ(st->corruptions, 0u);
  EXPECT_EQ(st->duplicate_series, model.duplicates);
  EXPECT_EQ(model.duplicates, 1u);
  EXPECT_EQ(hm.wal_unknown_refs.Get(), model.unknown);
  EXPECT_EQ(model.unknown, 1u + 59u);  // the early sample, then ref 123456 from t=1000 on
  EXPECT_EQ(h.NumSeries(), model.series.size());

  Dump got = DumpHead(h);
  uint64_t want_samples = 0;
  for (auto& [key, samples] : model.series) {
    if (samples.empty()) continue;  // a series without samples has no chunks to select
    want_samples += samples.size();
    auto it = got.find(key);
    ASSERT_NE(it, got.end()) << key;
    ASSERT_EQ(it->second.size(), samples.size()) << key;
    for (size_t i = 0; i < samples.size(); ++i) {
      ASSERT_EQ(it->second[i].t, samples[i].t) << key << " sample " << i;
      ASSERT_EQ(it->second[i].v, samples[i].v) << key << " sample " << i;
    }
  }
  EXPECT_EQ(hm.samples_appended.Get(), want_samples);
  EXPECT_EQ(h.MaxTime(), 59 * 1000 + 800);
  EXPECT_GE(h.MinTime(), model.min_valid);
}

INSTANTIATE_TEST_SUITE_P(Shards, ReplayShardsTest, ::testing::Values(1, 2, 3, 8));

}  // namespace
}  // namespace vigie::tsdb
