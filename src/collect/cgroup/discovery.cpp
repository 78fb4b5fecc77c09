#include "collect/cgroup/discovery.h"

#include <algorithm>

namespace vigie::collect::cgroup {

namespace {

bool IsHexId(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

void ChildPath(std::string_view parent, std::string_view name, std::string* out) {
  out->assign(parent);
  if (out->empty() || out->back() != '/') *out += '/';
  *out += name;
}

// Appends one entry to out[*n], reusing the strings already there.
DiscoveredCgroup& Next(std::vector<DiscoveredCgroup>* out, size_t* n) {
  if (*n == out->size()) out->emplace_back();
  return (*out)[(*n)++];
}

Status WalkRaw(CgroupReader& reader, const std::string& path, int depth_left,
               std::vector<DiscoveredCgroup>* out, size_t* n) {
  std::vector<std::string> children;
  VIGIE_RETURN_IF_ERROR(reader.ListChildren(path, &children));
  for (const auto& c : children) {
    DiscoveredCgroup& d = Next(out, n);
    ChildPath(path, c, &d.path);
    d.docker_id.assign(DockerIdFromCgroupName(c));
    if (depth_left > 1) {
      std::string child = d.path;  // `d` may move as out grows
      VIGIE_RETURN_IF_ERROR(WalkRaw(reader, child, depth_left - 1, out, n));
    }
  }
  return OkStatus();
}

}  // namespace

std::string_view DockerIdFromCgroupName(std::string_view name) {
  if (IsHexId(name)) return name;
  constexpr std::string_view kPrefix = "docker-", kSuffix = ".scope";
  if (name.size() == kPrefix.size() + 64 + kSuffix.size() && name.starts_with(kPrefix) &&
      name.ends_with(kSuffix)) {
    std::string_view id = name.substr(kPrefix.size(), 64);
    if (IsHexId(id)) return id;
  }
  return {};
}

Status DiscoverCgroups(CgroupReader& reader, const DiscoveryOptions& options,
                       std::vector<std::string>* names, std::vector<DiscoveredCgroup>* out) {
  size_t n = 0;
  if (options.include_root) {
    DiscoveredCgroup& d = Next(out, &n);
    d.path.assign("/");
    d.docker_id.clear();
  }
  for (const auto& parent : options.docker_parents) {
    VIGIE_RETURN_IF_ERROR(reader.ListChildren(parent, names));
    for (const auto& c : *names) {
      std::string_view id = DockerIdFromCgroupName(c);
      if (id.empty()) continue;
      DiscoveredCgroup& d = Next(out, &n);
      ChildPath(parent, c, &d.path);
      d.docker_id.assign(id);
    }
  }
  for (const auto& prefix : options.raw_prefixes) {
    VIGIE_RETURN_IF_ERROR(WalkRaw(reader, prefix, 4, out, &n));
  }
  // Entries past n keep their strings for the next scrape; sort and dedupe the first n.
  auto end = out->begin() + static_cast<std::ptrdiff_t>(n);
  std::sort(out->begin(), end, [](const auto& a, const auto& b) { return a.path < b.path; });
  auto last =
      std::unique(out->begin(), end, [](const auto& a, const auto& b) { return a.path == b.path; });
  // std::unique leaves moved-from entries after `last`; drop those and the spare ones.
  out->erase(last, out->end());
  return OkStatus();
}

Result<std::vector<DiscoveredCgroup>> DiscoverCgroups(CgroupReader& reader,
                                                      const DiscoveryOptions& options) {
  std::vector<std::string> names;
  std::vector<DiscoveredCgroup> out;
  VIGIE_RETURN_IF_ERROR(DiscoverCgroups(reader, options, &names, &out));
  return out;
}

}  // namespace vigie::collect::cgroup
