// /proc/1/mounts (falling back to /proc/mounts): the filesystem collector's list of mounts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::collect::node {

struct MountEntry {
  std::string device;
  std::string mount_point;  // octal escapes (\040 for space, ...) decoded
  std::string fs_type;
  std::string options;
};

Result<std::vector<MountEntry>> ParseMounts(std::string_view text);

// True when the comma-separated mount options contain "ro".
bool MountIsReadOnly(std::string_view options);

}  // namespace vigie::collect::node
