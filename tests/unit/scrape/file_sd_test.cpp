#include "scrape/discovery/file_sd.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "lib/temp_dir.h"
#include "scrape/discovery/manager.h"

namespace vigie::scrape {
namespace {

void Write(const std::string& path, const std::string& content) {
  std::ofstream(path + ".tmp") << content;
  std::rename((path + ".tmp").c_str(), path.c_str());
}

TEST(FileSdParseTest, JsonAndYaml) {
  auto j = ParseFileSd(
      R"([{"targets": ["a:1", "b:2"], "labels": {"env": "prod"}}, {"targets": ["c:3"]}])",
      "/t/x.json");
  ASSERT_TRUE(j.ok()) << j.error().message();
  ASSERT_EQ(j->size(), 2u);
  EXPECT_EQ((*j)[0].targets.size(), 2u);
  EXPECT_EQ((*j)[0].targets[1].Get("__address__"), "b:2");
  EXPECT_EQ((*j)[0].labels.Get("env"), "prod");
  EXPECT_EQ((*j)[0].labels.Get("__meta_filepath"), "/t/x.json");
  EXPECT_EQ((*j)[0].source, "/t/x.json:0");
  EXPECT_EQ((*j)[1].source, "/t/x.json:1");

  auto y = ParseFileSd("- targets: ['a:1']\n  labels:\n    env: dev\n", "/t/x.yml");
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ((*y)[0].labels.Get("env"), "dev");
  EXPECT_TRUE(ParseFileSd("", "/t/empty.yml")->empty());
}

TEST(FileSdParseTest, Errors) {
  auto bad_json = ParseFileSd("[{\"targets\": [1]}]", "x.json");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_EQ(bad_json.error().message(), "x.json: group 1: targets must be a list of strings");
  auto bad_label = ParseFileSd(R"([{"targets": ["a:1"], "labels": {"bad-name": "x"}}])", "x.json");
  ASSERT_FALSE(bad_label.ok());
  EXPECT_EQ(bad_label.error().message(), "x.json: group 1: \"bad-name\" is not a valid label name");
  EXPECT_FALSE(ParseFileSd("{not json", "x.json").ok());
  EXPECT_FALSE(ParseFileSd("targets: [a]", "x.yaml").ok());  // a mapping, not a list
  auto unknown = ParseFileSd("- targets: [a]\n  lables: {}\n", "x.yaml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("unknown field \"lables\""), std::string::npos);
}

TEST(FileDiscovererTest, RefreshReportsChangesAndRemovals) {
  testing::TempDir dir;
  Write(dir.Join("a.json"), R"([{"targets": ["a:1"]}, {"targets": ["a:2"]}])");
  Write(dir.Join("b.yml"), "- targets: ['b:1']\n");
  FileDiscoverer d(FileSdConfig{{dir.Join("*.json"), dir.Join("b.yml")}, 60000});
  auto first = d.Refresh();
  EXPECT_EQ(first.size(), 3u);
  EXPECT_TRUE(d.Refresh().empty());  // nothing changed

  // One group fewer in a.json, b.yml broken (keeps its targets), c.json new.
  Write(dir.Join("a.json"), R"([{"targets": ["a:9"]}])");
  Write(dir.Join("b.yml"), "- targets: [unclosed\n");
  Write(dir.Join("c.json"), R"([{"targets": ["c:1"]}])");
  auto second = d.Refresh();
  std::map<std::string, size_t> by_source;
  for (const auto& g : second) by_source[g.source] = g.targets.size();
  EXPECT_EQ(by_source[dir.Join("a.json") + ":0"], 1u);       // changed
  EXPECT_EQ(by_source[dir.Join("a.json") + ":1"], 0u);       // removed
  EXPECT_EQ(by_source[dir.Join("c.json") + ":0"], 1u);       // new
  EXPECT_EQ(by_source.count(dir.Join("b.yml") + ":0"), 0u);  // kept as it was
  EXPECT_EQ(d.read_errors(), 1u);

  std::remove(dir.Join("c.json").c_str());
  auto third = d.Refresh();
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].source, dir.Join("c.json") + ":0");
  EXPECT_TRUE(third[0].targets.empty());
}

// The discovery manager runs a file discoverer: a rewritten file reaches the consumer (through
// inotify, long before the 1h refresh interval).
TEST(FileDiscovererTest, ManagerSeesFileChanges) {
  testing::TempDir dir;
  Write(dir.Join("t.json"), R"([{"targets": ["a:1"]}])");
  std::mutex mu;
  std::condition_variable cv;
  TargetSets last;
  int updates = 0;
  DiscoveryManagerOptions o;
  o.update_interval = 10;
  DiscoveryManager m(o, [&](const TargetSets& s) {
    std::lock_guard lock(mu);
    last = s;
    ++updates;
    cv.notify_all();
  });
  DiscoveryConfigs cfgs;
  cfgs.file_sd_configs.push_back(FileSdConfig{{dir.Join("*.json")}, 3600 * 1000});
  cfgs.static_configs.push_back(TargetGroup{{Labels{{"__address__", "s:1"}}}, {}, "0"});
  ASSERT_TRUE(m.ApplyConfig({{"job", cfgs}}).ok());
  m.Run();
  auto wait_for = [&](const std::function<bool()>& pred) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), pred);
  };
  auto count_targets = [&] {
    size_t n = 0;
    for (const auto& g : last["job"]) n += g.targets.size();
    return n;
  };
  ASSERT_TRUE(wait_for([&] { return count_targets() == 2; }));
  Write(dir.Join("t.json"), R"([{"targets": ["a:1", "a:2", "a:3"]}])");
  ASSERT_TRUE(wait_for([&] { return count_targets() == 4; }));
  // Removing the job empties it for the consumer.
  ASSERT_TRUE(m.ApplyConfig({}).ok());
  ASSERT_TRUE(wait_for([&] { return last.count("job") == 0; }));
  m.Stop();
}

}  // namespace
}  // namespace vigie::scrape
