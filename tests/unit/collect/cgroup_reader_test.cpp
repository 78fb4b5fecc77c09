// The v1 and v2 cgroup readers and discovery on the fixture trees in tests/testdata/cgroup.
#include <gtest/gtest.h>

#include <fstream>

#include "collect/cgroup/discovery.h"
#include "collect/cgroup/kernel_read.h"
#include "collect/cgroup/reader.h"
#include "core/fs.h"
#include "lib/temp_dir.h"

namespace vigie::collect::cgroup {
namespace {

const std::string kV1 = std::string(VIGIE_TESTDATA_DIR) + "/cgroup/v1/sys/fs/cgroup";
const std::string kV2 = std::string(VIGIE_TESTDATA_DIR) + "/cgroup/v2/sys/fs/cgroup";
const std::string kV1Id = "4f1c2a8e9d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a29181716151413121110aaaa";
const std::string kV1SdId = "9e8d7c6b5a49382716051f2e3d4c5b6a7988172635445362718091827364bbbb";
const std::string kV2SdId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kV2FsId = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

CgroupReader::What NoSpec() {
  CgroupReader::What w;
  w.spec = false;
  return w;
}

std::unique_ptr<CgroupReader> Open(const std::string& root) {
  auto r = CgroupReader::Open(fs::Real(), root);
  EXPECT_TRUE(r.ok()) << r.error().message();
  return r.ok() ? std::move(r).value() : nullptr;
}

TEST(CgroupReader, DetectsVersion) {
  EXPECT_EQ(Open(kV1)->version(), CgroupVersion::kV1);
  EXPECT_EQ(Open(kV2)->version(), CgroupVersion::kV2);
  auto missing = CgroupReader::Open(fs::Real(), "/nonexistent/cgroup");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("/nonexistent/cgroup"), std::string::npos);
}

TEST(CgroupReader, V1CapturedContainer) {
  auto r = Open(kV1);
  CgroupStats s;
  for (const std::string& path :
       {"/docker/" + kV1Id, "/system.slice/docker-" + kV1SdId + ".scope"}) {
    SCOPED_TRACE(path);
    ASSERT_TRUE(r->Read(path, {}, &s).ok());
    ASSERT_TRUE(s.has_cpu);
    EXPECT_EQ(s.cpu.usage_ns, 849012284u);
    EXPECT_EQ(s.cpu.user_ns, 470'000'000u);
    EXPECT_EQ(s.cpu.system_ns, 370'000'000u);
    EXPECT_EQ(s.cpu.periods, 19u);
    EXPECT_EQ(s.cpu.throttled_periods, 16u);
    EXPECT_EQ(s.cpu.throttled_ns, 791088994u);
    ASSERT_TRUE(s.has_memory);
    EXPECT_EQ(s.memory.usage, 38916096u);
    EXPECT_EQ(s.memory.rss, 38490112u);
    EXPECT_EQ(s.memory.cache, 0u);
    EXPECT_EQ(s.memory.working_set, 38916096u);  // no inactive file pages
    EXPECT_EQ(s.memory.failcnt, 0u);
    EXPECT_TRUE(s.spec.has_cpu);
    EXPECT_EQ(s.spec.cpu_quota_us, 50000u);
    EXPECT_EQ(s.spec.cpu_period_us, 100000u);
    EXPECT_EQ(s.spec.cpu_shares, 512u);
    EXPECT_TRUE(s.spec.has_memory);
    EXPECT_EQ(s.spec.memory_limit, 268435456u);
    ASSERT_TRUE(s.has_io);
    ASSERT_EQ(s.io.size(), 1u);
    EXPECT_EQ(s.io[0].major, 254u);
    EXPECT_EQ(s.io[0].read_bytes, 4194304u);
    EXPECT_EQ(s.io[0].write_bytes, 20971520u);
    EXPECT_EQ(s.io[0].reads, 64u);
    EXPECT_EQ(s.io[0].writes, 160u);
    EXPECT_EQ(s.pids, (std::vector<int>{4242, 4243}));
  }
}

TEST(CgroupReader, V1RootAndSpecSkipped) {
  auto r = Open(kV1);
  CgroupStats s;
  ASSERT_TRUE(r->Read("/", NoSpec(), &s).ok());
  EXPECT_EQ(s.cpu.usage_ns, 520754857261u);
  EXPECT_EQ(s.memory.usage, 974258176u);
  EXPECT_EQ(s.memory.working_set, 974258176u - 398172160u);
  EXPECT_FALSE(s.spec.has_cpu);  // not asked for
  EXPECT_FALSE(s.spec.has_memory);
}

TEST(CgroupReader, GoneCgroupIsNotFound) {
  for (const auto& root : {kV1, kV2}) {
    auto r = Open(root);
    CgroupStats s;
    Status st = r->Read("/docker/0000", {}, &s);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), ErrorCode::kNotFound);
  }
}

TEST(CgroupReader, V2SystemdContainer) {
  auto r = Open(kV2);
  CgroupStats s;
  ASSERT_TRUE(r->Read("/system.slice/docker-" + kV2SdId + ".scope", {}, &s).ok());
  EXPECT_EQ(s.cpu.usage_ns, 2'500'000'000u);
  EXPECT_EQ(s.cpu.user_ns, 1'500'000'000u);
  EXPECT_EQ(s.cpu.system_ns, 1'000'000'000u);
  EXPECT_EQ(s.cpu.periods, 120u);
  EXPECT_EQ(s.cpu.throttled_periods, 30u);
  EXPECT_EQ(s.cpu.throttled_ns, 450'000'000u);
  ASSERT_TRUE(s.has_memory);
  EXPECT_EQ(s.memory.usage, 73400320u);
  EXPECT_EQ(s.memory.working_set, 73400320u - 16777216u);
  EXPECT_EQ(s.memory.rss, 52428800u);
  EXPECT_EQ(s.memory.cache, 20971520u);
  EXPECT_EQ(s.memory.swap, 4096u);
  EXPECT_EQ(s.memory.failcnt, 7u);
  EXPECT_EQ(s.spec.cpu_quota_us, 50000u);
  EXPECT_EQ(s.spec.cpu_period_us, 100000u);
  EXPECT_EQ(s.spec.cpu_shares, 998u);
  EXPECT_EQ(s.spec.memory_limit, 268435456u);
  ASSERT_EQ(s.io.size(), 2u);
  EXPECT_EQ(s.io[0].read_bytes, 1048576u);
  EXPECT_EQ(s.io[1].writes, 2u);
  EXPECT_EQ(s.pids.size(), 2u);
}

TEST(CgroupReader, V2UnlimitedAndRoot) {
  auto r = Open(kV2);
  CgroupStats s;
  ASSERT_TRUE(r->Read("/docker/" + kV2FsId, {}, &s).ok());
  EXPECT_EQ(s.spec.cpu_quota_us, 0u);
  EXPECT_EQ(s.spec.memory_limit, UINT64_MAX);
  EXPECT_EQ(s.memory.working_set, 0u);  // inactive_file above usage
  EXPECT_TRUE(s.io.empty());
  ASSERT_TRUE(r->Read("/", {}, &s).ok());
  EXPECT_TRUE(s.has_cpu);
  EXPECT_EQ(s.cpu.usage_ns, 987654321000u);
  EXPECT_FALSE(s.has_memory);  // the root has no memory.current
}

// cpuacct.stat and blkio's throttle counts are read again only when the CPU usage moved: ticks
// are charged to tasks that run, whose run time grows with them, and I/O is counted to the
// cgroup of the task that submits it.
TEST(CgroupReader, V1RunCountsReadAgainWhenTheUsageMoved) {
  if (ReadBatch::Create() == nullptr) GTEST_SKIP() << "io_uring is not available here";
  testing::TempDir dir;
  std::string acct = dir.Join("cpuacct/docker/x");
  std::string cpu = dir.Join("cpu/docker/x");
  std::string blkio = dir.Join("blkio/docker/x");
  for (const auto& d : {acct, cpu, blkio}) ASSERT_TRUE(fs::Real().MkdirAll(d).ok());
  auto write = [](const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
  };
  auto write_io = [&](int reads, int read_bytes) {
    for (bool bytes : {false, true}) {
      int n = bytes ? read_bytes : reads;
      write(blkio + (bytes ? "/blkio.throttle.io_service_bytes_recursive"
                           : "/blkio.throttle.io_serviced_recursive"),
            "8:0 Read " + std::to_string(n) + "\n8:0 Write 0\n8:0 Total " + std::to_string(n) +
                "\nTotal " + std::to_string(n) + "\n");
    }
  };
  write(acct + "/cpuacct.usage", "1000000000\n");
  write(acct + "/cpuacct.stat", "user 40\nsystem 30\n");
  write(cpu + "/cgroup.procs", "7\n");
  write_io(3, 4096);
  auto opened = CgroupReader::Open(fs::Real(), dir.path(), 64);  // files kept open, batched
  ASSERT_TRUE(opened.ok());
  auto& r = *opened;
  auto scrape = [&](CgroupStats* s) {
    r->BeginScrape({});
    Status st = r->Read("/docker/x", NoSpec(), s);
    r->EndScrape();
    return st;
  };
  auto reads = [](const CgroupStats& s) {
    return s.io.size() == 1 ? std::pair(s.io[0].reads, s.io[0].read_bytes) : std::pair(0ul, 0ul);
  };
  CgroupStats s;
  ASSERT_TRUE(scrape(&s).ok());
  EXPECT_EQ(s.cpu.user_ns, 400'000'000u);
  EXPECT_EQ(reads(s), std::pair(3ul, 4096ul));
  // Counts that moved without the usage are not read (no task of the cgroup can have run).
  write(acct + "/cpuacct.stat", "user 41\nsystem 30\n");
  write_io(4, 8192);
  ASSERT_TRUE(scrape(&s).ok());
  EXPECT_EQ(s.cpu.user_ns, 400'000'000u);
  EXPECT_EQ(s.cpu.usage_ns, 1'000'000'000u);
  EXPECT_EQ(reads(s), std::pair(3ul, 4096ul));
  // The usage moved: read again.
  write(acct + "/cpuacct.usage", "1010000000\n");
  write(acct + "/cpuacct.stat", "user 42\nsystem 30\n");
  ASSERT_TRUE(scrape(&s).ok());
  EXPECT_EQ(s.cpu.user_ns, 420'000'000u);
  EXPECT_EQ(s.cpu.usage_ns, 1'010'000'000u);
  EXPECT_EQ(reads(s), std::pair(4ul, 8192ul));
  EXPECT_EQ(s.pids, std::vector<int>{7});
}

// A process list is read again only when a task ran in the cgroup (its CPU usage moved) or the
// kernel's task count changed; the fixture's list is rewritten behind the reader's back to tell
// a kept list from one read again.
TEST(CgroupReader, V1ProcessListKeptWhileNothingRanOrMoved) {
  if (ReadBatch::Create() == nullptr) GTEST_SKIP() << "io_uring is not available here";
  testing::TempDir dir;
  auto write = [](const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
  };
  std::string usage_dir = dir.Join("cpuacct/docker/x");
  std::string procs_dir = dir.Join("cpu/docker/x");
  ASSERT_TRUE(fs::Real().MkdirAll(usage_dir).ok());
  ASSERT_TRUE(fs::Real().MkdirAll(procs_dir).ok());
  auto set_usage = [&](int us) {
    write(usage_dir + "/cpuacct.usage", std::to_string(us * 1000) + "\n");
  };
  auto set_procs = [&](const std::string& text) { write(procs_dir + "/cgroup.procs", text); };
  auto opened = CgroupReader::Open(fs::Real(), dir.path(), 64);  // files kept open, batched
  ASSERT_TRUE(opened.ok());
  auto& r = *opened;
  int64_t tasks = 1;
  auto pids = [&](bool counts_known = true) {
    CgroupStats s;
    if (counts_known) {
      r->BeginScrape([&](std::string_view path) { return path == "/docker/x" ? tasks : -1; });
    } else {
      r->BeginScrape({});
    }
    Status st = r->Read("/docker/x", NoSpec(), &s);
    EXPECT_TRUE(st.ok()) << st.error().message();
    r->EndScrape();
    return s.pids;
  };
  set_usage(1000);
  set_procs("7\n");
  EXPECT_EQ(pids(), std::vector<int>{7});
  set_procs("6\n");
  // A new cgroup's first list was read before the reader judged its figures.
  EXPECT_EQ(pids(), std::vector<int>{6});
  set_procs("7\n8\n");
  EXPECT_EQ(pids(), std::vector<int>{6}) << "nothing ran, nothing moved: the list is kept";
  tasks = 2;  // a task moved in
  EXPECT_EQ(pids(), (std::vector<int>{7, 8}));
  set_procs("8\n");
  EXPECT_EQ(pids(), (std::vector<int>{7, 8}));
  set_usage(1010);  // a task ran (7 exited)
  EXPECT_EQ(pids(), std::vector<int>{8});
  set_procs("9\n");
  EXPECT_EQ(pids(false), std::vector<int>{9}) << "task counts unknown: read again";
  set_procs("10\n");
  EXPECT_EQ(pids(), std::vector<int>{10}) << "the previous read was not judged by a count";
  set_procs("11\n");
  EXPECT_EQ(pids(), std::vector<int>{10});
}

// v2 has no task counts (cgroupstats answers for v1 hierarchies only; the task states are read
// from /proc for each listed process instead): its list is read at every scrape, even when a
// count is given.
TEST(CgroupReader, V2ProcessListReadEveryScrape) {
  testing::TempDir dir;
  std::ofstream(dir.Join("cgroup.controllers")) << "cpu memory io\n";
  std::string cg = dir.Join("docker/x");
  ASSERT_TRUE(fs::Real().MkdirAll(cg).ok());
  std::ofstream(cg + "/cpu.stat") << "usage_usec 1000\nuser_usec 0\nsystem_usec 0\n";
  auto opened = CgroupReader::Open(fs::Real(), dir.path(), 64);
  ASSERT_TRUE(opened.ok());
  ASSERT_EQ((*opened)->version(), CgroupVersion::kV2);
  for (int pid : {7, 8, 9}) {
    std::ofstream(cg + "/cgroup.procs", std::ios::trunc) << pid << "\n";
    (*opened)->BeginScrape([](std::string_view) -> int64_t { return 1; });
    CgroupStats s;
    ASSERT_TRUE((*opened)->Read("/docker/x", NoSpec(), &s).ok());
    (*opened)->EndScrape();
    EXPECT_EQ(s.pids, std::vector<int>{pid});
  }
}

TEST(CgroupReader, MalformedFileNamesIt) {
  auto mem = fs::NewMemory();
  ASSERT_TRUE(mem->MkdirAll("/cg/docker/x").ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/cg/cgroup.controllers", "cpu memory").ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/cg/docker/x/cpu.stat", "usage_usec lots\n").ok());
  auto r = CgroupReader::Open(*mem, "/cg");
  ASSERT_TRUE(r.ok());
  CgroupStats s;
  Status st = (*r)->Read("/docker/x", NoSpec(), &s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("/cg/docker/x/cpu.stat"), std::string::npos)
      << st.error().message();
}

TEST(CgroupDiscovery, BothDriversAndRoot) {
  auto r = Open(kV1);
  auto found = DiscoverCgroups(*r, DiscoveryOptions{});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[0].path, "/");
  EXPECT_EQ((*found)[0].docker_id, "");
  EXPECT_EQ((*found)[1].path, "/docker/" + kV1Id);
  EXPECT_EQ((*found)[1].docker_id, kV1Id);
  EXPECT_EQ((*found)[2].path, "/system.slice/docker-" + kV1SdId + ".scope");
  EXPECT_EQ((*found)[2].docker_id, kV1SdId);
}

TEST(CgroupDiscovery, RawPrefixes) {
  auto r = Open(kV2);
  DiscoveryOptions o;
  o.include_root = false;
  o.docker_parents = {};
  o.raw_prefixes = {"/system.slice"};
  auto found = DiscoverCgroups(*r, o);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].docker_id, kV2SdId);  // still recognised as a container
}

TEST(CgroupDiscovery, DockerIdFromName) {
  EXPECT_EQ(DockerIdFromCgroupName(kV1Id), kV1Id);
  EXPECT_EQ(DockerIdFromCgroupName("docker-" + kV1Id + ".scope"), kV1Id);
  EXPECT_EQ(DockerIdFromCgroupName("docker-" + kV1Id + ".slice"), "");
  EXPECT_EQ(DockerIdFromCgroupName("cron.service"), "");
  EXPECT_EQ(DockerIdFromCgroupName(kV1Id.substr(1)), "");
}

}  // namespace
}  // namespace vigie::collect::cgroup
