// /proc/1/mounts + statfs(2): node_filesystem_* by device, fstype and mountpoint.
#include "collect/node/mounts.h"

#include <fcntl.h>
#include <poll.h>
#include <re2/re2.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "collect/family_builder.h"
#include "collect/node/collectors.h"
#include "collect/node/device_filter.h"
#include "collect/node/text.h"

namespace vigie::collect::node {

namespace {

constexpr std::string_view kSource = "mounts";

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

// The kernel escapes space, tab, newline and backslash in mount points as \ooo.
std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && IsOctal(s[i + 1]) && IsOctal(s[i + 2]) &&
        IsOctal(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Result<std::vector<MountEntry>> ParseMounts(std::string_view text) {
  std::vector<MountEntry> out;
  LineReader lines(text);
  std::string_view line;
  std::vector<std::string_view> f;
  while (lines.Next(&line)) {
    SplitFields(line, &f);
    if (f.empty()) continue;
    if (f.size() < 4) {
      return LineError(kSource, lines.line_number(),
                       "expected \"device mountpoint fstype options ...\"", line);
    }
    out.push_back(
        MountEntry{std::string(f[0]), Unescape(f[1]), std::string(f[2]), std::string(f[3])});
  }
  return out;
}

bool MountIsReadOnly(std::string_view options) {
  while (!options.empty()) {
    size_t comma = options.find(',');
    std::string_view opt = options.substr(0, comma);
    if (opt == "ro") return true;
    if (comma == std::string_view::npos) break;
    options.remove_prefix(comma + 1);
  }
  return false;
}

namespace {

bool UnderRootfs(std::string_view mount_point, std::string_view rootfs) {
  if (!mount_point.starts_with(rootfs)) return false;
  return mount_point.size() == rootfs.size() || mount_point[rootfs.size()] == '/';
}

// The mount table, read again only when it changed: the kernel marks an open mounts file
// readable with POLLPRI after any mount or unmount in its namespace. With hundreds of container
// mounts, generating the file is most of a scrape's kernel time; most scrapes skip it. It is
// still read at least once a minute, and always through FileSystem::ReadFile on test trees.
class MountTable {
 public:
  explicit MountTable(fs::FileSystem* fs) : fs_(fs), real_(fs == &fs::Real()) {}
  ~MountTable() { Close(); }
  MountTable(const MountTable&) = delete;
  MountTable& operator=(const MountTable&) = delete;

  Result<const std::vector<MountEntry>*> Get(const NodePaths& paths) {
    if (!real_) {
      auto text = fs_->ReadFile(paths.Proc("1/mounts"));
      if (!text.ok() && text.error().code() == ErrorCode::kNotFound) {
        text = fs_->ReadFile(paths.Proc("mounts"));  // /proc/1 hidden (hidepid)
      }
      if (!text.ok()) return text.error();
      VIGIE_ASSIGN_OR_RETURN(entries_, ParseMounts(*text));
      ++generation_;
      return &entries_;
    }
    auto now = std::chrono::steady_clock::now();
    if (fd_ >= 0 && !Changed() && now - read_at_ < std::chrono::minutes(1)) return &entries_;
    Status st = ReadReal(paths);
    if (!st.ok()) {
      Close();
      return st.error();
    }
    read_at_ = now;
    ++generation_;
    return &entries_;
  }

  // Changes whenever Get() parsed the table again (every call on test trees).
  uint64_t generation() const { return generation_; }

 private:
  bool Changed() {
    pollfd p{fd_, POLLPRI, 0};
    if (::poll(&p, 1, 0) < 0) return true;
    return (p.revents & (POLLPRI | POLLERR | POLLNVAL)) != 0;
  }

  Status ReadReal(const NodePaths& paths) {
    if (fd_ < 0) {
      std::string path = paths.Proc("1/mounts");
      fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0 && errno == ENOENT) {
        path = paths.Proc("mounts");
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      }
      if (fd_ < 0) {
        int e = errno;
        return Error(e == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                     "open " + path + ": " + std::strerror(e));
      }
      Changed();  // consume a pending change mark; we read everything now
    }
    if (buf_.empty()) buf_.resize(64 * 1024);
    size_t len = 0;
    while (true) {
      if (len == buf_.size()) {
        if (buf_.size() >= (64u << 20)) return IoError("mount table larger than 64 MiB");
        buf_.resize(buf_.size() * 2);
      }
      ssize_t n = ::pread(fd_, buf_.data() + len, buf_.size() - len, static_cast<off_t>(len));
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError(std::string("read mounts: ") + std::strerror(errno));
      }
      if (n == 0) break;
      len += static_cast<size_t>(n);
    }
    VIGIE_ASSIGN_OR_RETURN(entries_, ParseMounts(std::string_view(buf_.data(), len)));
    return OkStatus();
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  fs::FileSystem* fs_;
  bool real_;
  int fd_ = -1;
  std::string buf_;
  std::vector<MountEntry> entries_;
  uint64_t generation_ = 0;
  std::chrono::steady_clock::time_point read_at_;
};

// statfs on a network or FUSE file system can block for as long as its server is gone. Like
// node-exporter's stuck-mount watcher, such calls run on a thread of their own; a call that has
// not returned within the mount timeout marks the mount point stuck (device_error 1, no new
// call) until it does return. Local file systems are asked directly: they do not hang, and a
// thread per call would cost more than the call.
bool MayHang(std::string_view fs_type) {
  static constexpr std::string_view kNetwork[] = {
      "nfs", "nfs4",   "cifs", "smb3",  "smbfs", "ceph",  "glusterfs", "9p",
      "afs", "lustre", "gfs2", "ocfs2", "davfs", "sshfs", "virtiofs"};
  for (auto t : kNetwork) {
    if (fs_type == t) return true;
  }
  return fs_type.starts_with("fuse");
}

class StatFsWatchdog {
 public:
  using StatFsFn = std::function<Result<StatFs>(const std::string&)>;
  explicit StatFsWatchdog(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  Result<StatFs> Call(const StatFsFn& fn, const std::string& path) {
    auto it = pending_.find(path);
    if (it != pending_.end()) {
      std::unique_lock lock(it->second->mu);
      if (!it->second->done) return Unavailable("statfs " + path + ": still not answering");
      Result<StatFs> r = std::move(*it->second->result);
      lock.unlock();
      pending_.erase(it);
      return r;
    }
    auto call = std::make_shared<PendingCall>();
    std::thread([call, fn, path] {
      Result<StatFs> r = fn(path);
      std::lock_guard lock(call->mu);
      call->result.emplace(std::move(r));
      call->done = true;
      call->cv.notify_all();
    }).detach();
    std::unique_lock lock(call->mu);
    if (!call->cv.wait_for(lock, timeout_, [&] { return call->done; })) {
      pending_[path] = call;  // stuck: report an error until the call returns
      return Unavailable("statfs " + path + ": no answer within the mount timeout");
    }
    return std::move(*call->result);
  }

 private:
  struct PendingCall {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::optional<Result<StatFs>> result;
  };
  std::chrono::milliseconds timeout_;
  std::map<std::string, std::shared_ptr<PendingCall>> pending_;
};

class FilesystemCollector final : public Collector {
 public:
  FilesystemCollector(NodeOptions o, std::shared_ptr<const re2::RE2> mp_exclude,
                      std::shared_ptr<const re2::RE2> fs_exclude)
      : o_(std::move(o)),
        mounts_table_(o_.fs),
        mp_exclude_(std::move(mp_exclude)),
        fs_exclude_(std::move(fs_exclude)) {
    rootfs_ = o_.paths.rootfs;
    while (rootfs_.size() > 1 && rootfs_.back() == '/') rootfs_.pop_back();
  }
  std::string_view Name() const override { return "filesystem"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    VIGIE_ASSIGN_OR_RETURN(const std::vector<MountEntry>* table, mounts_table_.Get(o_.paths));
    // The mounts to report change only with the table: selected again when it was re-read
    // (hundreds of container mounts, each matched against two regexes, would otherwise be
    // filtered at every scrape).
    if (selected_generation_ != mounts_table_.generation()) {
      Select(*table);
      selected_generation_ = mounts_table_.generation();
    }

    using T = expfmt::MetricType;
    FamilyBuilder size("node_filesystem_size_bytes", T::kGauge, "Filesystem size in bytes.");
    FamilyBuilder free("node_filesystem_free_bytes", T::kGauge, "Filesystem free space in bytes.");
    FamilyBuilder avail("node_filesystem_avail_bytes", T::kGauge,
                        "Filesystem space available to non-root users in bytes.");
    FamilyBuilder files("node_filesystem_files", T::kGauge, "Filesystem total file nodes.");
    FamilyBuilder files_free("node_filesystem_files_free", T::kGauge,
                             "Filesystem total free file nodes.");
    FamilyBuilder ro("node_filesystem_readonly", T::kGauge, "Filesystem read-only status.");
    FamilyBuilder err("node_filesystem_device_error", T::kGauge,
                      "Whether an error occurred while getting statistics for the given device.");

    for (const SelectedMount& m : selected_) {
      LabelPairs labels = {
          {"device", m.device}, {"fstype", m.fs_type}, {"mountpoint", m.mount_point}};
      auto st = m.may_hang ? watchdog_.Call(o_.statfs, m.path) : o_.statfs(m.path);
      if (!st.ok()) {
        err.Add(labels, 1);
        continue;
      }
      err.Add(labels, 0);
      double bsize = static_cast<double>(st->block_size);
      size.Add(labels, static_cast<double>(st->blocks) * bsize);
      free.Add(labels, static_cast<double>(st->blocks_free) * bsize);
      avail.Add(labels, static_cast<double>(st->blocks_avail) * bsize);
      files.Add(labels, static_cast<double>(st->files));
      files_free.Add(labels, static_cast<double>(st->files_free));
      ro.Add(labels, m.read_only ? 1 : 0);
    }
    avail.MoveTo(out);
    err.MoveTo(out);
    files.MoveTo(out);
    files_free.MoveTo(out);
    free.MoveTo(out);
    ro.MoveTo(out);
    size.MoveTo(out);
    return OkStatus();
  }

 private:
  struct SelectedMount {
    std::string device, fs_type, mount_point;  // labels (mount point without --path.rootfs)
    std::string path;                          // what statfs is asked about
    bool read_only = false;
    bool may_hang = false;  // asked through the watchdog
  };

  void Select(const std::vector<MountEntry>& mounts) {
    selected_.clear();
    // When the table is the agent's own (its container's), the host's mounts are those under
    // --path.rootfs; the container's other mounts (its overlay root, /etc/hosts binds) are not
    // the host's file systems and are left out.
    bool own_table = false;
    if (rootfs_ != "/") {
      for (const auto& m : mounts) {
        if (UnderRootfs(m.mount_point, rootfs_)) own_table = true;
      }
    }
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (const auto& m : mounts) {
      if (own_table && !UnderRootfs(m.mount_point, rootfs_)) continue;
      std::string mount_point = o_.paths.StripRootfs(m.mount_point);
      if (mp_exclude_ && RegexFind(*mp_exclude_, mount_point)) continue;
      if (fs_exclude_ && RegexFind(*fs_exclude_, m.fs_type)) continue;
      // One series per device, mountpoint and fstype, even when mounted several times.
      if (!seen.emplace(m.device, mount_point, m.fs_type).second) continue;
      SelectedMount& s = selected_.emplace_back();
      s.path = o_.paths.Rootfs(mount_point);
      s.device = m.device;
      s.fs_type = m.fs_type;
      s.mount_point = std::move(mount_point);
      s.read_only = MountIsReadOnly(m.options);
      s.may_hang = MayHang(m.fs_type);
    }
  }

  NodeOptions o_;
  MountTable mounts_table_;
  StatFsWatchdog watchdog_{o_.filesystem_mount_timeout};
  std::string rootfs_;
  std::vector<SelectedMount> selected_;
  uint64_t selected_generation_ = 0;  // of mounts_table_ when selected_ was chosen
  std::shared_ptr<const re2::RE2> mp_exclude_, fs_exclude_;
};

}  // namespace

Result<std::unique_ptr<Collector>> NewFilesystemCollector(const NodeOptions& o) {
  // An empty pattern excludes nothing.
  std::shared_ptr<const re2::RE2> mp, fst;
  if (!o.filesystem_mount_points_exclude.empty()) {
    VIGIE_ASSIGN_OR_RETURN(mp, CompileFlagRegex("collector.filesystem.mount-points-exclude",
                                                o.filesystem_mount_points_exclude));
  }
  if (!o.filesystem_fs_types_exclude.empty()) {
    VIGIE_ASSIGN_OR_RETURN(fst, CompileFlagRegex("collector.filesystem.fs-types-exclude",
                                                 o.filesystem_fs_types_exclude));
  }
  return std::unique_ptr<Collector>(
      std::make_unique<FilesystemCollector>(o, std::move(mp), std::move(fst)));
}

}  // namespace vigie::collect::node
