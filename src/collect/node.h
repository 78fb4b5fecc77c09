// Host metrics with node-exporter 1.5's names, types, labels and units, read from a rooted
// procfs, sysfs and root file system (so a containerised agent reports its host when the host's
// /proc, /sys and / are mounted into it, e.g. at /host/proc, /host/sys, /rootfs).
//
// Each collector reads through fs::FileSystem (tests point it at fixture trees) and hands the
// text to a pure Parse function (collect/node/<source>.h). System calls that have no file
// (statfs, uname, the clock) go through the seams below.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collect/collector.h"
#include "core/fs.h"
#include "core/result.h"

namespace vigie::collect {

// Defaults of Debian's node-exporter 1.5 (the reference build; upstream excludes fewer mount
// points and no network device).
inline constexpr std::string_view kDefaultMountPointsExclude =
    "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
inline constexpr std::string_view kDefaultFsTypesExclude =
    "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
    "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|"
    "sysfs|tracefs)$";
inline constexpr std::string_view kDefaultDiskDeviceExclude =
    "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";
inline constexpr std::string_view kDefaultNetDeviceExclude = "^lo$";
inline constexpr std::string_view kDefaultVmstatFields = "^(oom_kill|pgpg|pswp|pg.*fault).*";

// What statfs(2) says about a mounted file system.
struct StatFs {
  uint64_t block_size = 0;  // f_bsize
  uint64_t blocks = 0;
  uint64_t blocks_free = 0;
  uint64_t blocks_avail = 0;
  uint64_t files = 0;
  uint64_t files_free = 0;
};

// What uname(2) says.
struct Uname {
  std::string sysname, nodename, release, version, machine, domainname;
};

struct NodePaths {
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
  std::string udev_data = "/run/udev/data";  // node-exporter's --path.udev.data

  std::string Proc(std::string_view rel) const { return fs::Join(procfs, rel); }
  std::string Sys(std::string_view rel) const { return fs::Join(sysfs, rel); }
  std::string Rootfs(std::string_view rel) const { return fs::Join(rootfs, rel); }
  // A mount point as the host sees it: "/rootfs/home" -> "/home", "/rootfs" -> "/".
  std::string StripRootfs(std::string_view mount_point) const;
};

struct NodeOptions {
  NodePaths paths;
  // Not owned; null means the real file system. Must outlive the collectors.
  fs::FileSystem* fs = nullptr;

  // Filters: RE2 syntax, matched anywhere in the name unless anchored (as node-exporter's Go
  // regexps). An empty include means "everything".
  std::string filesystem_mount_points_exclude{kDefaultMountPointsExclude};
  std::string filesystem_fs_types_exclude{kDefaultFsTypesExclude};
  std::string diskstats_device_exclude{kDefaultDiskDeviceExclude};
  std::string diskstats_device_include;
  std::string netdev_device_exclude{kDefaultNetDeviceExclude};
  std::string netdev_device_include;
  std::string vmstat_fields{kDefaultVmstatFields};
  // How long statfs of a network or FUSE file system may take before the mount is reported
  // stuck (node_filesystem_device_error 1) until it answers again.
  std::chrono::milliseconds filesystem_mount_timeout{5000};
  bool cpu_guest = true;  // node_cpu_guest_seconds_total
  // netdev: link statistics over rtnetlink (the agent's network namespace, like node-exporter's
  // default) instead of <procfs>/net/dev plus <sysfs>/class/net/*/statistics/rx_nohandler.
  bool netdev_netlink = true;

  // Seams; empty means the real system call.
  std::function<Result<StatFs>(const std::string& path)> statfs;
  std::function<Result<Uname>()> uname;
  std::function<std::chrono::system_clock::time_point()> now;
};

struct NodeCollectorInfo {
  std::string_view name;
  bool default_enabled;
  std::string_view help;
};

// Every node collector, in flag order.
const std::vector<NodeCollectorInfo>& NodeCollectorInfos();

// Creates the named collector; errors name a bad option (e.g. an invalid regex) or an unknown
// collector.
Result<std::unique_ptr<Collector>> NewNodeCollector(std::string_view name,
                                                    const NodeOptions& options);

// The real system calls behind the seams.
Result<StatFs> RealStatFs(const std::string& path);
Result<Uname> RealUname();

}  // namespace vigie::collect
