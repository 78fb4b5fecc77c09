// The web UI bundle embedded at build time (cmake/EmbedWeb.cmake): no runtime file dependency.
#pragma once

#include <string_view>
#include <vector>

namespace vigie::api {

struct UiAsset {
  std::string_view path;          // relative to the bundle root, e.g. "app.js", "index.html"
  std::string_view content_type;  // with charset for text
  std::string_view data;
};

const std::vector<UiAsset>& UiAssets();

}  // namespace vigie::api
