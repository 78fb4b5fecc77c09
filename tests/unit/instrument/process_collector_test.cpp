// Process collector: exact values from a captured /proc tree, sanity on the real one.
#include "instrument/process_collector.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <map>

namespace vigie::instrument {
namespace {

std::map<std::string, double> Values(ProcessCollector& c) {
  std::vector<expfmt::MetricFamily> fams;
  c.Collect(&fams);
  std::map<std::string, double> out;
  for (const auto& f : fams) {
    EXPECT_EQ(f.samples.size(), 1u) << f.name;
    out[std::string(f.samples.at(0).labels.MetricName())] = f.samples.at(0).value;
  }
  return out;
}

constexpr std::string_view kStat =
    "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 125 0 0 20 0 8 0 "
    "123450 987654321 2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
constexpr std::string_view kLimits =
    "Limit                     Soft Limit           Hard Limit           Units     \n"
    "Max cpu time              unlimited            unlimited            seconds   \n"
    "Max open files            1024                 524288               files     \n"
    "Max address space         unlimited            unlimited            bytes     \n";

TEST(ProcessCollector, ReadsACapturedProcTree) {
  std::unique_ptr<fs::FileSystem> mem = fs::NewMemory();
  ASSERT_TRUE(mem->MkdirAll("/p/4242/fd").ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/p/4242/stat", kStat).ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/p/4242/limits", kLimits).ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/p/stat", "cpu  1 2 3\nbtime 1700000000\nprocesses 9\n").ok());
  for (const char* fd : {"0", "1", "2", "7"}) {
    ASSERT_TRUE(mem->WriteFileAtomic(std::string("/p/4242/fd/") + fd, "").ok());
  }
  ProcessCollector c({.fs = mem.get(),
                      .proc_root = "/p",
                      .pid = "4242",
                      .clock_ticks_per_second = 100,
                      .page_size = 4096});
  std::map<std::string, double> v = Values(c);
  EXPECT_EQ(v["process_cpu_seconds_total"], 3.75);
  EXPECT_EQ(v["process_start_time_seconds"], 1700000000 + 1234.5);
  EXPECT_EQ(v["process_virtual_memory_bytes"], 987654321);
  EXPECT_EQ(v["process_resident_memory_bytes"], 2048.0 * 4096);
  EXPECT_EQ(v["process_open_fds"], 4);
  EXPECT_EQ(v["process_max_fds"], 1024);
  EXPECT_EQ(v["process_virtual_memory_max_bytes"], 18446744073709551615.0);
  EXPECT_EQ(v.size(), 7u);
}

TEST(ProcessCollector, MissingFilesLeaveOutOnlyTheirMetrics) {
  std::unique_ptr<fs::FileSystem> mem = fs::NewMemory();
  ASSERT_TRUE(mem->MkdirAll("/p/1").ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/p/1/limits", kLimits).ok());
  ProcessCollector c({.fs = mem.get(), .proc_root = "/p", .pid = "1"});
  std::map<std::string, double> v = Values(c);
  EXPECT_EQ(v.size(), 2u);
  EXPECT_EQ(v["process_max_fds"], 1024);
}

TEST(ProcessCollector, KeptFilesFollowChangesAndComeBack) {
  std::unique_ptr<fs::FileSystem> mem = fs::NewMemory();
  ASSERT_TRUE(mem->MkdirAll("/p/4242").ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/p/4242/stat", kStat).ok());
  ProcessCollector c({.fs = mem.get(),
                      .proc_root = "/p",
                      .pid = "4242",
                      .clock_ticks_per_second = 100,
                      .page_size = 4096});
  EXPECT_EQ(Values(c)["process_cpu_seconds_total"], 3.75);
  std::string later(kStat);
  later.replace(later.find(" 250 125 "), 9, " 350 125 ");
  ASSERT_TRUE(mem->WriteFileAtomic("/p/4242/stat", later).ok());
  EXPECT_EQ(Values(c)["process_cpu_seconds_total"], 4.75);
  ASSERT_TRUE(mem->Remove("/p/4242/stat").ok());
  EXPECT_EQ(Values(c).count("process_cpu_seconds_total"), 0u);
  ASSERT_TRUE(mem->WriteFileAtomic("/p/4242/stat", kStat).ok());
  EXPECT_EQ(Values(c)["process_cpu_seconds_total"], 3.75);
}

TEST(ProcessCollector, ParsersRejectGarbage) {
  EXPECT_FALSE(ParseProcPidStat("").ok());
  EXPECT_FALSE(ParseProcPidStat("1 (x) S 1 2 3").ok());
  EXPECT_FALSE(ParseProcPidStat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 x 1 0 0 20 0 1 0 1 1 1").ok());
  EXPECT_FALSE(ParseBootTime("cpu 1 2\n").ok());
  EXPECT_FALSE(ParseSoftLimit("Max open files   lots  5 files\n", "Max open files").ok());
  EXPECT_EQ(*ParseBootTime("btime 12\n"), 12);
}

TEST(ProcessCollector, RealProcSelfIsSane) {
  // Burn a little CPU so the counter is above zero.
  volatile double x = 0;
  for (int i = 0; i < 20000000; ++i) x = x + i * 0.5;
  ProcessCollector c;
  std::map<std::string, double> v = Values(c);
  EXPECT_GT(v["process_cpu_seconds_total"], 0);
  EXPECT_GT(v["process_resident_memory_bytes"], 1 << 20);
  EXPECT_GT(v["process_virtual_memory_bytes"], v["process_resident_memory_bytes"]);
  EXPECT_GE(v["process_open_fds"], 3);
  rlimit lim{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
  EXPECT_EQ(v["process_max_fds"], static_cast<double>(lim.rlim_cur));
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(v["process_start_time_seconds"], now + 1);
  EXPECT_GT(v["process_start_time_seconds"], now - 3600);  // this test binary started recently

  // The kept handles are read afresh: a lowered soft limit and more CPU show at once.
  rlimit lower = lim;
  lower.rlim_cur = lim.rlim_cur - 1;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lower), 0);
  // 50 ms of CPU: several of /proc's 10 ms ticks (bounded by CPU time, not wall time).
  auto cpu = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  for (double start = cpu(); cpu() - start < 0.05;) x = x + 0.5;
  std::map<std::string, double> w = Values(c);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lim), 0);
  EXPECT_EQ(w["process_max_fds"], static_cast<double>(lower.rlim_cur));
  EXPECT_GT(w["process_cpu_seconds_total"], v["process_cpu_seconds_total"]);
}

}  // namespace
}  // namespace vigie::instrument
