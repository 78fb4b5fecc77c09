// Pure parsers of cgroup v1/v2 and /proc files (collect/cgroup/parse.h).
#include <gtest/gtest.h>

#include "collect/cgroup/parse.h"

namespace vigie::collect::cgroup {
namespace {

TEST(CgroupParse, Uint) {
  EXPECT_EQ(*ParseCgroupUint("42\n"), 42u);
  EXPECT_EQ(*ParseCgroupUint(" 9223372036854771712 "), 9223372036854771712u);
  EXPECT_EQ(*ParseCgroupUint("max\n"), kUnlimited);
  EXPECT_FALSE(ParseCgroupUint("").ok());
  EXPECT_FALSE(ParseCgroupUint("-1").ok());
  EXPECT_FALSE(ParseCgroupUint("12abc").ok());
  EXPECT_EQ(*ParseCfsQuotaV1("-1\n"), 0u);
  EXPECT_EQ(*ParseCfsQuotaV1("50000\n"), 50000u);
}

TEST(CgroupParse, CpuV1) {
  CpuStats c;
  ASSERT_TRUE(ParseCpuacctStat("user 47\nsystem 37\n", &c).ok());
  EXPECT_EQ(c.user_ns, 470'000'000u);
  EXPECT_EQ(c.system_ns, 370'000'000u);
  ASSERT_TRUE(
      ParseCpuStatV1("nr_periods 19\nnr_throttled 16\nthrottled_time 791088994\nnr_bursts 0\n", &c)
          .ok());
  EXPECT_EQ(c.periods, 19u);
  EXPECT_EQ(c.throttled_periods, 16u);
  EXPECT_EQ(c.throttled_ns, 791088994u);
  Status bad = ParseCpuStatV1("nr_periods x\n", &c);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("nr_periods"), std::string::npos) << bad.error().message();
}

TEST(CgroupParse, CpuV2) {
  CpuStats c;
  ASSERT_TRUE(ParseCpuStatV2("usage_usec 2500000\nuser_usec 1500000\nsystem_usec 1000000\n"
                             "core_sched.force_idle_usec 0\nnr_periods 120\nnr_throttled 30\n"
                             "throttled_usec 450000\n",
                             &c)
                  .ok());
  EXPECT_EQ(c.usage_ns, 2'500'000'000u);
  EXPECT_EQ(c.user_ns, 1'500'000'000u);
  EXPECT_EQ(c.system_ns, 1'000'000'000u);
  EXPECT_EQ(c.periods, 120u);
  EXPECT_EQ(c.throttled_periods, 30u);
  EXPECT_EQ(c.throttled_ns, 450'000'000u);

  SpecStats s;
  ASSERT_TRUE(ParseCpuMaxV2("50000 100000\n", &s).ok());
  EXPECT_EQ(s.cpu_quota_us, 50000u);
  EXPECT_EQ(s.cpu_period_us, 100000u);
  ASSERT_TRUE(ParseCpuMaxV2("max 100000\n", &s).ok());
  EXPECT_EQ(s.cpu_quota_us, 0u);
  EXPECT_FALSE(ParseCpuMaxV2("max\n", &s).ok());
  EXPECT_FALSE(ParseCpuMaxV2("1 2 3\n", &s).ok());
}

TEST(CgroupParse, CpuWeightToShares) {
  EXPECT_EQ(CpuWeightToShares(1), 2u);
  EXPECT_EQ(CpuWeightToShares(39), 998u);  // runc's weight for Docker's default 1024 shares
  EXPECT_EQ(CpuWeightToShares(100), 2597u);
  EXPECT_EQ(CpuWeightToShares(10000), 262144u);
  EXPECT_EQ(CpuWeightToShares(0), 0u);
  EXPECT_EQ(CpuWeightToShares(10001), 0u);
}

TEST(CgroupParse, MemoryV1PrefersHierarchicalTotals) {
  MemoryStats m;
  m.usage = 1000;
  ASSERT_TRUE(ParseMemoryStatV1("cache 1\nrss 2\nswap 3\ninactive_file 4\ntotal_cache 10\n"
                                "total_rss 20\ntotal_swap 30\ntotal_inactive_file 400\n",
                                &m)
                  .ok());
  EXPECT_EQ(m.cache, 10u);
  EXPECT_EQ(m.rss, 20u);
  EXPECT_EQ(m.swap, 30u);
  EXPECT_EQ(m.working_set, 600u);
}

TEST(CgroupParse, MemoryV1TotalsAloneAreRead) {
  MemoryStats m;
  m.usage = 1000;
  // The cgroup's own lines are not consulted once totals follow; a bad total still fails.
  ASSERT_TRUE(ParseMemoryStatV1("rss not-a-number\ntotal_rss 20\n", &m).ok());
  EXPECT_EQ(m.rss, 20u);
  EXPECT_EQ(m.working_set, 1000u);
  ASSERT_TRUE(ParseMemoryStatV1("total_cache 7\n", &m).ok());
  EXPECT_EQ(m.cache, 7u);
  Status bad = ParseMemoryStatV1("rss 2\ntotal_rss x\n", &m);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("total_rss"), std::string::npos) << bad.error().message();
}

TEST(CgroupParse, MemoryV1WithoutTotals) {
  MemoryStats m;
  m.usage = 1000;
  ASSERT_TRUE(ParseMemoryStatV1("cache 1\nrss 2\nswap 3\ninactive_file 4\n", &m).ok());
  EXPECT_EQ(m.cache, 1u);
  EXPECT_EQ(m.rss, 2u);
  EXPECT_EQ(m.swap, 3u);
  EXPECT_EQ(m.working_set, 996u);
}

TEST(CgroupParse, WorkingSetNeverNegative) {
  MemoryStats m;
  m.usage = 100;
  ASSERT_TRUE(ParseMemoryStatV2("anon 5\nfile 7\ninactive_file 500\n", &m).ok());
  EXPECT_EQ(m.working_set, 0u);
  EXPECT_EQ(m.rss, 5u);
  EXPECT_EQ(m.cache, 7u);
}

TEST(CgroupParse, MemoryEvents) {
  EXPECT_EQ(*ParseMemoryEventsMax("low 0\nhigh 2\nmax 7\noom 1\noom_kill 1\n"), 7u);
  EXPECT_EQ(*ParseMemoryEventsMax("low 0\n"), 0u);
}

TEST(CgroupParse, BlkioV1) {
  std::vector<DeviceIo> io;
  ASSERT_TRUE(ParseBlkioV1("8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 1\n8:0 Total 12288\n"
                           "8:16 Read 1\n8:16 Write 2\nTotal 12291\n",
                           true, &io)
                  .ok());
  ASSERT_TRUE(ParseBlkioV1("8:0 Read 1\n8:0 Write 2\nTotal 3\n", false, &io).ok());
  ASSERT_EQ(io.size(), 2u);
  EXPECT_EQ(io[0].major, 8u);
  EXPECT_EQ(io[0].minor, 0u);
  EXPECT_EQ(io[0].read_bytes, 4096u);
  EXPECT_EQ(io[0].write_bytes, 8192u);
  EXPECT_EQ(io[0].reads, 1u);
  EXPECT_EQ(io[0].writes, 2u);
  EXPECT_EQ(io[1].minor, 16u);
  EXPECT_TRUE(ParseBlkioV1("Total 0\n", true, &io).ok());
  EXPECT_FALSE(ParseBlkioV1("8-0 Read 1\n", true, &io).ok());
}

TEST(CgroupParse, IoStatV2) {
  std::vector<DeviceIo> io;
  ASSERT_TRUE(
      ParseIoStatV2("254:0 rbytes=1048576 wbytes=4194304 rios=16 wios=64 dbytes=0 dios=0\n", &io)
          .ok());
  ASSERT_EQ(io.size(), 1u);
  EXPECT_EQ(io[0].major, 254u);
  EXPECT_EQ(io[0].read_bytes, 1048576u);
  EXPECT_EQ(io[0].write_bytes, 4194304u);
  EXPECT_EQ(io[0].reads, 16u);
  EXPECT_EQ(io[0].writes, 64u);
  EXPECT_FALSE(ParseIoStatV2("254:0 rbytes\n", &io).ok());
}

TEST(CgroupParse, PidList) {
  std::vector<int> pids;
  ASSERT_TRUE(ParsePidList("1\n22\n333\n", &pids).ok());
  EXPECT_EQ(pids, (std::vector<int>{1, 22, 333}));
  EXPECT_TRUE(ParsePidList("", &pids).ok());
  EXPECT_FALSE(ParsePidList("12x\n", &pids).ok());
}

TEST(CgroupParse, NetDevSkipsHostSideDevices) {
  const char* text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n"
      "    lo:    1000      10    0    0    0     0          0         0     1000      10    0    "
      "0    0     0       0          0\n"
      "  eth0:  123456     789    1    2    0     0          0         0    65432     321    3    "
      "4    0     0       0          0\n"
      "vethab12: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
      "docker0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n";
  std::vector<InterfaceStats> ifs;
  ASSERT_TRUE(ParseNetDev(text, &ifs).ok());
  ASSERT_EQ(ifs.size(), 1u);
  EXPECT_EQ(ifs[0].name, "eth0");
  EXPECT_EQ(ifs[0].rx_bytes, 123456u);
  EXPECT_EQ(ifs[0].rx_packets, 789u);
  EXPECT_EQ(ifs[0].rx_errors, 1u);
  EXPECT_EQ(ifs[0].rx_dropped, 2u);
  EXPECT_EQ(ifs[0].tx_bytes, 65432u);
  EXPECT_EQ(ifs[0].tx_packets, 321u);
  EXPECT_EQ(ifs[0].tx_errors, 3u);
  EXPECT_EQ(ifs[0].tx_dropped, 4u);
  EXPECT_FALSE(ParseNetDev("h\nh\n eth0: 1 2 3\n", &ifs).ok());
  EXPECT_TRUE(IsIgnoredInterface("LO"));
  EXPECT_FALSE(IsIgnoredInterface("eth0"));
}

TEST(CgroupParse, ProcPidStat) {
  auto st = ParseProcPidStat(
      "4243 (my (odd) name) R 4242 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 12400 "
      "1000000 100\n");
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_EQ(st->state, 'R');
  EXPECT_EQ(st->num_threads, 1u);
  EXPECT_EQ(st->start_ticks, 12400u);
  EXPECT_FALSE(ParseProcPidStat("garbage").ok());
  EXPECT_FALSE(ParseProcPidStat("1 (x) S 1 2").ok());

  TaskStates t;
  for (char c : std::string("RSSDTtIZX")) TallyTaskState(c, &t);
  EXPECT_EQ(t.running, 1u);
  EXPECT_EQ(t.sleeping, 3u);
  EXPECT_EQ(t.uninterruptible, 1u);
  EXPECT_EQ(t.stopped, 2u);
}

TEST(CgroupParse, BootTimeAndDiskstats) {
  EXPECT_EQ(*ParseBootTime("cpu 1 2\nbtime 1700000000\n"), 1700000000);
  EXPECT_FALSE(ParseBootTime("cpu 1 2\n").ok());
  std::vector<BlockDevice> devs;
  ASSERT_TRUE(ParseDiskstatsNames(" 254 0 vda 1 2 3\n   8  16 sdb 0 0\n", &devs).ok());
  ASSERT_EQ(devs.size(), 2u);
  EXPECT_EQ(devs[1].major, 8u);
  EXPECT_EQ(devs[1].minor, 16u);
  EXPECT_EQ(devs[1].name, "sdb");
}

}  // namespace
}  // namespace vigie::collect::cgroup
