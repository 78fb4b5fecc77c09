#include "tsdb/import.h"

#include <gtest/gtest.h>

#include "storage/list_series.h"
#include "tsdb/db.h"

namespace vigie::tsdb {
namespace {

TEST(Import, OpenMetricsIntoAlignedBlocksReadableByTheDb) {
  auto fs = fs::NewMemory();
  std::string om = "# TYPE reqs counter\n";
  // 3 h of samples every 15 s starting at 1h: blocks [0,2h) and [2h,4h).
  for (int64_t t = 3600; t < 4 * 3600; t += 15) {
    om += "reqs_total{code=\"200\"} " + std::to_string(t * 2) + " " + std::to_string(t) + "\n";
  }
  om += "reqs_total{code=\"500\"} 1 3600.5\n";
  om += "# TYPE temp gauge\ntemp 21.5 3600\ntemp 21.25 3615\n# EOF\n";
  ASSERT_TRUE(fs->MkdirAll("/in").ok());
  ASSERT_TRUE(fs->WriteFileAtomic("/in/data.om", om).ok());
  auto res = ImportOpenMetrics(*fs, "/in/data.om", "/db", ImportOptions{});
  ASSERT_TRUE(res.ok()) << res.error().message();
  ASSERT_EQ(res->blocks.size(), 2u);
  EXPECT_EQ(res->blocks[0].min_time, 0);
  EXPECT_EQ(res->blocks[0].max_time, 2 * kHourMs);
  EXPECT_EQ(res->blocks[1].min_time, 2 * kHourMs);
  EXPECT_EQ(res->samples, 720u + 1 + 2);

  Options o;
  o.dir = "/db";
  o.fs = fs.get();
  o.compaction_interval_ms = 0;
  o.retention_ms = 0;
  auto db = DB::Open(o);
  ASSERT_TRUE(db.ok());
  auto q = (*db)->NewQuerier(0, INT64_MAX);
  std::vector<storage::Matcher> ms{
      storage::Matcher::MustMake(storage::MatchType::kEqual, "__name__", "reqs_total")};
  auto all = storage::ReadAll(*(*q)->Select(true, nullptr, ms));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].samples().size(), 720u);
  EXPECT_EQ((*all)[1].samples()[0].t, 3600500);

  auto an = Analyze(*fs, "/db", 5);
  ASSERT_TRUE(an.ok());
  EXPECT_EQ(an->blocks, 2u);
  EXPECT_EQ(an->series, 3u);
  EXPECT_EQ(an->samples, 723u);
  auto text = FormatAnalyze(*an);
  EXPECT_NE(text.find("Bytes per sample"), std::string::npos) << text;
  EXPECT_NE(text.find("2 code"), std::string::npos) << text;
}

TEST(Import, ErrorsNameTheProblem) {
  auto fs = fs::NewMemory();
  ASSERT_TRUE(fs->MkdirAll("/in").ok());
  ASSERT_TRUE(fs->WriteFileAtomic("/in/a.om", "up 1\n# EOF\n").ok());
  auto r = ImportOpenMetrics(*fs, "/in/a.om", "/db", ImportOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("no timestamp"), std::string::npos) << r.error().message();
  ASSERT_TRUE(fs->WriteFileAtomic("/in/b.om", "up 1 1\n").ok());
  r = ImportOpenMetrics(*fs, "/in/b.om", "/db", ImportOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("EOF"), std::string::npos);
}

}  // namespace
}  // namespace vigie::tsdb
