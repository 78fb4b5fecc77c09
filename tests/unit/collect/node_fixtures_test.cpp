// The node collectors on fixture trees, compared with what the real node-exporter 1.5 printed for
// the same trees (tests/testdata/node/*/node_exporter_1.5.prom) and with our own golden output
// (expected.prom; regenerate with VIGIE_UPDATE_GOLDEN=1 after a deliberate change).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>

#include "collect/collector_set.h"
#include "collect/node.h"
#include "node_test_support.h"

namespace vigie::collect {
namespace {

using testing::CollectAll;
using testing::FixtureDir;
using testing::FixtureOptions;
using testing::ParseText;
using testing::ReadTextFile;
using testing::RenderSorted;

const std::vector<std::string> kAllCollectors = {"cpu",     "diskstats", "filesystem", "loadavg",
                                                 "meminfo", "netdev",    "os",         "pressure",
                                                 "stat",    "time",      "uname",      "vmstat"};

class UtcTimeZone : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    if (tz) saved_tz_ = tz;
    had_tz_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      setenv("TZ", saved_tz_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  bool had_tz_ = false;
  std::string saved_tz_;
};

// Output of a CollectorSet over `names`, rendered.
std::string GatherText(const NodeOptions& o, const std::vector<std::string>& names) {
  CollectorSet set;
  for (const auto& n : names) {
    auto c = NewNodeCollector(n, o);
    EXPECT_TRUE(c.ok()) << n;
    if (c.ok()) set.Add(std::move(*c));
  }
  std::vector<expfmt::MetricFamily> families;
  set.Gather(&families);
  return RenderSorted(std::move(families));
}

bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

// Families whose values depend on the moment or the machine, not on the tree: compared by
// label set only.
bool ValueFree(const std::string& family) {
  static const std::set<std::string> kFree = {
      "node_time_seconds",           "node_scrape_collector_duration_seconds",
      "node_filesystem_size_bytes",  "node_filesystem_free_bytes",
      "node_filesystem_avail_bytes", "node_filesystem_files",
      "node_filesystem_files_free"};
  return kFree.count(family) > 0;
}

// Every family and series node-exporter printed is in ours, with the same type, help text,
// label names and (unless value-free) value.
void ExpectMatchesNodeExporter(const std::string& fixture, const std::string& ours_text,
                               const std::set<std::string>& allowed_extra_families) {
  auto ref = ParseText(ReadTextFile(FixtureDir(fixture) + "/node_exporter_1.5.prom"));
  auto ours = ParseText(ours_text);
  ASSERT_FALSE(ref.families.empty());
  for (const auto& [name, rf] : ref.families) {
    if (name == "node_exporter_build_info") continue;  // the exporter's own, not a collector's
    auto it = ours.families.find(name);
    if (it == ours.families.end()) {
      ADD_FAILURE() << fixture << ": family " << name << " missing";
      continue;
    }
    EXPECT_EQ(it->second.type, rf.type) << name;
    EXPECT_EQ(it->second.label_names, rf.label_names) << name;
    if (!StartsWith(name, "node_scrape_collector_")) {
      EXPECT_EQ(it->second.help, rf.help) << name;
    }
  }
  for (const auto& [key, value] : ref.series) {
    const std::string& family = ref.family_of_series[key];
    if (family == "node_exporter_build_info") continue;
    auto it = ours.series.find(key);
    if (it == ours.series.end()) {
      ADD_FAILURE() << fixture << ": series " << key << " missing";
      continue;
    }
    if (!ValueFree(family)) {
      EXPECT_EQ(it->second, value) << key;
    }
  }
  for (const auto& [key, value] : ours.series) {
    const std::string& family = ours.family_of_series[key];
    if (allowed_extra_families.count(family)) continue;
    EXPECT_TRUE(ref.series.count(key)) << fixture << ": extra series " << key;
  }
}

void ExpectGolden(const std::string& fixture, const std::string& text) {
  std::string path = FixtureDir(fixture) + "/expected.prom";
  if (std::getenv("VIGIE_UPDATE_GOLDEN")) {
    std::ofstream(path) << text;
    GTEST_SKIP() << "wrote " << path;
  }
  EXPECT_EQ(text, ReadTextFile(path))
      << "output differs from " << path << " (VIGIE_UPDATE_GOLDEN=1 rewrites it)";
}

class Debian12Vm : public UtcTimeZone {};

TEST_F(Debian12Vm, MatchesNodeExporter) {
  std::string text = GatherText(FixtureOptions("debian12-vm"), kAllCollectors);
  // /proc/net/dev has no rx_nohandler column: node-exporter in /proc/net/dev mode leaves it out.
  ExpectMatchesNodeExporter("debian12-vm", text, {"node_network_receive_nohandler_total"});
}

TEST_F(Debian12Vm, Golden) {
  std::vector<std::string> errors;
  auto families = CollectAll(FixtureOptions("debian12-vm"), kAllCollectors, &errors);
  EXPECT_TRUE(errors.empty()) << errors.front();
  ExpectGolden("debian12-vm", RenderSorted(std::move(families)));
}

TEST_F(Debian12Vm, SpotValues) {
  std::vector<std::string> errors;
  auto p =
      ParseText(RenderSorted(CollectAll(FixtureOptions("debian12-vm"), kAllCollectors, &errors)));
  EXPECT_EQ(p.series["node_memory_MemTotal_bytes{}"], 24683620.0 * 1024);
  EXPECT_EQ(p.series["node_cpu_seconds_total{cpu=\"1\",mode=\"user\"}"], 153.91);
  EXPECT_EQ(p.series["node_filesystem_size_bytes{device=\"/dev/vda\",fstype=\"ext4\","
                     "mountpoint=\"/\"}"],
            4096.0 * 1000000);
  EXPECT_EQ(p.series["node_filesystem_avail_bytes{device=\"/dev/vda\",fstype=\"ext4\","
                     "mountpoint=\"/\"}"],
            4096.0 * 300000);
  EXPECT_EQ(p.series["node_network_receive_nohandler_total{device=\"eth0\"}"], 0);
  // Nanoseconds divided as node-exporter divides them.
  EXPECT_EQ(p.series["node_time_seconds{}"], 1700000000250000000.0 / 1e9);
  EXPECT_FALSE(p.series.count("node_network_receive_bytes_total{device=\"lo\"}"));
  EXPECT_FALSE(p.series.count("node_disk_reads_completed_total{device=\"loop0\"}"));
}

class SyntheticEdge : public UtcTimeZone {};

TEST_F(SyntheticEdge, MatchesNodeExporter) {
  std::vector<std::string> names;
  for (const auto& n : kAllCollectors) {
    if (n != "filesystem") names.push_back(n);
  }
  std::string text = GatherText(FixtureOptions("synthetic-edge"), names);
  ExpectMatchesNodeExporter("synthetic-edge", text, {"node_network_receive_nohandler_total"});
  auto p = ParseText(text);
  EXPECT_EQ(p.series["node_scrape_collector_success{collector=\"pressure\"}"], 0);
  EXPECT_EQ(p.series["node_network_receive_nohandler_total{device=\"eth0\"}"], 17);
  EXPECT_FALSE(p.series.count("node_network_receive_nohandler_total{device=\"docker0\"}"));
}

TEST_F(SyntheticEdge, Golden) {
  NodeOptions o = FixtureOptions("synthetic-edge");
  o.statfs = [](const std::string& path) -> Result<StatFs> {
    if (path.find("missing") != std::string::npos) return NotFound("statfs " + path);
    return testing::FakeStatFs();
  };
  std::vector<std::string> errors;
  auto families = CollectAll(o, kAllCollectors, &errors);
  // Only PSI is absent from this tree.
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(StartsWith(errors[0], "pressure: pressure information is unavailable")) << errors[0];
  ExpectGolden("synthetic-edge", RenderSorted(std::move(families)));
}

}  // namespace
}  // namespace vigie::collect
