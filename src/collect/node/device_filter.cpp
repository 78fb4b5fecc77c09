#include "collect/node/device_filter.h"

#include <re2/re2.h>

namespace vigie::collect::node {

Result<std::shared_ptr<const re2::RE2>> CompileFlagRegex(std::string_view flag_name,
                                                         std::string_view pattern) {
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    return InvalidArgument("--" + std::string(flag_name) + ": invalid regular expression \"" +
                           std::string(pattern) + "\": " + re->error());
  }
  return std::shared_ptr<const re2::RE2>(std::move(re));
}

bool RegexFind(const re2::RE2& re, std::string_view text) {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re);
}

Result<DeviceFilter> DeviceFilter::Make(std::string_view flag_prefix, std::string_view exclude,
                                        std::string_view include) {
  std::string prefix(flag_prefix);
  if (!exclude.empty() && !include.empty()) {
    return InvalidArgument("--" + prefix + ".device-exclude and --" + prefix +
                           ".device-include are mutually exclusive (one of them must be empty)");
  }
  DeviceFilter f;
  if (!exclude.empty()) {
    VIGIE_ASSIGN_OR_RETURN(f.exclude_, CompileFlagRegex(prefix + ".device-exclude", exclude));
  }
  if (!include.empty()) {
    VIGIE_ASSIGN_OR_RETURN(f.include_, CompileFlagRegex(prefix + ".device-include", include));
  }
  return f;
}

bool DeviceFilter::Ignored(std::string_view device) const {
  if (exclude_ && RegexFind(*exclude_, device)) return true;
  if (include_ && !RegexFind(*include_, device)) return true;
  return false;
}

}  // namespace vigie::collect::node
