#include "collect/cgroup/discovery.h"

#include <algorithm>

namespace vigie::collect::cgroup {

namespace {

bool IsHexId(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string ChildPath(std::string_view parent, std::string_view name) {
  std::string p(parent);
  if (p.empty() || p.back() != '/') p += '/';
  p += name;
  return p;
}

Status WalkRaw(CgroupReader& reader, const std::string& path, int depth_left,
               std::vector<DiscoveredCgroup>* out) {
  VIGIE_ASSIGN_OR_RETURN(auto children, reader.ListChildren(path));
  for (const auto& c : children) {
    std::string child = ChildPath(path, c);
    out->push_back({child, std::string(DockerIdFromCgroupName(c))});
    if (depth_left > 1) VIGIE_RETURN_IF_ERROR(WalkRaw(reader, child, depth_left - 1, out));
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

Result<std::vector<DiscoveredCgroup>> DiscoverCgroups(CgroupReader& reader,
                                                      const DiscoveryOptions& options) {
  std::vector<DiscoveredCgroup> out;
  if (options.include_root) out.push_back({"/", ""});
  for (const auto& parent : options.docker_parents) {
    VIGIE_ASSIGN_OR_RETURN(auto children, reader.ListChildren(parent));
    for (const auto& c : children) {
      std::string_view id = DockerIdFromCgroupName(c);
      if (!id.empty()) out.push_back({ChildPath(parent, c), std::string(id)});
    }
  }
  for (const auto& prefix : options.raw_prefixes) {
    VIGIE_RETURN_IF_ERROR(WalkRaw(reader, prefix, 4, &out));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) { return a.path == b.path; }),
            out.end());
  return out;
}

}  // namespace vigie::collect::cgroup
