#include "collect/cgroup/reader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <utility>

#include "collect/cgroup/parse.h"
#include "collect/cgroup/reader_impl.h"

namespace vigie::collect::cgroup {

namespace internal {

std::string CgroupDir(std::string_view hierarchy_dir, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return std::string(hierarchy_dir);
  return fs::Join(hierarchy_dir, path);
}

Status FileReader::ListSubdirs(const std::string& dir, std::vector<std::string>* out) {
  size_t n = 0;
  auto add = [&](std::string_view name) {
    if (n < out->size()) {
      (*out)[n].assign(name);
    } else {
      out->emplace_back(name);
    }
    ++n;
  };
  if (&fs() != &fs::Real()) {
    auto entries = fs().ListDir(dir);
    if (!entries.ok()) {
      out->clear();
      if (entries.error().code() == ErrorCode::kNotFound) return OkStatus();
      return entries.error();
    }
    for (const auto& e : *entries) {
      if (e.is_dir) add(e.name);
    }
    out->resize(n);
    return OkStatus();
  }
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    out->clear();
    if (e == ENOENT || e == ENOTDIR) return OkStatus();
    return IoError("open " + dir + ": " + std::strerror(e));
  }
  if (dents_.size() < 32768) dents_.resize(32768);
  while (true) {
    ssize_t got = ::getdents64(fd, dents_.data(), dents_.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      out->clear();
      return IoError("list " + dir + ": " + std::strerror(e));
    }
    if (got == 0) break;
    for (ssize_t off = 0; off < got;) {
      const auto* d = reinterpret_cast<const dirent64*>(dents_.data() + off);
      off += d->d_reclen;
      std::string_view name(d->d_name);
      if (name == "." || name == "..") continue;
      bool is_dir = d->d_type == DT_DIR;
      if (d->d_type == DT_UNKNOWN) {
        struct stat st {};
        is_dir = ::fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
      }
      if (is_dir) add(name);
    }
  }
  ::close(fd);
  out->resize(n);
  return OkStatus();
}

Error InFile(const Error& e, const std::string& dir, std::string_view file) {
  return e.Wrap(fs::Join(dir, file));
}

Result<bool> FileReader::ReadUint(CachedFile& f, const std::string& dir, std::string_view file,
                                  uint64_t* v) {
  VIGIE_ASSIGN_OR_RETURN(const std::string* text, cache_.Read(f, dir, file));
  if (text == nullptr) return false;
  auto r = ParseCgroupUint(*text);
  if (!r.ok()) return InFile(r.error(), dir, file);
  *v = *r;
  return true;
}

}  // namespace internal

Result<std::unique_ptr<CgroupReader>> CgroupReader::Open(fs::FileSystem& fs,
                                                         std::string cgroup_root,
                                                         size_t max_open_files) {
  if (fs.Exists(fs::Join(cgroup_root, "cgroup.controllers"))) {
    return internal::NewV2Reader(fs, max_open_files, std::move(cgroup_root));
  }
  auto entries = fs.ListDir(cgroup_root);
  if (!entries.ok()) {
    return entries.error().Wrap("cannot list the cgroup mounts (is --path.sysfs right?)");
  }
  internal::V1Dirs dirs;
  // A directory per mounted hierarchy, named after its controllers ("cpu,cpuacct"); Debian
  // adds symlinks per controller, which resolve to the same place.
  for (const auto& e : *entries) {
    if (!e.is_dir && !e.is_symlink) continue;
    std::string dir = fs::Join(cgroup_root, e.name);
    std::string_view names = e.name;
    while (!names.empty()) {
      size_t comma = names.find(',');
      std::string_view c = names.substr(0, comma);
      names.remove_prefix(comma == std::string_view::npos ? names.size() : comma + 1);
      std::string* slot = c == "cpu"       ? &dirs.cpu
                          : c == "cpuacct" ? &dirs.cpuacct
                          : c == "memory"  ? &dirs.memory
                          : c == "blkio"   ? &dirs.blkio
                          : c == "pids"    ? &dirs.pids
                                           : nullptr;
      // Prefer the plain controller name (a symlink or a single-controller mount).
      if (slot != nullptr && (slot->empty() || e.name == c)) *slot = dir;
    }
  }
  if (dirs.cpu.empty() && dirs.cpuacct.empty() && dirs.memory.empty()) {
    return NotFound("no cgroup hierarchy found under " + cgroup_root +
                    " (neither cgroup.controllers for v2 nor cpu/cpuacct/memory for v1)");
  }
  return internal::NewV1Reader(fs, max_open_files, std::move(dirs));
}

}  // namespace vigie::collect::cgroup
