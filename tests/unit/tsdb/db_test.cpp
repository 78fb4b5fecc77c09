#include "tsdb/db.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "instrument/registry.h"
#include "storage/list_series.h"

namespace vigie::tsdb {
namespace {

using storage::Matcher;
using storage::MatchType;

class DbTest : public ::testing::Test {
 protected:
  std::unique_ptr<fs::FileSystem> fs_ = fs::NewMemory();

  Options Opts() {
    Options o;
    o.dir = "/db";
    o.fs = fs_.get();
    o.compaction_interval_ms = 0;
    o.wal_sync_interval_ms = 0;
    return o;
  }

  std::unique_ptr<DB> MustOpen(Options o) {
    auto db = DB::Open(o);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message());
    return db.ok() ? std::move(db).value() : nullptr;
  }

  // Appends `series` counters every 15 s over [from, to).
  void Fill(DB& db, int series, int64_t from, int64_t to) {
    for (int64_t t = from; t < to; t += 15000) {
      auto app = db.NewAppender();
      for (int s = 0; s < series; ++s) {
        Labels l{{"__name__", "reqs_total"}, {"instance", std::to_string(s)}};
        ASSERT_TRUE(app->Append(0, l, t, static_cast<double>(t / 15000 * (s + 1))).ok());
      }
      ASSERT_TRUE(app->Commit().ok());
    }
  }

  std::vector<storage::ListSeries> All(DB& db, int64_t mint = INT64_MIN, int64_t maxt = INT64_MAX) {
    auto q = db.NewQuerier(mint, maxt);
    std::vector<Matcher> ms{Matcher::MustMake(MatchType::kEqual, "__name__", "reqs_total")};
    auto set = (*q)->Select(true, nullptr, ms);
    auto all = storage::ReadAll(*set);
    EXPECT_TRUE(all.ok()) << (all.ok() ? "" : all.error().message());
    return all.ok() ? std::move(all).value() : std::vector<storage::ListSeries>{};
  }

  void ExpectComplete(DB& db, int series, int64_t from, int64_t to) {
    auto all = All(db);
    ASSERT_EQ(all.size(), static_cast<size_t>(series));
    for (const auto& s : all) {
      int s_idx = std::stoi(std::string(s.labels().Get("instance")));
      ASSERT_EQ(s.samples().size(), static_cast<size_t>((to - from) / 15000))
          << s.labels().ToString();
      int64_t t = from;
      for (const auto& smp : s.samples()) {
        ASSERT_EQ(smp.t, t);
        ASSERT_EQ(smp.v, static_cast<double>(t / 15000 * (s_idx + 1)));
        t += 15000;
      }
    }
  }
};

// Appends, head compaction (cutting blocks and truncating the head and WAL), block compaction
// and queries all running at once: every query sees every sample committed before it started,
// exactly once and in order, however the data is split between head and blocks at that moment.
TEST_F(DbTest, ConcurrentAppendCompactAndQuerySeeEverySampleOnce) {
  Options o = Opts();
  o.min_block_duration_ms = 10 * 60 * 1000;  // many small head ranges, so compaction runs often
  auto db = MustOpen(o);
  constexpr int kSeries = 20;
  constexpr int64_t kEnd = 12 * kHourMs;
  std::atomic<int64_t> committed_end{0};  // samples in [0, committed_end) are committed
  std::atomic<bool> done{false};
  std::atomic<int> compactions{0}, queries{0};

  std::thread writer([&] {
    for (int64_t t = 0; t < kEnd; t += 15000) {
      auto app = db->NewAppender();
      for (int s = 0; s < kSeries; ++s) {
        Labels l{{"__name__", "reqs_total"}, {"instance", std::to_string(s)}};
        ASSERT_TRUE(app->Append(0, l, t, static_cast<double>(t / 15000 * (s + 1))).ok());
      }
      ASSERT_TRUE(app->Commit().ok());
      committed_end.store(t + 15000);
      if ((t / 15000) % 120 == 119) {
        // Every 30 min of data, let a compaction and a query run before going on (bounded).
        const int c = compactions.load(), q = queries.load();
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while ((compactions.load() == c || queries.load() == q) &&
               std::chrono::steady_clock::now() < deadline) {
          std::this_thread::yield();
        }
      }
    }
    done = true;
  });
  std::thread compactor([&] {
    while (!done) {
      ASSERT_TRUE(db->Compact().ok());
      ++compactions;
      std::this_thread::yield();
    }
  });
  auto check_reader = [&] {
    while (!done) {
      const int64_t end = committed_end.load();
      auto all = All(*db);
      ++queries;
      if (end == 0) continue;
      ASSERT_EQ(all.size(), static_cast<size_t>(kSeries));
      for (const auto& s : all) {
        const auto& smp = s.samples();
        // Every committed sample is there; later ones may be too (committed meanwhile).
        ASSERT_GE(smp.size(), static_cast<size_t>(end / 15000)) << s.labels().ToString();
        for (size_t i = 0; i < smp.size(); ++i) {
          ASSERT_EQ(smp[i].t, static_cast<int64_t>(i) * 15000) << s.labels().ToString();
        }
      }
    }
  };
  std::thread reader1(check_reader), reader2(check_reader);
  writer.join();
  compactor.join();
  reader1.join();
  reader2.join();
  EXPECT_GE(compactions.load(), 20);
  EXPECT_GE(queries.load(), 20);
  ASSERT_TRUE(db->Compact().ok());
  EXPECT_FALSE(db->Blocks().empty());
  ExpectComplete(*db, kSeries, 0, kEnd);
}

TEST_F(DbTest, HeadCompactsIntoBlocksAndQueriesSpanBoth) {
  auto db = MustOpen(Opts());
  Fill(*db, 5, 0, 6 * kHourMs);
  ASSERT_TRUE(db->Compact().ok());
  auto blocks = db->Blocks();
  // The head keeps ~1.5 ranges: 6h of data -> blocks [0,2h) and [2h,4h).
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].min_time, 0);
  EXPECT_EQ(blocks[0].max_time, 2 * kHourMs);
  EXPECT_EQ(blocks[0].num_series, 5u);
  EXPECT_EQ(blocks[0].num_samples, 5u * 480);
  EXPECT_EQ(db->head().MinTime(), 4 * kHourMs);
  ExpectComplete(*db, 5, 0, 6 * kHourMs);
  // Appends into a persisted range are refused as out of bounds.
  auto app = db->NewAppender();
  auto r = app->Append(0, {{"__name__", "reqs_total"}, {"instance", "0"}}, kHourMs, 1);
  EXPECT_FALSE(r.ok());
  // Range queries narrow properly across blocks and head.
  auto part = All(*db, 2 * kHourMs - 15000, 4 * kHourMs + 15000);
  ASSERT_EQ(part.size(), 5u);
  EXPECT_EQ(part[0].samples().size(), 1u + 2 * 240 + 2);  // inclusive bounds
}

// The bulk read the engine uses (Series::AppendSamples: blocks decoded straight into a vector,
// block and head parts chained) returns exactly what the iterators do, for querier ranges and
// read ranges that cut chunks, blocks and the head anywhere.
TEST_F(DbTest, AppendSamplesMatchesIteratorsAcrossBlocksAndHead) {
  auto db = MustOpen(Opts());
  Fill(*db, 3, 0, 6 * kHourMs);
  ASSERT_TRUE(db->Compact().ok());
  ASSERT_EQ(db->Blocks().size(), 2u);
  const int64_t cuts[] = {-1,
                          0,
                          7000,
                          15000,
                          29 * 60000 + 1,
                          2 * kHourMs - 15000,
                          2 * kHourMs,
                          3 * kHourMs + 7500,
                          4 * kHourMs,
                          5 * kHourMs,
                          6 * kHourMs + 1};
  std::vector<Matcher> ms{Matcher::MustMake(MatchType::kEqual, "__name__", "reqs_total")};
  for (int64_t qmin : cuts) {
    for (int64_t qmax : cuts) {
      if (qmax < qmin) continue;
      auto q = db->NewQuerier(qmin, qmax);
      ASSERT_TRUE(q.ok());
      auto set = (*q)->Select(true, nullptr, ms);
      while (set->Next()) {
        const storage::Series& s = set->At();
        for (int64_t rmin : {qmin - 100000, qmin, qmin + 15000, 3 * kHourMs}) {
          for (int64_t rmax : {qmax, qmax - 15000, 2 * kHourMs + 1, qmax + 100000}) {
            std::vector<storage::Sample> want, got;
            auto it = s.Iterator();
            if (rmax >= rmin && it->Seek(rmin)) {
              do {
                if (it->At().t > rmax) break;
                want.push_back(it->At());
              } while (it->Next());
            }
            ASSERT_TRUE(it->Err().ok());
            ASSERT_TRUE(s.AppendSamples(rmin, rmax, &got).ok());
            ASSERT_EQ(got.size(), want.size())
                << qmin << " " << qmax << " read " << rmin << " " << rmax;
            for (size_t i = 0; i < got.size(); ++i) {
              ASSERT_EQ(got[i].t, want[i].t);
              ASSERT_EQ(got[i].v, want[i].v);
            }
          }
        }
      }
      ASSERT_TRUE(set->Err().ok());
    }
  }
}

TEST_F(DbTest, ReopenReplaysWalWithoutDuplicatingBlockData) {
  {
    auto db = MustOpen(Opts());
    Fill(*db, 3, 0, 5 * kHourMs);
    ASSERT_TRUE(db->Compact().ok());
    Fill(*db, 3, 5 * kHourMs, 6 * kHourMs);
    ASSERT_TRUE(db->Close().ok());
  }
  auto db = MustOpen(Opts());
  EXPECT_FALSE(db->Blocks().empty());
  ExpectComplete(*db, 3, 0, 6 * kHourMs);
  // And again after a further compaction + reopen (checkpoint path).
  Fill(*db, 3, 6 * kHourMs, 9 * kHourMs);
  ASSERT_TRUE(db->Compact().ok());
  ASSERT_TRUE(db->Close().ok());
  db = MustOpen(Opts());
  ExpectComplete(*db, 3, 0, 9 * kHourMs);
}

TEST_F(DbTest, BlocksCompactIntoLargerRanges) {
  auto db = MustOpen(Opts());
  Fill(*db, 2, 0, 10 * kHourMs);
  ASSERT_TRUE(db->Compact().ok());
  auto blocks = db->Blocks();
  // [0,6h) merged from three 2h blocks; [6h,8h) stays level 1.
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].min_time, 0);
  EXPECT_EQ(blocks[0].max_time, 6 * kHourMs);
  EXPECT_EQ(blocks[0].level, 2);
  EXPECT_EQ(blocks[0].sources.size(), 3u);
  EXPECT_EQ(blocks[0].parents.size(), 3u);
  EXPECT_EQ(blocks[1].min_time, 6 * kHourMs);
  ExpectComplete(*db, 2, 0, 10 * kHourMs);
  EXPECT_GE(db->metrics().compactions.Get(), 5u);
}

TEST_F(DbTest, RetentionByTimeAndSize) {
  auto o = Opts();
  o.retention_ms = 4 * kHourMs;
  o.max_block_duration_ms = 2 * kHourMs;  // no merging, to see individual blocks go
  auto db = MustOpen(o);
  Fill(*db, 2, 0, 12 * kHourMs);
  ASSERT_TRUE(db->Compact().ok());
  auto blocks = db->Blocks();
  ASSERT_FALSE(blocks.empty());
  // Newest block ends at 10h; blocks ending more than 4h before that are gone.
  EXPECT_EQ(blocks.front().min_time, 4 * kHourMs);
  EXPECT_GE(db->metrics().time_retentions.Get(), 1u);
  ASSERT_TRUE(db->Close().ok());

  auto o2 = Opts();
  o2.dir = "/db2";
  o2.retention_ms = 0;
  o2.max_block_duration_ms = 2 * kHourMs;
  o2.wal_enabled = false;
  auto db2 = MustOpen(o2);
  Fill(*db2, 2, 0, 12 * kHourMs);
  ASSERT_TRUE(db2->Compact().ok());
  auto before = db2->Blocks();
  ASSERT_EQ(before.size(), 5u);
  uint64_t one = static_cast<uint64_t>(db2->metrics().blocks_bytes.Get()) / before.size();
  ASSERT_TRUE(db2->Close().ok());
  o2.retention_bytes = one * 2 + one / 2;
  db2 = MustOpen(o2);
  ASSERT_TRUE(db2->Compact().ok());
  auto after = db2->Blocks();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after.back().max_time, before.back().max_time);  // the newest ones stay
  EXPECT_EQ(db2->metrics().size_retentions.Get(), 1u);
}

TEST_F(DbTest, DamagedBlockIsMovedAsideAndTheRestLoads) {
  {
    auto db = MustOpen(Opts());
    Fill(*db, 2, 0, 7 * kHourMs);
    ASSERT_TRUE(db->Compact().ok());
    ASSERT_EQ(db->Blocks().size(), 2u);
    ASSERT_TRUE(db->Close().ok());
  }
  auto o = Opts();
  o.max_block_duration_ms = 2 * kHourMs;
  auto entries = *fs_->ListDir("/db");
  std::string victim;
  for (const auto& e : entries) {
    if (e.is_dir && e.name.size() == 26) victim = e.name;
  }
  ASSERT_FALSE(victim.empty());
  auto index = "/db/" + victim + "/index";
  auto data = *fs_->ReadFile(index);
  data[data.size() - 10] ^= 0x55;  // damage the table of contents
  ASSERT_TRUE((*fs_->OpenWritable(index, true))->Append(data).ok());
  auto db = MustOpen(o);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->Blocks().size(), 1u);
  EXPECT_TRUE(fs_->Exists("/db/" + victim + ".damaged"));
  EXPECT_FALSE(fs_->Exists("/db/" + victim));
  EXPECT_EQ(db->metrics().blocks_corrupted.Get(), 1u);
}

TEST_F(DbTest, MetricsUsePrometheusNames) {
  instrument::Registry reg;
  auto o = Opts();
  auto db = DB::Open(o, &reg);
  ASSERT_TRUE(db.ok());
  Fill(**db, 3, 0, 60000);
  auto text = reg.Render(expfmt::Format::kText004);
  EXPECT_NE(text.find("prometheus_tsdb_head_series 3"), std::string::npos) << text;
  EXPECT_NE(text.find("prometheus_tsdb_head_samples_appended_total 12"), std::string::npos);
  EXPECT_NE(text.find("prometheus_tsdb_wal_fsync_duration_seconds_bucket{le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(text.find("prometheus_tsdb_out_of_order_samples_total 0"), std::string::npos);
  EXPECT_NE(text.find("# TYPE prometheus_tsdb_compactions_total counter"), std::string::npos);
  ASSERT_TRUE((*db)->Close().ok());
  EXPECT_EQ(reg.Render(expfmt::Format::kText004).find("prometheus_tsdb_head_series"),
            std::string::npos);
}

}  // namespace
}  // namespace vigie::tsdb

namespace vigie::tsdb {
namespace {

TEST(DbFaults, FailedWalWriteFailsTheCommitAndLeavesNoTrace) {
  auto mem = fs::NewMemory();
  bool fail = false;
  auto faulty = fs::NewFaultInjecting(*mem, [&](std::string_view op, const std::string& path) {
    return fail && op == "append" && path.find("/wal/") != std::string::npos;
  });
  Options o;
  o.dir = "/db";
  o.fs = faulty.get();
  o.compaction_interval_ms = 0;
  o.wal_sync_interval_ms = 0;
  auto db = DB::Open(o);
  ASSERT_TRUE(db.ok());
  Labels l{{"__name__", "m"}};
  auto app = (*db)->NewAppender();
  ASSERT_TRUE(app->Append(0, l, 1000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  fail = true;
  app = (*db)->NewAppender();
  ASSERT_TRUE(app->Append(0, l, 2000, 2).ok());
  auto st = app->Commit();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kIo);
  EXPECT_GE((*db)->metrics().wal.writes_failed.Get(), 1u);
  // The failed commit's sample is not visible, and the series can still be appended to.
  fail = false;
  app = (*db)->NewAppender();
  ASSERT_TRUE(app->Append(0, l, 3000, 3).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto q = (*db)->NewQuerier(0, INT64_MAX);
  std::vector<storage::Matcher> ms{
      storage::Matcher::MustMake(storage::MatchType::kEqual, "__name__", "m")};
  auto all = storage::ReadAll(*(*q)->Select(true, nullptr, ms));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  ASSERT_EQ((*all)[0].samples().size(), 2u);
  EXPECT_EQ((*all)[0].samples()[1].t, 3000);
  // Nor does it come back from the WAL after a restart.
  q->reset();
  app.reset();  // an appender must not outlive its DB
  ASSERT_TRUE((*db)->Close().ok());
  db = DB::Open(o);
  ASSERT_TRUE(db.ok());
  q = (*db)->NewQuerier(0, INT64_MAX);
  all = storage::ReadAll(*(*q)->Select(true, nullptr, ms));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  ASSERT_EQ((*all)[0].samples().size(), 2u);
  EXPECT_EQ((*all)[0].samples()[0].t, 1000);
  EXPECT_EQ((*all)[0].samples()[1].t, 3000);
}

}  // namespace
}  // namespace vigie::tsdb

namespace vigie::tsdb {
namespace {

// Regression: Close() while the closing thread holds a querier and a background compaction
// waits for that querier used to deadlock.
TEST(DbClose, DoesNotWaitForLiveQueriersOfTheClosingThread) {
  auto fs = fs::NewMemory();
  Options o;
  o.dir = "/db";
  o.fs = fs.get();
  o.min_block_duration_ms = 60000;
  o.compaction_interval_ms = 5;
  o.wal_sync_interval_ms = 0;
  auto db = DB::Open(o);
  ASSERT_TRUE(db.ok());
  auto q = (*db)->NewQuerier(INT64_MIN, INT64_MAX);
  ASSERT_TRUE(q.ok());
  for (int64_t t = 0; t < 300000; t += 1000) {
    auto app = (*db)->NewAppender();
    ASSERT_TRUE(app->Append(0, {{"__name__", "m"}}, t, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let a compaction block
  EXPECT_TRUE((*db)->Close().ok());
}

}  // namespace
}  // namespace vigie::tsdb
