#include "collect/node.h"

#include <sys/statfs.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstring>

#include "collect/node/collectors.h"

namespace vigie::collect {

std::string NodePaths::StripRootfs(std::string_view mount_point) const {
  std::string_view root = rootfs;
  while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
  if (root == "/" || root.empty()) return std::string(mount_point);
  if (!mount_point.starts_with(root)) return std::string(mount_point);
  std::string_view rest = mount_point.substr(root.size());
  if (rest.empty()) return "/";
  if (rest.front() != '/') return std::string(mount_point);  // "/rootfs2" is not under "/rootfs"
  return std::string(rest);
}

Result<StatFs> RealStatFs(const std::string& path) {
  struct statfs s {};
  if (::statfs(path.c_str(), &s) != 0) {
    int e = errno;
    return Error(e == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                 "statfs " + path + ": " + std::strerror(e));
  }
  StatFs out;
  out.block_size = static_cast<uint64_t>(s.f_bsize);
  out.blocks = s.f_blocks;
  out.blocks_free = s.f_bfree;
  out.blocks_avail = s.f_bavail;
  out.files = s.f_files;
  out.files_free = s.f_ffree;
  return out;
}

Result<Uname> RealUname() {
  struct utsname u {};
  if (::uname(&u) != 0) return IoError(std::string("uname: ") + std::strerror(errno));
  Uname out;
  out.sysname = u.sysname;
  out.nodename = u.nodename;
  out.release = u.release;
  out.version = u.version;
  out.machine = u.machine;
#ifdef _GNU_SOURCE
  out.domainname = u.domainname;
#endif
  return out;
}

const std::vector<NodeCollectorInfo>& NodeCollectorInfos() {
  static const std::vector<NodeCollectorInfo> kInfos = {
      {"cpu", true, "node_cpu_seconds_total from /proc/stat"},
      {"diskstats", true, "node_disk_* from /proc/diskstats"},
      {"filesystem", true, "node_filesystem_* from the mount table and statfs"},
      {"loadavg", true, "node_load{1,5,15} from /proc/loadavg"},
      {"machine", true,
       "cAdvisor's machine_cpu_cores, machine_cpu_physical_cores, machine_cpu_sockets, "
       "machine_memory_bytes"},
      {"meminfo", true, "node_memory_* from /proc/meminfo"},
      {"netdev", true, "node_network_* from /proc/net/dev"},
      {"os", true, "node_os_info, node_os_version from os-release"},
      {"pressure", true, "node_pressure_* from /proc/pressure"},
      {"stat", true, "boot time, context switches, forks, interrupts, procs from /proc/stat"},
      {"time", true, "node_time_seconds, time zone, clock sources"},
      {"uname", true, "node_uname_info"},
      {"vmstat", true, "node_vmstat_* from /proc/vmstat"},
  };
  return kInfos;
}

Result<std::unique_ptr<Collector>> NewNodeCollector(std::string_view name,
                                                    const NodeOptions& options) {
  NodeOptions o = node::WithDefaults(options);
  if (name == "cpu") return node::NewCpuCollector(o);
  if (name == "diskstats") return node::NewDiskstatsCollector(o);
  if (name == "filesystem") return node::NewFilesystemCollector(o);
  if (name == "loadavg") return node::NewLoadavgCollector(o);
  if (name == "machine") return node::NewMachineCollector(o);
  if (name == "meminfo") return node::NewMeminfoCollector(o);
  if (name == "netdev") return node::NewNetdevCollector(o);
  if (name == "os") return node::NewOsCollector(o);
  if (name == "pressure") return node::NewPressureCollector(o);
  if (name == "stat") return node::NewStatCollector(o);
  if (name == "time") return node::NewTimeCollector(o);
  if (name == "uname") return node::NewUnameCollector(o);
  if (name == "vmstat") return node::NewVmstatCollector(o);
  return InvalidArgument("unknown node collector \"" + std::string(name) + "\"");
}

namespace node {

NodeOptions WithDefaults(const NodeOptions& options) {
  NodeOptions o = options;
  if (!o.fs) o.fs = &fs::Real();
  if (!o.statfs) o.statfs = RealStatFs;
  if (!o.uname) o.uname = RealUname;
  if (!o.now) o.now = [] { return std::chrono::system_clock::now(); };
  return o;
}

Error NoData(std::string message) { return NotFound(std::move(message)); }

}  // namespace node

}  // namespace vigie::collect
