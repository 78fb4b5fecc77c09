// Scraping into the real TSDB (when it is built): samples, staleness markers and a restart
// with the WAL replayed all come back through the storage seam's querier.
#ifdef VIGIE_HAVE_TSDB
#include <gtest/gtest.h>

#include <thread>

#include "lib/temp_dir.h"
#include "net/http_server.h"
#include "scrape/manager.h"
#include "storage/value.h"
#include "tsdb/db.h"

namespace vigie::scrape {
namespace {

std::vector<storage::Sample> Query(storage::Queryable& q, const std::string& name,
                                   const std::string& job) {
  auto querier = q.NewQuerier(0, INT64_MAX);
  EXPECT_TRUE(querier.ok());
  std::vector<storage::Matcher> ms = {
      storage::Matcher::MustMake(storage::MatchType::kEqual, "__name__", name),
      storage::Matcher::MustMake(storage::MatchType::kEqual, "job", job)};
  auto set = (*querier)->Select(true, nullptr, ms);
  std::vector<storage::Sample> out;
  while (set->Next()) {
    auto it = set->At().Iterator();
    while (it->Next()) out.push_back(it->At());
  }
  return out;
}

TEST(TsdbScrapeTest, ScrapeIntoTsdbAndReopen) {
  std::mutex mu;
  std::string payload = "a 1\nb 2\n";
  net::ServerOptions so;
  so.listen_addresses = {"127.0.0.1:0"};
  auto server = net::HttpServer::Open(so);
  ASSERT_TRUE(server.ok());
  (*server)->router().Get("/metrics", [&](const net::Request&, net::Response& res) {
    std::lock_guard lock(mu);
    res.Set(200, payload, "text/plain; version=0.0.4");
  });
  ASSERT_TRUE((*server)->Start().ok());

  testing::TempDir dir;
  tsdb::Options to;
  to.dir = dir.path();
  to.compaction_interval_ms = 0;
  auto db = tsdb::DB::Open(to);
  ASSERT_TRUE(db.ok()) << db.error().message();

  ManagerOptions mo;
  mo.appendable = db->get();
  mo.discovery_update_interval = 10;
  auto m = Manager::Open(mo);
  ASSERT_TRUE(m.ok());
  ScrapeConfig c;
  c.job_name = "t";
  c.scrape_interval = 100;
  c.scrape_timeout = 100;
  c.discovery.static_configs.push_back(TargetGroup{
      {Labels{{"__address__", "127.0.0.1:" + std::to_string((*server)->port())}}}, {}, "0"});
  ASSERT_TRUE((*m)->ApplyConfig({c}).ok());
  (*m)->Run();
  auto wait = [&](const std::function<bool()>& pred) {
    for (int i = 0; i < 1000 && !pred(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return pred();
  };
  ASSERT_TRUE(wait([&] { return Query(**db, "b", "t").size() >= 2; }));
  {
    std::lock_guard lock(mu);
    payload = "a 1\n";
  }
  ASSERT_TRUE(wait([&] {
    auto b = Query(**db, "b", "t");
    return !b.empty() && storage::IsStaleNaN(b.back().v);
  }));
  (*m)->Stop();
  const size_t a_count = Query(**db, "a", "t").size();
  const size_t up_count = Query(**db, "up", "t").size();
  EXPECT_GE(a_count, 3u);
  ASSERT_TRUE((*db)->Close().ok());
  db->reset();
  (*server)->Shutdown(std::chrono::milliseconds(100));

  // Everything scraped is in the WAL and comes back on reopen.
  auto reopened = tsdb::DB::Open(to);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message();
  EXPECT_EQ(Query(**reopened, "a", "t").size(), a_count);
  EXPECT_EQ(Query(**reopened, "up", "t").size(), up_count);
  auto b = Query(**reopened, "b", "t");
  ASSERT_FALSE(b.empty());
  EXPECT_TRUE(storage::IsStaleNaN(b.back().v));
}

}  // namespace
}  // namespace vigie::scrape
#endif  // VIGIE_HAVE_TSDB
