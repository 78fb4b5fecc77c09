// The machine collector (cAdvisor's machine_* facts) on an in-memory tree: CPU list parsing,
// topology, MemTotal, the identity labels, and the five-minute refresh.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "collect/node.h"
#include "collect/node/machine.h"
#include "core/fs.h"
#include "expfmt/writer.h"

namespace vigie::collect {
namespace {

TEST(ParseCpuList, RangesAndSingles) {
  auto cpus = node::ParseCpuList("0-3,8,10-11\n");
  ASSERT_TRUE(cpus.ok()) << cpus.error().message();
  EXPECT_EQ(*cpus, (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_TRUE(node::ParseCpuList("\n")->empty());
  for (const char* bad : {"3-1", "a", "0,,1", "1-", "-1", "0-99999999"}) {
    auto r = node::ParseCpuList(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("CPU list"), std::string::npos) << r.error().message();
  }
}

class MachineCollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write("/sys/devices/system/cpu/online", "0-3\n");
    // Two cores with two threads each, one package.
    const char* core_ids[] = {"0", "0", "1", "1"};
    for (int cpu = 0; cpu < 4; ++cpu) {
      std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
      Write(dir + "physical_package_id", "0\n");
      Write(dir + "core_id", std::string(core_ids[cpu]) + "\n");
    }
    Write("/proc/meminfo", "MemTotal:        2048 kB\nMemFree:          1024 kB\n");
    Write("/proc/sys/kernel/random/boot_id", "b00t\n");
    Write("/etc/machine-id", "m4ch1ne\n");
    o_.fs = fs_.get();
    o_.now = [this] { return now_; };
  }
  void Write(const std::string& path, std::string_view text) {
    ASSERT_TRUE(fs_->MkdirAll(path.substr(0, path.rfind('/'))).ok());
    ASSERT_TRUE(fs_->WriteFileAtomic(path, text).ok());
  }
  double Value(Collector& c, std::string_view name, Labels* labels = nullptr) {
    std::vector<expfmt::MetricFamily> out;
    Status st = c.Collect(&out);
    EXPECT_TRUE(st.ok()) << st.error().message();
    for (auto& f : out) {
      EXPECT_TRUE(expfmt::ExpandEncodedSamples(&f).ok());
      if (f.name != name || f.samples.size() != 1) continue;
      if (labels != nullptr) *labels = f.samples[0].labels;
      return f.samples[0].value;
    }
    ADD_FAILURE() << "no " << name;
    return -1;
  }

  std::unique_ptr<fs::FileSystem> fs_ = fs::NewMemory();
  NodeOptions o_;
  std::chrono::system_clock::time_point now_{std::chrono::seconds(1'700'000'000)};
};

TEST_F(MachineCollectorTest, FactsAndLabels) {
  auto c = NewNodeCollector("machine", o_);
  ASSERT_TRUE(c.ok()) << c.error().message();
  Labels l;
  EXPECT_EQ(Value(**c, "machine_cpu_cores", &l), 4);
  EXPECT_EQ(l.Get("boot_id"), "b00t");
  EXPECT_EQ(l.Get("machine_id"), "m4ch1ne");
  EXPECT_FALSE(l.Has("system_uuid"));  // unreadable here: left out
  EXPECT_EQ(Value(**c, "machine_cpu_physical_cores"), 2);
  EXPECT_EQ(Value(**c, "machine_cpu_sockets"), 1);
  EXPECT_EQ(Value(**c, "machine_memory_bytes"), 2048.0 * 1024);
}

TEST_F(MachineCollectorTest, RefreshedEveryFiveMinutes) {
  auto c = NewNodeCollector("machine", o_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Value(**c, "machine_memory_bytes"), 2048.0 * 1024);
  Write("/proc/meminfo", "MemTotal:        4096 kB\n");
  now_ += std::chrono::minutes(4);
  EXPECT_EQ(Value(**c, "machine_memory_bytes"), 2048.0 * 1024);
  now_ += std::chrono::minutes(1);
  EXPECT_EQ(Value(**c, "machine_memory_bytes"), 4096.0 * 1024);
}

TEST_F(MachineCollectorTest, NoTopologyLeavesThePhysicalFiguresOut) {
  ASSERT_TRUE(fs_->RemoveAll("/sys/devices/system/cpu/cpu2").ok());
  auto c = NewNodeCollector("machine", o_);
  ASSERT_TRUE(c.ok());
  std::vector<expfmt::MetricFamily> out;
  ASSERT_TRUE((*c)->Collect(&out).ok());
  for (const auto& f : out) EXPECT_NE(f.name, "machine_cpu_physical_cores");
  EXPECT_EQ(Value(**c, "machine_cpu_cores"), 4);
}

TEST_F(MachineCollectorTest, MissingSourcesAreErrors) {
  ASSERT_TRUE(fs_->Remove("/proc/meminfo").ok());
  auto c = NewNodeCollector("machine", o_);
  ASSERT_TRUE(c.ok());
  std::vector<expfmt::MetricFamily> out;
  Status st = (*c)->Collect(&out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("meminfo"), std::string::npos) << st.error().message();
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace vigie::collect
