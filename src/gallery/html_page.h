// The server-rendered home page: a grid of thumbnails with paging.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gallery/metadata_db.h"

namespace vigie::gallery {

std::string RenderHomePage(const std::vector<ImageRecord>& images, int page, int per_page,
                           int64_t total);
std::string HtmlEscape(std::string_view s);

}  // namespace vigie::gallery
