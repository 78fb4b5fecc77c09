#include "collect/cgroup/reader.h"

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

Result<std::vector<std::string>> ListSubdirs(fs::FileSystem& fs, const std::string& dir) {
  auto entries = fs.ListDir(dir);
  if (!entries.ok()) {
    if (entries.error().code() == ErrorCode::kNotFound) return std::vector<std::string>{};
    return entries.error();
  }
  std::vector<std::string> out;
  for (auto& e : *entries) {
    if (e.is_dir) out.push_back(std::move(e.name));
  }
  return out;
}

Error InFile(const Error& e, const std::string& dir, std::string_view file) {
  return e.Wrap(fs::Join(dir, file));
}

Result<bool> FileReader::ReadUint(const std::string& dir, std::string_view file, uint64_t* v) {
  VIGIE_ASSIGN_OR_RETURN(bool found, cache_.Read(fs::Join(dir, file), &buf_));
  if (!found) return false;
  auto r = ParseCgroupUint(buf_);
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
