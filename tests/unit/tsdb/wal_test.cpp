#include "tsdb/wal/wal.h"

#include <gtest/gtest.h>

#include <random>

#include "storage/list_series.h"
#include "tsdb/crc32c.h"
#include "tsdb/head.h"
#include "tsdb/head_wal.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/records.h"

namespace vigie::tsdb::wal {
namespace {

std::vector<std::string> ReadAllRecords(fs::FileSystem& fs, const std::string& dir, Status* err) {
  auto segs = ListSegments(fs, dir);
  Reader r(fs, dir, *segs);
  std::vector<std::string> out;
  while (r.Next()) out.emplace_back(r.Record());
  *err = r.Err();
  return out;
}

TEST(Crc32c, KnownVector) {
  EXPECT_EQ(Crc32c("123456789"), 0xe3069283u);
  std::string big(1000, 'x');
  EXPECT_EQ(Crc32c(Crc32c(0, big.data(), 300), big.data() + 300, 700), Crc32c(big));
}

TEST(Records, RoundTrip) {
  std::vector<RefSeries> series{{1, {{"__name__", "a"}, {"x", "y"}}}, {7, {{"__name__", "b"}}}};
  std::string rec;
  EncodeSeries(series, &rec);
  std::vector<RefSeries> got;
  ASSERT_TRUE(DecodeSeries(rec, &got).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].ref, 7u);
  EXPECT_EQ(got[0].labels, series[0].labels);
  std::vector<RefSample> samples{{5, 1000, 1.5}, {3, 900, -2}, {9, 2000, 0}};
  rec.clear();
  EncodeSamples(samples, &rec);
  std::vector<RefSample> gs;
  ASSERT_TRUE(DecodeSamples(rec, &gs).ok());
  ASSERT_EQ(gs.size(), 3u);
  EXPECT_EQ(gs[1].ref, 3u);
  EXPECT_EQ(gs[1].t, 900);
  EXPECT_EQ(gs[1].v, -2);
  EXPECT_FALSE(DecodeSamples(rec.substr(0, rec.size() - 3), &gs).ok());
}

TEST(Wal, RecordsOfAllSizesAcrossPagesAndSegments) {
  auto fs = fs::NewMemory();
  WalMetrics m;
  WalOptions opts;
  opts.segment_size = 4 * kPageSize;
  opts.sync_interval_ms = 0;
  auto w = Wal::Open(*fs, "/wal", opts, &m);
  ASSERT_TRUE(w.ok()) << w.error().message();
  std::mt19937 rng(1);
  std::vector<std::string> want;
  for (int i = 0; i < 300; ++i) {
    size_t n = 1 + rng() % (i % 10 == 0 ? 3 * kPageSize : 500);
    std::string rec(n, '\0');
    for (auto& c : rec) c = static_cast<char>(rng());
    rec[0] = static_cast<char>(1 + i % 200);
    ASSERT_TRUE((*w)->Log(rec, i % 3 == 0).ok());
    want.push_back(rec);
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto segs = ListSegments(*fs, "/wal");
  EXPECT_GT(segs->size(), 3u);
  Status err;
  auto got = ReadAllRecords(*fs, "/wal", &err);
  ASSERT_TRUE(err.ok()) << err.error().message();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << i;
}

TEST(Wal, DamagedTailIsRepaired) {
  for (int mode = 0; mode < 2; ++mode) {  // 0: flipped byte, 1: torn (truncated) write
    auto fs = fs::NewMemory();
    WalMetrics m;
    WalOptions opts;
    opts.sync_interval_ms = 0;
    auto w = Wal::Open(*fs, "/wal", opts, &m);
    std::vector<std::string> recs;
    for (int i = 0; i < 100; ++i) {
      recs.push_back(std::string(100 + i, static_cast<char>('a' + i % 26)));
      ASSERT_TRUE((*w)->Log(recs.back(), true).ok());
    }
    ASSERT_TRUE((*w)->Close().ok());
    std::string path = "/wal/" + SegmentName(0);
    auto data = *fs->ReadFile(path);
    // Damage record 60 (find its offset by re-reading).
    size_t off = 0;
    for (int i = 0; i < 60; ++i) off += kRecordHeaderSize + recs[static_cast<size_t>(i)].size();
    if (mode == 0) {
      data[off + kRecordHeaderSize + 5] ^= 0x40;
    } else {
      data.resize(off + 20);
    }
    auto f = fs->OpenWritable(path, true);
    ASSERT_TRUE((*f)->Append(data).ok());
    Status err;
    auto got = ReadAllRecords(*fs, "/wal", &err);
    EXPECT_EQ(got.size(), 60u);
    ASSERT_FALSE(err.ok());
    EXPECT_EQ(err.error().code(), ErrorCode::kCorruption);
    Reader r(*fs, "/wal", *ListSegments(*fs, "/wal"));
    while (r.Next()) {
    }
    EXPECT_EQ(r.GoodOffset(), off);
    ASSERT_TRUE(Repair(*fs, "/wal", r.Segment(), r.GoodOffset()).ok());
    got = ReadAllRecords(*fs, "/wal", &err);
    EXPECT_TRUE(err.ok());
    EXPECT_EQ(got.size(), 60u);
    // Writing resumes in a fresh segment and everything reads back.
    auto w2 = Wal::Open(*fs, "/wal", opts, &m);
    ASSERT_TRUE((*w2)->Log("new-record", true).ok());
    ASSERT_TRUE((*w2)->Close().ok());
    got = ReadAllRecords(*fs, "/wal", &err);
    EXPECT_TRUE(err.ok());
    ASSERT_EQ(got.size(), 61u);
    EXPECT_EQ(got.back(), "new-record");
  }
}

TEST(Wal, WriteFailureIsReported) {
  auto mem = fs::NewMemory();
  bool fail = false;
  auto fs = fs::NewFaultInjecting(
      *mem, [&](std::string_view op, const std::string&) { return fail && op == "append"; });
  WalMetrics m;
  WalOptions opts;
  opts.sync_interval_ms = 0;
  auto w = Wal::Open(*fs, "/wal", opts, &m);
  ASSERT_TRUE((*w)->Log("ok", true).ok());
  fail = true;
  auto st = (*w)->Log("boom", true);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(m.writes_failed.Get(), 1u);
}

TEST(Wal, HeadReplayAndCheckpoint) {
  auto fs = fs::NewMemory();
  WalMetrics wm;
  WalOptions opts;
  opts.segment_size = 2 * kPageSize;
  opts.sync_interval_ms = 0;
  HeadMetrics hm;
  int64_t hour = 3600 * 1000;
  {
    auto w = Wal::Open(*fs, "/wal", opts, &wm);
    Head h(HeadOptions{}, w->get(), &hm);
    for (int64_t t = 0; t < 4 * hour; t += 60000) {
      auto app = h.NewAppender();
      ASSERT_TRUE(app->Append(0, {{"__name__", "keep"}}, t, static_cast<double>(t)).ok());
      if (t < hour) {
        ASSERT_TRUE(app->Append(0, {{"__name__", "gone"}}, t, 1).ok());
      }
      ASSERT_TRUE(app->Commit().ok());
    }
    // Truncate the head at 2h, then checkpoint the older segments as the DB does.
    h.Truncate(2 * hour);
    int last = (*w)->CurrentSegment();
    auto cut = (*w)->NextSegment();
    ASSERT_TRUE(cut.ok());
    ASSERT_TRUE(
        Checkpoint(
            *fs, "/wal", 0, last, [&](uint64_t ref) { return h.HasSeries(ref); }, 2 * hour, &wm)
            .ok());
    ASSERT_TRUE((*w)->TruncateBefore(last + 1).ok());
    auto app = h.NewAppender();
    ASSERT_TRUE(app->Append(0, {{"__name__", "keep"}}, 4 * hour, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  auto segs = ListSegments(*fs, "/wal");
  auto ck = LastCheckpoint(*fs, "/wal");
  ASSERT_TRUE(ck.ok() && ck->has_value());

  HeadMetrics hm2;
  Head h2(HeadOptions{}, nullptr, &hm2);
  auto st = ReplayWal(*fs, "/wal", &h2, &wm);
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_EQ(h2.NumSeries(), 1u);
  auto q = h2.NewQuerier(INT64_MIN, INT64_MAX);
  std::vector<storage::Matcher> ms{
      storage::Matcher::MustMake(storage::MatchType::kRegexMatch, "__name__", ".+")};
  auto set = (*q)->Select(true, nullptr, ms);
  auto all = storage::ReadAll(*set);
  ASSERT_EQ(all->size(), 1u);
  const auto& s = (*all)[0].samples();
  EXPECT_EQ(s.front().t, 2 * hour);
  EXPECT_EQ(s.back().t, 4 * hour);
  EXPECT_EQ(s.size(), 2u * 60 + 1);
}

TEST(Wal, ReplayRepairsDamagedTailAndStarts) {
  auto fs = fs::NewMemory();
  WalMetrics wm;
  WalOptions opts;
  opts.sync_interval_ms = 0;
  HeadMetrics hm;
  {
    auto w = Wal::Open(*fs, "/wal", opts, &wm);
    Head h(HeadOptions{}, w->get(), &hm);
    for (int i = 0; i < 50; ++i) {
      auto app = h.NewAppender();
      ASSERT_TRUE(app->Append(0, {{"__name__", "m"}}, i * 1000, i).ok());
      ASSERT_TRUE(app->Commit().ok());
    }
    ASSERT_TRUE((*w)->Close().ok());
  }
  auto path = "/wal/" + SegmentName(0);
  auto size = *fs->FileSize(path);
  ASSERT_TRUE(fs->Truncate(path, size - 5).ok());  // torn last record
  HeadMetrics hm2;
  Head h2(HeadOptions{}, nullptr, &hm2);
  auto st = ReplayWal(*fs, "/wal", &h2, &wm);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->corruptions, 1u);
  EXPECT_EQ(wm.corruptions.Get(), 1u);
  EXPECT_EQ(h2.MaxTime(), 48000);
  EXPECT_EQ(hm2.samples_appended.Get(), 49u);
}

}  // namespace
}  // namespace vigie::tsdb::wal
