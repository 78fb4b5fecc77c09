// <rootfs>/etc/os-release (or <rootfs>/usr/lib/os-release): node_os_info, node_os_version.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vigie::collect::node {

// KEY=value lines; values may be "double-quoted" (with \" \\ \$ \` escapes) or 'single-quoted';
// blank lines and # comments are skipped. A line that is not an assignment is an error.
Result<std::map<std::string, std::string>> ParseOsRelease(std::string_view text);

// The leading major[.minor] of VERSION_ID as a number ("22.04.1" -> 22.04); 0 when none.
double OsVersionNumber(std::string_view version_id);

}  // namespace vigie::collect::node
