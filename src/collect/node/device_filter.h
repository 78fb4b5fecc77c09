// node-exporter's device filter: a device is ignored when it matches the exclude regex, or when
// an include regex is set and it does not match. Both are RE2, matched anywhere in the name.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace re2 {
class RE2;
}

namespace vigie::collect::node {

// Compiles a regex given by flag `flag_name`; the error names the flag and RE2's complaint.
Result<std::shared_ptr<const re2::RE2>> CompileFlagRegex(std::string_view flag_name,
                                                         std::string_view pattern);
// Unanchored search, as Go's regexp.MatchString.
bool RegexFind(const re2::RE2& re, std::string_view text);

class DeviceFilter {
 public:
  // `exclude` and `include` are mutually exclusive, as in node-exporter.
  static Result<DeviceFilter> Make(std::string_view flag_prefix, std::string_view exclude,
                                   std::string_view include);
  bool Ignored(std::string_view device) const;

 private:
  std::shared_ptr<const re2::RE2> exclude_, include_;
};

}  // namespace vigie::collect::node
