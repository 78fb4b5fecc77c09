// The gallery's HTTP surface on a net::Router:
//   GET  /                         HTML page of thumbnails (?page=)
//   GET  /api/images?page=&limit=  JSON list
//   GET  /api/images/{id}          JSON record
//   POST /api/images               upload: raw body (any image type) or multipart/form-data
//   DELETE /api/images/{id}
//   GET  /images/{id}              original, with ETag, If-None-Match and Range
//   GET  /images/{id}/thumb?size=N JPEG thumbnail (cached)
// Errors: 400 bad query or range, 404 unknown id, 413 too large, 415 not an image,
// 416 unsatisfiable range; bodies are JSON {"error": "..."} naming what is wrong.
#pragma once

#include "gallery/gallery.h"
#include "gallery/gallery_metrics.h"
#include "net/router.h"

namespace vigie::gallery {

// `gallery` and `metrics` (nullable) must outlive the router's use.
void RegisterRoutes(net::Router& router, Gallery& gallery, GalleryMetrics* metrics);

// Parses a single "bytes=a-b" / "bytes=a-" / "bytes=-n" range against `size`.
// nullopt-like {-1,-1} means no Range header; an error means 416 (or 400 when malformed).
struct ByteRange {
  int64_t first = -1;
  int64_t last = -1;  // inclusive
};
Result<ByteRange> ParseRange(std::string_view header, int64_t size);

}  // namespace vigie::gallery
