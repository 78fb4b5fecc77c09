#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "collect/node.h"
#include "collect/node/mounts.h"
#include "lib/temp_dir.h"
#include "node_test_support.h"

namespace vigie::collect {
namespace {

using testing::CollectAll;
using testing::FixtureOptions;
using testing::ParseText;
using testing::RenderSorted;

TEST(ParseMounts, DecodesEscapesAndKeepsOrder) {
  auto m = node::ParseMounts(
      "/dev/sda1 / ext4 rw,relatime 0 0\n"
      "/dev/sdb1 /with\\040space\\011tab ext4 ro 0 0\n"
      "\n");
  ASSERT_TRUE(m.ok()) << m.error().message();
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].device, "/dev/sda1");
  EXPECT_EQ((*m)[0].mount_point, "/");
  EXPECT_EQ((*m)[0].fs_type, "ext4");
  EXPECT_EQ((*m)[0].options, "rw,relatime");
  EXPECT_EQ((*m)[1].mount_point, "/with space\ttab");
}

TEST(ParseMounts, ShortLineIsAnErrorNamingTheLine) {
  auto m = node::ParseMounts("/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /data\n");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message().find("line 2"), std::string::npos) << m.error().message();
  EXPECT_NE(m.error().message().find("/dev/sdb1 /data"), std::string::npos);
}

TEST(ParseMounts, TrailingBackslashIsKept) {
  auto m = node::ParseMounts("a /x\\04 ext4 rw\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)[0].mount_point, "/x\\04");
}

TEST(MountIsReadOnly, MatchesWholeOption) {
  EXPECT_TRUE(node::MountIsReadOnly("ro"));
  EXPECT_TRUE(node::MountIsReadOnly("nosuid,ro,relatime"));
  EXPECT_FALSE(node::MountIsReadOnly("rw,errors=remount-ro"));
  EXPECT_FALSE(node::MountIsReadOnly(""));
}

TEST(NodePaths, StripRootfs) {
  NodePaths p;
  p.rootfs = "/rootfs";
  EXPECT_EQ(p.StripRootfs("/rootfs"), "/");
  EXPECT_EQ(p.StripRootfs("/rootfs/home"), "/home");
  EXPECT_EQ(p.StripRootfs("/rootfs2/home"), "/rootfs2/home");
  EXPECT_EQ(p.StripRootfs("/etc/hostname"), "/etc/hostname");
  p.rootfs = "/rootfs/";
  EXPECT_EQ(p.StripRootfs("/rootfs/home"), "/home");
  p.rootfs = "/";
  EXPECT_EQ(p.StripRootfs("/home"), "/home");
}

// A containerised agent with the host's / at /rootfs reads its own mount table: it reports the
// host's file systems relative to the host's root ("/" not "/rootfs") and ignores the
// container's overlay root and bind mounts.
TEST(FilesystemCollector, ContainerisedAgentReportsHostMountPoints) {
  NodeOptions o = FixtureOptions("synthetic-edge");
  o.paths.rootfs = "/rootfs";
  std::vector<std::string> statfs_paths;
  o.statfs = [&statfs_paths](const std::string& path) -> Result<StatFs> {
    statfs_paths.push_back(path);
    if (path.find("missing") != std::string::npos) return NotFound("statfs " + path);
    return testing::FakeStatFs();
  };
  std::vector<std::string> errors;
  auto p = ParseText(RenderSorted(CollectAll(o, {"filesystem"}, &errors)));
  EXPECT_TRUE(errors.empty());
  auto key = [](std::string metric, std::string dev, std::string fstype, std::string mp) {
    return metric + "{device=\"" + dev + "\",fstype=\"" + fstype + "\",mountpoint=\"" + mp + "\"}";
  };
  EXPECT_EQ(p.series[key("node_filesystem_size_bytes", "/dev/sda1", "ext4", "/")],
            4096.0 * 1000000);
  EXPECT_EQ(p.series[key("node_filesystem_readonly", "/dev/sda1", "ext4", "/")], 0);
  EXPECT_EQ(p.series[key("node_filesystem_readonly", "/dev/nvme0n1", "xfs", "/data")], 1);
  EXPECT_EQ(p.series[key("node_filesystem_files_free", "/dev/sdb1", "ext4", "/with space")], 60000);
  EXPECT_EQ(p.series[key("node_filesystem_device_error", "/dev/sdc1", "ext4", "/missing")], 1);
  EXPECT_FALSE(p.series.count(key("node_filesystem_size_bytes", "/dev/sdc1", "ext4", "/missing")));
  // Excluded: /run (mount point regex), the overlay root and /proc (fs type), /etc/hostname
  // (a bind mount of the container, not under /rootfs).
  for (const auto& [k, v] : p.series) {
    EXPECT_EQ(k.find("mountpoint=\"/run\""), std::string::npos) << k;
    EXPECT_EQ(k.find("overlay"), std::string::npos) << k;
    EXPECT_EQ(k.find("/etc/hostname"), std::string::npos) << k;
    EXPECT_EQ(k.find("/rootfs"), std::string::npos) << k;
  }
  // The duplicate mount of /dev/sda1 on /rootfs is reported once; statfs runs under rootfs.
  EXPECT_EQ(p.series.size(), 7u * 3 + 1);
  for (const auto& path : statfs_paths) EXPECT_EQ(path.rfind("/rootfs", 0), 0u) << path;
}

TEST(FilesystemCollector, HostAgentUsesTheMountTableAsIs) {
  NodeOptions o = FixtureOptions("debian12-vm");
  std::vector<std::string> paths;
  o.statfs = [&paths](const std::string& path) -> Result<StatFs> {
    paths.push_back(path);
    return testing::FakeStatFs();
  };
  o.paths.rootfs = "/";
  std::vector<std::string> errors;
  auto p = ParseText(RenderSorted(CollectAll(o, {"filesystem"}, &errors)));
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0], "/");
  EXPECT_EQ(p.series.size(), 7u);
}

TEST(FilesystemCollector, InvalidRegexIsAClearError) {
  NodeOptions o = FixtureOptions("debian12-vm");
  o.filesystem_fs_types_exclude = "^(ext4";
  auto c = NewNodeCollector("filesystem", o);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message().find("--collector.filesystem.fs-types-exclude"), std::string::npos)
      << c.error().message();
}

TEST(FilesystemCollector, EmptyExcludeKeepsEverything) {
  NodeOptions o = FixtureOptions("debian12-vm");
  o.paths.rootfs = "/";
  o.filesystem_mount_points_exclude = "";
  o.filesystem_fs_types_exclude = "";
  std::vector<std::string> errors;
  auto p = ParseText(RenderSorted(CollectAll(o, {"filesystem"}, &errors)));
  EXPECT_TRUE(p.series.count(
      "node_filesystem_size_bytes{device=\"proc\",fstype=\"proc\",mountpoint=\"/proc\"}"));
}

}  // namespace
}  // namespace vigie::collect

namespace vigie::collect {
namespace {

bool InProcOneMounts(const std::string& mount_point) {
  auto text = fs::Real().ReadFile("/proc/1/mounts");
  return text.ok() && text->find(" " + mount_point + " ") != std::string::npos;
}

// The mount table is re-read only when the kernel flags a change: a new mount and its removal
// must both show up on the next scrape.
TEST(FilesystemCollector, SeesMountsComeAndGoOnTheRealSystem) {
  vigie::testing::TempDir dir;
  NodeOptions o;
  o.paths.rootfs = "/";
  o.statfs = [](const std::string&) -> Result<StatFs> { return testing::FakeStatFs(); };
  auto c = NewNodeCollector("filesystem", o);
  ASSERT_TRUE(c.ok());
  std::string key =
      "node_filesystem_size_bytes{device=\"vigie-test\",fstype=\"tmpfs\",mountpoint=\"" +
      dir.path() + "\"}";
  auto scrape = [&]() {
    std::vector<expfmt::MetricFamily> out;
    EXPECT_TRUE((*c)->Collect(&out).ok());
    return ParseText(RenderSorted(std::move(out)));
  };
  EXPECT_FALSE(scrape().series.count(key));
  if (::mount("vigie-test", dir.path().c_str(), "tmpfs", 0, "size=1m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
  }
  if (!InProcOneMounts(dir.path())) {
    ::umount(dir.path().c_str());
    GTEST_SKIP() << "this process does not share PID 1's mount namespace";
  }
  EXPECT_TRUE(scrape().series.count(key));
  EXPECT_TRUE(scrape().series.count(key));  // unchanged table: served from the parsed copy
  ASSERT_EQ(::umount(dir.path().c_str()), 0);
  EXPECT_FALSE(scrape().series.count(key));
}

}  // namespace
}  // namespace vigie::collect

namespace vigie::collect {
namespace {

// A network file system whose server is gone: the scrape is not blocked, the mount is reported
// with device_error 1 while its statfs hangs, and comes back once it answers.
TEST(FilesystemCollector, HangingNetworkMountIsReportedStuckNotWaitedFor) {
  auto mem = fs::NewMemory();
  ASSERT_TRUE(mem->MkdirAll("/proc/1").ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/proc/1/mounts",
                                   "/dev/sda1 / ext4 rw 0 0\nsrv:/export /data nfs4 rw 0 0\n")
                  .ok());
  struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    bool open = false;
    int calls = 0;
  };
  auto gate = std::make_shared<Gate>();
  NodeOptions o;
  o.fs = mem.get();
  o.paths.procfs = "/proc";
  o.paths.rootfs = "/";
  o.filesystem_mount_timeout = std::chrono::milliseconds(50);
  o.statfs = [gate](const std::string& path) -> Result<StatFs> {
    if (path == "/data") {
      std::unique_lock lock(gate->mu);
      ++gate->calls;
      gate->cv.wait(lock, [&] { return gate->open; });
    }
    return testing::FakeStatFs();
  };
  auto c = NewNodeCollector("filesystem", o);
  ASSERT_TRUE(c.ok());
  auto scrape = [&]() {
    std::vector<expfmt::MetricFamily> out;
    EXPECT_TRUE((*c)->Collect(&out).ok());
    return ParseText(RenderSorted(std::move(out)));
  };
  const std::string err =
      "node_filesystem_device_error{device=\"srv:/export\",fstype=\"nfs4\",mountpoint=\"/data\"}";
  const std::string root_size =
      "node_filesystem_size_bytes{device=\"/dev/sda1\",fstype=\"ext4\",mountpoint=\"/\"}";
  auto p = scrape();
  EXPECT_EQ(p.series[err], 1);
  EXPECT_EQ(p.series[root_size], 4096.0 * 1000000);
  p = scrape();  // still stuck: no second call is started
  EXPECT_EQ(p.series[err], 1);
  {
    std::lock_guard lock(gate->mu);
    EXPECT_EQ(gate->calls, 1);
    gate->open = true;
  }
  gate->cv.notify_all();
  // The pending call returns; its answer is used on a later scrape.
  bool recovered = false;
  for (int i = 0; i < 200 && !recovered; ++i) {
    p = scrape();
    recovered = p.series[err] == 0;
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(recovered);
  EXPECT_TRUE(p.series.count(
      "node_filesystem_size_bytes{device=\"srv:/export\",fstype=\"nfs4\",mountpoint=\"/data\"}"));
}

}  // namespace
}  // namespace vigie::collect
