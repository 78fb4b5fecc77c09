// The container collector on real cgroups: the test creates two cgroups (root only), runs a
// CPU burner in one (under a 5% CFS quota) and a memory allocator in the other, and checks
// that the collector reports the expected increases. Work is bounded by CPU time and bytes,
// never by wall-clock time; skipped with a message when cgroups cannot be created.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "collect/cgroup/cgroup_stats.h"
#include "collect/cgroup/container_collector.h"
#include "collect/cgroup/reader.h"
#include "core/time.h"
#include "expfmt/writer.h"

namespace vigie::collect {
namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
constexpr size_t kAllocBytes = 64 << 20;
constexpr double kBurnCpuSeconds = 0.1;

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  f.flush();
  return static_cast<bool>(f);
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The scheduler state letter of `pid` from /proc/<pid>/stat, '?' if unreadable.
char ProcessState(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() ? text[close + 2] : '?';
}

// A forked child that waits for a byte on `go`, runs `work`, writes a byte on `done`, then
// sleeps until killed.
struct Child {
  pid_t pid = -1;
  int go = -1;
  int done = -1;

  template <typename Work>
  static Child Start(Work work) {
    int go_pipe[2], done_pipe[2];
    if (pipe(go_pipe) != 0 || pipe(done_pipe) != 0) return {};
    pid_t pid = fork();
    if (pid == 0) {
      char c;
      if (read(go_pipe[0], &c, 1) != 1) _exit(1);
      work();
      if (write(done_pipe[1], "x", 1) != 1) _exit(1);
      while (true) pause();
    }
    close(go_pipe[0]);
    close(done_pipe[1]);
    return Child{pid, go_pipe[1], done_pipe[0]};
  }
  void Go() const { ASSERT_EQ(write(go, "x", 1), 1); }
  // Waits (bounded) until the work is done.
  bool WaitDone() const {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(done, &set);
    timeval tv{30, 0};  // a generous bound for 0.1 CPU seconds at 5% on a loaded machine
    if (select(done + 1, &set, nullptr, nullptr, &tv) != 1) return false;
    char c;
    return read(done, &c, 1) == 1;
  }
  void Kill() {
    if (pid <= 0) return;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(go);
    close(done);
    pid = -1;
  }
};

class RealCgroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0)
      GTEST_SKIP() << "needs root to create cgroups (running as uid " << geteuid() << ")";
    auto reader = cgroup::CgroupReader::Open(fs::Real(), kCgroupRoot);
    if (!reader.ok()) GTEST_SKIP() << "no cgroup hierarchy: " << reader.error().message();
    v2_ = (*reader)->version() == cgroup::CgroupVersion::kV2;
    parent_ = "/vigie-test-" + std::to_string(getpid());
    if (v2_) {
      dirs_ = {kCgroupRoot};
      // Controllers must be enabled for children, level by level.
      WriteFile(std::string(kCgroupRoot) + "/cgroup.subtree_control", "+cpu +memory +pids");
    } else {
      for (const char* c : {"cpu", "cpuacct", "memory", "pids"}) {
        std::string d = std::string(kCgroupRoot) + "/" + c;
        if (access(d.c_str(), F_OK) == 0) dirs_.push_back(d);
      }
    }
    for (const auto& d : dirs_) {
      for (const std::string& sub : {parent_, parent_ + "/burner", parent_ + "/alloc"}) {
        std::string path = d + sub;
        if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
          GTEST_SKIP() << "cannot create cgroup " << path << ": " << std::strerror(errno)
                       << " (needs root and a writable cgroup hierarchy)";
        }
        created_.push_back(path);
      }
      if (v2_) WriteFile(d + parent_ + "/cgroup.subtree_control", "+cpu +memory +pids");
    }
  }

  void TearDown() override {
    for (auto& c : children_) c.Kill();
    // Children first; a cgroup can be removed once its processes are gone.
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
      for (int i = 0; i < 50 && rmdir(it->c_str()) != 0 && errno == EBUSY; ++i) usleep(20'000);
    }
  }

  // Puts `pid` into the cgroup <parent>/<name> of every hierarchy.
  void Place(pid_t pid, const std::string& name) {
    for (const auto& d : dirs_) {
      std::string dir = d;
      dir.append(parent_).append("/").append(name);
      ASSERT_TRUE(WriteFile(dir + "/cgroup.procs", std::to_string(pid)))
          << "cannot move " << pid << " into " << dir;
    }
  }
  std::string ControllerDir(const char* controller) const {
    return v2_ ? std::string(kCgroupRoot) : std::string(kCgroupRoot) + "/" + controller;
  }

  std::optional<double> Value(const std::vector<expfmt::MetricFamily>& fams, std::string_view name,
                              const std::string& cgroup, std::string_view state = {}) {
    for (const auto& f : fams) {
      for (const auto& s : f.samples) {
        if (s.labels.MetricName() == name && s.labels.Get("id") == parent_ + "/" + cgroup &&
            s.labels.Get("state") == state) {
          return s.value;
        }
      }
    }
    return std::nullopt;
  }

  std::vector<expfmt::MetricFamily> Scrape(Collector& c) {
    std::vector<expfmt::MetricFamily> out;
    Status st = c.Collect(&out);
    EXPECT_TRUE(st.ok()) << st.error().message();
    for (auto& f : out) EXPECT_TRUE(expfmt::ExpandEncodedSamples(&f).ok()) << f.name;
    return out;
  }

  bool v2_ = false;
  std::string parent_;
  std::vector<std::string> dirs_;
  std::vector<std::string> created_;
  std::vector<Child> children_;
};

TEST_F(RealCgroupTest, BurnerAndAllocatorShowUp) {
  // A 5% quota on the burner, so it is throttled even when a busy machine gives it little CPU
  // (0.1 CPU seconds then take about 2 s).
  if (v2_) {
    ASSERT_TRUE(WriteFile(ControllerDir("cpu") + parent_ + "/burner/cpu.max", "5000 100000"));
  } else {
    ASSERT_TRUE(WriteFile(ControllerDir("cpu") + parent_ + "/burner/cpu.cfs_quota_us", "5000"));
  }

  children_.push_back(Child::Start([] {
    double start = ProcessCpuSeconds();
    volatile uint64_t x = 0;
    while (ProcessCpuSeconds() - start < kBurnCpuSeconds) {
      for (int i = 0; i < 100000; ++i) x = x + static_cast<uint64_t>(i);
    }
  }));
  children_.push_back(Child::Start([] {
    // volatile: the stores must happen although nothing reads them.
    volatile char* p = static_cast<char*>(malloc(kAllocBytes));
    for (size_t i = 0; i < kAllocBytes; i += 4096) p[i] = 1;  // touch every page
  }));
  Child& burner = children_[0];
  Child& alloc = children_[1];
  ASSERT_GT(burner.pid, 0);
  ASSERT_GT(alloc.pid, 0);
  Place(burner.pid, "burner");
  Place(alloc.pid, "alloc");

  ContainerCollectorOptions o;
  o.include_root = false;
  o.raw_cgroup_prefixes = {parent_};
  auto c = NewContainerCollector(o);

  auto before = Scrape(*c);
  auto cpu0 = Value(before, "container_cpu_usage_seconds_total", "burner");
  auto mem0 = Value(before, "container_memory_usage_bytes", "alloc");
  ASSERT_TRUE(cpu0.has_value()) << "burner cgroup not reported";
  ASSERT_TRUE(mem0.has_value()) << "alloc cgroup not reported";
  EXPECT_EQ(*Value(before, "container_processes", "burner"), 1);
  EXPECT_EQ(*Value(before, "container_spec_cpu_quota", "burner"), 5000);

  burner.Go();
  alloc.Go();
  ASSERT_TRUE(burner.WaitDone()) << "burner did not finish";
  ASSERT_TRUE(alloc.WaitDone()) << "allocator did not finish";

  auto after = Scrape(*c);
  EXPECT_GE(*Value(after, "container_cpu_usage_seconds_total", "burner") - *cpu0,
            kBurnCpuSeconds * 0.95);
  EXPECT_GT(*Value(after, "container_cpu_user_seconds_total", "burner"), 0);
  EXPECT_GT(*Value(after, "container_cpu_cfs_periods_total", "burner"), 0);
  EXPECT_GT(*Value(after, "container_cpu_cfs_throttled_periods_total", "burner"), 0);
  EXPECT_GT(*Value(after, "container_cpu_cfs_throttled_seconds_total", "burner"), 0);

  double grown = *Value(after, "container_memory_usage_bytes", "alloc") - *mem0;
  EXPECT_GE(grown, 0.9 * kAllocBytes);
  EXPECT_GE(*Value(after, "container_memory_rss", "alloc"), 0.9 * kAllocBytes);
  EXPECT_GE(*Value(after, "container_memory_working_set_bytes", "alloc"), 0.9 * kAllocBytes);
  // The burner's memory did not grow by anything like that.
  EXPECT_LT(*Value(after, "container_memory_usage_bytes", "burner"), 0.5 * kAllocBytes);
  // Its one task is counted once (sleeping in pause(), or still running on its way there).
  EXPECT_EQ(*Value(after, "container_tasks_state", "alloc", "sleeping") +
                *Value(after, "container_tasks_state", "alloc", "running"),
            1);

  // A cgroup whose processes are gone and that is removed disappears from the next scrape.
  alloc.Kill();
  for (const auto& d : dirs_) {
    std::string path = d + parent_ + "/alloc";
    for (int i = 0; i < 50 && rmdir(path.c_str()) != 0 && errno == EBUSY; ++i) usleep(20'000);
  }
  auto gone = Scrape(*c);
  EXPECT_FALSE(Value(gone, "container_memory_usage_bytes", "alloc").has_value());
  EXPECT_TRUE(Value(gone, "container_memory_usage_bytes", "burner").has_value());
}

// cgroup v1 keeps the pid list it built for an open cgroup.procs and hands it out again to reads
// of that open file until a second passes without one: scrapes closer together than that must
// still see processes come and go.
TEST_F(RealCgroupTest, ProcessesFollowForksBetweenQuickScrapes) {
  ContainerCollectorOptions o;
  o.include_root = false;
  o.raw_cgroup_prefixes = {parent_};
  auto c = NewContainerCollector(o);
  EXPECT_EQ(*Value(Scrape(*c), "container_processes", "burner"), 0);
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    children_.push_back(Child::Start([] {}));
    ASSERT_GT(children_.back().pid, 0);
    Place(children_.back().pid, "burner");
    EXPECT_EQ(*Value(Scrape(*c), "container_processes", "burner"), 1) << "a new process is missed";
    children_.back().Kill();
    EXPECT_EQ(*Value(Scrape(*c), "container_processes", "burner"), 0) << "a gone one is kept";
  }
}

TEST_F(RealCgroupTest, TaskStatesFromNetlinkMatchProc) {
  // One sleeping process in "alloc", none in "burner".
  children_.push_back(Child::Start([] {}));
  Child& sleeper = children_[0];
  ASSERT_GT(sleeper.pid, 0);
  Place(sleeper.pid, "alloc");
  sleeper.Go();
  ASSERT_TRUE(sleeper.WaitDone());
  // Until it sits in pause() (it may still be running on its way there).
  for (int i = 0; i < 500 && ProcessState(sleeper.pid) != 'S'; ++i) usleep(10'000);
  ASSERT_EQ(ProcessState(sleeper.pid), 'S');

  auto client = cgroup::CgroupStatsClient::Open();
  if (client == nullptr) GTEST_SKIP() << "no taskstats netlink family here";
  auto reader = cgroup::CgroupReader::Open(fs::Real(), kCgroupRoot);
  ASSERT_TRUE(reader.ok());
  int cg = open((*reader)->ProcessesDir(parent_ + "/alloc").c_str(), O_RDONLY | O_DIRECTORY);
  int not_cg = open("/tmp", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(cg, 0);
  ASSERT_GE(not_cg, 0);
  std::vector<cgroup::TaskStates> states;
  std::vector<uint8_t> ok;
  ASSERT_TRUE(client->Query({cg, not_cg, cg}, &states, &ok).ok());
  ASSERT_EQ(ok.size(), 3u);
  EXPECT_FALSE(ok[1]) << "a directory that is not a cgroup is refused";
  if (v2_) {
    // The kernel's cgroupstats takes only v1 hierarchies; the collector reads /proc instead.
    EXPECT_FALSE(ok[0]) << "cgroupstats answered for a v2 cgroup: the collector could use it";
  } else {
    EXPECT_TRUE(ok[0]);
    EXPECT_TRUE(ok[2]);
    EXPECT_EQ(states[0].sleeping, 1u);  // in pause()
    EXPECT_EQ(states[0].running + states[0].stopped + states[0].uninterruptible, 0u);
  }
  close(cg);
  close(not_cg);

  // The collector reports the same with and without netlink.
  for (bool netlink : {true, false}) {
    SCOPED_TRACE(netlink ? "netlink" : "/proc");
    ContainerCollectorOptions o;
    o.include_root = false;
    o.raw_cgroup_prefixes = {parent_};
    o.use_cgroupstats = netlink;
    auto c = NewContainerCollector(o);
    auto fams = Scrape(*c);
    EXPECT_EQ(*Value(fams, "container_tasks_state", "alloc", "sleeping"), 1);
    EXPECT_EQ(*Value(fams, "container_tasks_state", "alloc", "running"), 0);
    EXPECT_EQ(*Value(fams, "container_tasks_state", "burner", "sleeping"), 0);
  }
}

}  // namespace
}  // namespace vigie::collect
