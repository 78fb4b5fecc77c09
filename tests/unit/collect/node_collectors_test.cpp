// Collector behaviour beyond parsing: counter clamping, failures, the collector set's
// self-metrics, node_meta.
#include <gtest/gtest.h>

#include "collect/collector_set.h"
#include "collect/node.h"
#include "collect/node_meta.h"
#include "core/fs.h"
#include "node_test_support.h"

namespace vigie::collect {
namespace {

using testing::ParseText;
using testing::RenderSorted;

class MemoryTree : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = fs::NewMemory();
    ASSERT_TRUE(fs_->MkdirAll("/proc/net").ok());
    ASSERT_TRUE(fs_->MkdirAll("/sys").ok());
    ASSERT_TRUE(fs_->MkdirAll("/root/etc").ok());
    options_.fs = fs_.get();
    options_.paths.procfs = "/proc";
    options_.paths.sysfs = "/sys";
    options_.paths.rootfs = "/root";
    options_.netdev_netlink = false;
  }
  void Write(const std::string& path, std::string_view text) {
    ASSERT_TRUE(fs_->WriteFileAtomic(path, text).ok()) << path;
  }
  testing::Parsed Collect(Collector& c, Status* status = nullptr) {
    std::vector<expfmt::MetricFamily> out;
    Status st = c.Collect(&out);
    if (status) *status = st;
    return ParseText(RenderSorted(std::move(out)));
  }

  std::unique_ptr<fs::FileSystem> fs_;
  NodeOptions options_;
};

TEST_F(MemoryTree, CpuCountersNeverGoBackwards) {
  auto cpu = NewNodeCollector("cpu", options_);
  ASSERT_TRUE(cpu.ok());
  const std::string idle = "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}";
  const std::string user = "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"}";
  Write("/proc/stat", "cpu0 500 0 0 10000 0 0 0 0 0 0\n");
  auto p = Collect(**cpu);
  EXPECT_EQ(p.series[user], 5);
  EXPECT_EQ(p.series[idle], 100);
  // user dips by one tick (a known kernel accounting glitch): the last value is kept.
  Write("/proc/stat", "cpu0 499 0 0 10100 0 0 0 0 0 0\n");
  p = Collect(**cpu);
  EXPECT_EQ(p.series[user], 5);
  EXPECT_EQ(p.series[idle], 101);
  // idle falls by 3 s or more: a hotplug; the CPU's counters start over.
  Write("/proc/stat", "cpu0 10 0 0 50 0 0 0 0 0 0\n");
  p = Collect(**cpu);
  EXPECT_EQ(p.series[user], 0.1);
  EXPECT_EQ(p.series[idle], 0.5);
}

TEST_F(MemoryTree, CpuGuestCanBeTurnedOff) {
  options_.cpu_guest = false;
  auto cpu = NewNodeCollector("cpu", options_);
  ASSERT_TRUE(cpu.ok());
  Write("/proc/stat", "cpu0 500 0 0 10000 0 0 0 0 7 0\n");
  auto p = Collect(**cpu);
  EXPECT_FALSE(p.families.count("node_cpu_guest_seconds_total"));
  EXPECT_TRUE(p.families.count("node_cpu_seconds_total"));
}

TEST_F(MemoryTree, MissingFileIsAnErrorNamingThePath) {
  auto mem = NewNodeCollector("meminfo", options_);
  ASSERT_TRUE(mem.ok());
  Status st;
  Collect(**mem, &st);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("/proc/meminfo"), std::string::npos) << st.error().message();
}

TEST_F(MemoryTree, IoErrorsAreReportedNotFatal) {
  Write("/proc/loadavg", "1 2 3 1/1 1\n");
  auto failing = fs::NewFaultInjecting(
      *fs_, [](std::string_view op, const std::string&) { return op == "read"; });
  options_.fs = failing.get();
  auto load = NewNodeCollector("loadavg", options_);
  ASSERT_TRUE(load.ok());
  Status st;
  auto p = Collect(**load, &st);
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(p.series.empty());
}

TEST_F(MemoryTree, VmstatFieldsFlag) {
  Write("/proc/vmstat", "nr_free_pages 1\npgfault 2\noom_kill 3\npgpgin 4\n");
  options_.vmstat_fields = "^nr_";
  auto v = NewNodeCollector("vmstat", options_);
  ASSERT_TRUE(v.ok());
  auto p = Collect(**v);
  EXPECT_EQ(p.series.size(), 1u);
  EXPECT_EQ(p.series["node_vmstat_nr_free_pages{}"], 1);
  EXPECT_EQ(p.families["node_vmstat_nr_free_pages"].type, expfmt::MetricType::kUnknown);
}

TEST_F(MemoryTree, NetdevIncludeAndExcludeAreExclusive) {
  options_.netdev_device_include = "^eth";
  auto bad = NewNodeCollector("netdev", options_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("mutually exclusive"), std::string::npos);
  options_.netdev_device_exclude = "";
  auto ok = NewNodeCollector("netdev", options_);
  ASSERT_TRUE(ok.ok());
  Write("/proc/net/dev",
        "h\nh\nlo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\neth0: 2 2 0 0 0 0 0 0 2 2 0 0 0 0 0 0\n"
        "wlan0: 3 3 0 0 0 0 0 0 3 3 0 0 0 0 0 0\n");
  auto p = Collect(**ok);
  EXPECT_EQ(p.series["node_network_receive_bytes_total{device=\"eth0\"}"], 2);
  EXPECT_FALSE(p.series.count("node_network_receive_bytes_total{device=\"lo\"}"));
  EXPECT_FALSE(p.series.count("node_network_receive_bytes_total{device=\"wlan0\"}"));
}

TEST_F(MemoryTree, PressureMissingIsNoData) {
  auto c = NewNodeCollector("pressure", options_);
  ASSERT_TRUE(c.ok());
  Status st;
  Collect(**c, &st);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kNotFound);
}

TEST(NewNodeCollector, UnknownName) {
  auto c = NewNodeCollector("nope", NodeOptions{});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message().find("\"nope\""), std::string::npos);
}

TEST(NewNodeCollector, EveryListedCollectorExists) {
  for (const auto& info : NodeCollectorInfos()) {
    EXPECT_TRUE(NewNodeCollector(info.name, NodeOptions{}).ok()) << info.name;
  }
}

class FakeCollector final : public Collector {
 public:
  FakeCollector(std::string name, Status result) : name_(std::move(name)), result_(result) {}
  std::string_view Name() const override { return name_; }
  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    expfmt::MetricFamily f;
    f.name = "fake_" + name_;
    f.type = expfmt::MetricType::kGauge;
    expfmt::Sample s;
    s.labels = Labels{{"__name__", f.name}};
    s.value = 1;
    f.samples.push_back(s);
    out->push_back(f);
    ++calls;
    return result_;
  }
  int calls = 0;

 private:
  std::string name_;
  Status result_;
};

TEST(CollectorSet, ReportsSuccessAndDurationPerCollector) {
  CollectorSet set;
  set.Add(std::make_unique<FakeCollector>("good", OkStatus()));
  set.Add(std::make_unique<FakeCollector>("bad", IoError("boom")));
  set.Add(std::make_unique<FakeCollector>("absent", NotFound("no such thing here")));
  for (int i = 0; i < 2; ++i) {
    std::vector<expfmt::MetricFamily> out;
    set.Gather(&out);
    auto p = ParseText(RenderSorted(std::move(out)));
    EXPECT_EQ(p.series["node_scrape_collector_success{collector=\"good\"}"], 1);
    EXPECT_EQ(p.series["node_scrape_collector_success{collector=\"bad\"}"], 0);
    EXPECT_EQ(p.series["node_scrape_collector_success{collector=\"absent\"}"], 0);
    EXPECT_GE(p.series["node_scrape_collector_duration_seconds{collector=\"bad\"}"], 0);
    // What a failing collector appended before failing is kept.
    EXPECT_EQ(p.series["fake_bad{}"], 1);
    EXPECT_EQ(p.families["node_scrape_collector_success"].type, expfmt::MetricType::kGauge);
  }
}

TEST(NodeMeta, HostNameFromRootfsAndNodeIdFromProvider) {
  auto mem = fs::NewMemory();
  ASSERT_TRUE(mem->MkdirAll("/host/etc").ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/host/etc/hostname", "  worker-1  \n# comment\n").ok());
  int calls = 0;
  NodeMetaOptions o;
  o.rootfs = "/host";
  o.fs = mem.get();
  o.node_id = [&calls]() -> Result<std::string> {
    ++calls;
    return std::string("q3k9lx0y2m");
  };
  auto c = NewNodeMetaCollector(o);
  EXPECT_EQ(c->Name(), "node_meta");
  for (int i = 0; i < 3; ++i) {
    std::vector<expfmt::MetricFamily> out;
    ASSERT_TRUE(c->Collect(&out).ok());
    auto p = ParseText(RenderSorted(std::move(out)));
    EXPECT_EQ(p.series["node_meta{container_label_com_docker_swarm_node_id=\"q3k9lx0y2m\","
                       "node_id=\"q3k9lx0y2m\",node_name=\"worker-1\"}"],
              1)
        << RenderSorted({});
    EXPECT_EQ(p.families["node_meta"].type, expfmt::MetricType::kGauge);
  }
  EXPECT_EQ(calls, 1);  // cached, not asked on every scrape
}

TEST(NodeMeta, NoDockerMeansEmptyNodeIdAndUnameFallback) {
  auto mem = fs::NewMemory();
  NodeMetaOptions o;
  o.rootfs = "/nowhere";
  o.fs = mem.get();
  o.uname = []() -> Result<Uname> { return Uname{"Linux", "fallback-host", "", "", "", ""}; };
  o.node_id = []() -> Result<std::string> { return Unavailable("no docker socket"); };
  auto c = NewNodeMetaCollector(o);
  std::vector<expfmt::MetricFamily> out;
  ASSERT_TRUE(c->Collect(&out).ok());
  auto p = ParseText(RenderSorted(std::move(out)));
  EXPECT_EQ(p.series["node_meta{container_label_com_docker_swarm_node_id=\"\",node_id=\"\","
                     "node_name=\"fallback-host\"}"],
            1);
}

}  // namespace
}  // namespace vigie::collect
