#include "gallery/http_api.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "gallery/html_page.h"
#include "gallery/multipart.h"

namespace vigie::gallery {

namespace {

using nlohmann::json;

void JsonError(net::Response& res, int status, std::string_view message) {
  res.Set(status, json{{"error", message}}.dump(), net::kApplicationJson);
}

// Maps a gallery error to its HTTP status.
void SendError(net::Response& res, const Error& e) {
  int status = 500;
  switch (e.code()) {
    case ErrorCode::kNotFound:
      status = 404;
      break;
    case ErrorCode::kResourceExhausted:
      status = 413;
      break;
    case ErrorCode::kInvalidArgument:
      status = 400;
      break;
    case ErrorCode::kUnavailable:
      status = 503;
      break;
    default:
      break;
  }
  JsonError(res, status, e.message());
}

json ToJson(const ImageRecord& r) {
  return json{{"id", r.id},
              {"name", r.name},
              {"content_type", r.content_type},
              {"width", r.width},
              {"height", r.height},
              {"bytes", r.bytes},
              {"created_ms", r.created_ms},
              {"url", "/images/" + std::to_string(r.id)},
              {"thumb_url", "/images/" + std::to_string(r.id) + "/thumb?size=200"}};
}

// A positive integer query parameter within [lo, hi], or `fallback` when absent.
Result<int64_t> IntParam(const net::Request& req, std::string_view key, int64_t fallback,
                         int64_t lo, int64_t hi) {
  auto v = req.query.Get(key);
  if (!v) return fallback;
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out < lo || out > hi) {
    return InvalidArgument("query parameter " + std::string(key) + "=\"" + std::string(*v) +
                           "\" must be an integer from " + std::to_string(lo) + " to " +
                           std::to_string(hi));
  }
  return out;
}

Result<int64_t> IdParam(const net::Request& req) {
  std::string_view s = req.PathParam("id");
  int64_t id = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || p != s.data() + s.size() || id <= 0) {
    return InvalidArgument("image id \"" + std::string(s) + "\" is not a positive integer");
  }
  return id;
}

void Upload(const net::Request& req, net::Response& res, Gallery& g, GalleryMetrics* m) {
  std::string_view ctype = req.Header("Content-Type");
  std::string_view bytes = req.body;
  std::string name = "upload";
  if (ctype.substr(0, 19) == "multipart/form-data" ||
      ctype.substr(0, 19) == "Multipart/Form-Data") {
    auto boundary = MultipartBoundary(ctype);
    if (!boundary.ok()) return JsonError(res, 400, boundary.error().message());
    auto parts = ParseMultipart(req.body, *boundary);
    if (!parts.ok()) return JsonError(res, 400, parts.error().message());
    const MultipartPart* file = nullptr;
    for (const auto& p : *parts) {
      if (!p.filename.empty() || p.name == "file" || p.name == "image") {
        file = &p;
        break;
      }
    }
    if (!file) return JsonError(res, 400, "multipart upload has no file part");
    bytes = file->body;
    if (!file->filename.empty()) name = file->filename;
  } else if (auto n = req.query.Get("name")) {
    name = std::string(*n);
  }
  auto rec = g.Upload(bytes, name);
  if (!rec.ok()) {
    // "not an image" is 415 rather than 400.
    if (rec.error().code() == ErrorCode::kInvalidArgument && !bytes.empty()) {
      return JsonError(res, 415, rec.error().message());
    }
    return SendError(res, rec.error());
  }
  if (m) m->BytesUploaded(bytes.size());
  res.SetHeader("Location", "/api/images/" + std::to_string(rec->id));
  res.Set(201, ToJson(*rec).dump(), net::kApplicationJson);
}

void ServeOriginal(const net::Request& req, net::Response& res, Gallery& g, GalleryMetrics* m) {
  auto id = IdParam(req);
  if (!id.ok()) return SendError(res, id.error());
  auto orig = g.Original(*id);
  if (!orig.ok()) return SendError(res, orig.error());
  res.DisableCompression();  // already compressed formats
  res.SetHeader("ETag", orig->etag);
  res.SetHeader("Accept-Ranges", "bytes");
  res.SetHeader("Cache-Control", "public, max-age=3600");
  if (req.Header("If-None-Match") == orig->etag) {
    res.Set(304, "", orig->record.content_type);
    return;
  }
  const int64_t size = static_cast<int64_t>(orig->bytes.size());
  auto range = ParseRange(req.Header("Range"), size);
  if (!range.ok()) {
    res.SetHeader("Content-Range", "bytes */" + std::to_string(size));
    return JsonError(res, range.error().code() == ErrorCode::kOutOfRange ? 416 : 400,
                     range.error().message());
  }
  if (range->first < 0) {
    if (m) m->BytesServed(orig->bytes.size());
    res.Set(200, std::move(orig->bytes), orig->record.content_type);
    return;
  }
  res.SetHeader("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                     std::to_string(range->last) + "/" + std::to_string(size));
  std::string part = orig->bytes.substr(static_cast<size_t>(range->first),
                                        static_cast<size_t>(range->last - range->first + 1));
  if (m) m->BytesServed(part.size());
  res.Set(206, std::move(part), orig->record.content_type);
}

void ServeThumb(const net::Request& req, net::Response& res, Gallery& g, GalleryMetrics* m) {
  auto id = IdParam(req);
  if (!id.ok()) return SendError(res, id.error());
  auto size = IntParam(req, "size", 200, 16, 1024);
  if (!size.ok()) return SendError(res, size.error());
  auto thumb = g.Thumbnail(*id, static_cast<int>(*size));
  if (!thumb.ok()) return SendError(res, thumb.error());
  res.DisableCompression();
  res.SetHeader("ETag", thumb->etag);
  res.SetHeader("Cache-Control", "public, max-age=3600");
  if (req.Header("If-None-Match") == thumb->etag) {
    res.Set(304, "", "image/jpeg");
    return;
  }
  if (m) m->BytesServed(thumb->jpeg->size());
  res.Set(200, *thumb->jpeg, "image/jpeg");
}

}  // namespace

Result<ByteRange> ParseRange(std::string_view h, int64_t size) {
  if (h.empty()) return ByteRange{};
  auto bad = [&](std::string why) {
    return InvalidArgument("bad Range header \"" + std::string(h) + "\": " + why);
  };
  if (h.substr(0, 6) != "bytes=") return bad("only bytes ranges are supported");
  std::string_view spec = h.substr(6);
  if (spec.find(',') != std::string_view::npos) return bad("multiple ranges are not supported");
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return bad("missing '-'");
  auto num = [](std::string_view s, int64_t* out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size() && *out >= 0;
  };
  std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  ByteRange r;
  if (a.empty()) {  // suffix: last n bytes
    int64_t n;
    if (!num(b, &n)) return bad("malformed suffix length");
    if (n == 0 || size == 0) return Error(ErrorCode::kOutOfRange, "range not satisfiable");
    r.first = std::max<int64_t>(0, size - n);
    r.last = size - 1;
    return r;
  }
  if (!num(a, &r.first)) return bad("malformed first byte position");
  if (b.empty()) {
    r.last = size - 1;
  } else if (!num(b, &r.last) || r.last < r.first) {
    return bad("malformed last byte position");
  }
  if (r.first >= size)
    return Error(ErrorCode::kOutOfRange, "range starts past the end of the image");
  r.last = std::min(r.last, size - 1);
  return r;
}

void RegisterRoutes(net::Router& router, Gallery& g, GalleryMetrics* m) {
  router.Get("/", [&g](const net::Request& req, net::Response& res) {
    auto page = IntParam(req, "page", 1, 1, 1000000);
    if (!page.ok()) return SendError(res, page.error());
    auto list = g.List(static_cast<int>(*page), 24);
    auto count = g.Count();
    if (!list.ok()) return SendError(res, list.error());
    if (!count.ok()) return SendError(res, count.error());
    res.Set(200, RenderHomePage(*list, static_cast<int>(*page), 24, *count),
            "text/html; charset=utf-8");
  });
  router.Get("/api/images", [&g](const net::Request& req, net::Response& res) {
    auto page = IntParam(req, "page", 1, 1, 1000000);
    auto limit = IntParam(req, "limit", 24, 1, 200);
    if (!page.ok()) return SendError(res, page.error());
    if (!limit.ok()) return SendError(res, limit.error());
    auto list = g.List(static_cast<int>(*page), static_cast<int>(*limit));
    auto count = g.Count();
    if (!list.ok()) return SendError(res, list.error());
    if (!count.ok()) return SendError(res, count.error());
    json items = json::array();
    for (const auto& r : *list) items.push_back(ToJson(r));
    res.Set(200,
            json{{"page", *page}, {"limit", *limit}, {"total", *count}, {"images", items}}.dump(),
            net::kApplicationJson);
  });
  router.Get("/api/images/{id}", [&g](const net::Request& req, net::Response& res) {
    auto id = IdParam(req);
    if (!id.ok()) return SendError(res, id.error());
    auto rec = g.Get(*id);
    if (!rec.ok()) return SendError(res, rec.error());
    if (!*rec) return JsonError(res, 404, "no image with id " + std::to_string(*id));
    res.Set(200, ToJson(**rec).dump(), net::kApplicationJson);
  });
  router.Post("/api/images",
              [&g, m](const net::Request& req, net::Response& res) { Upload(req, res, g, m); });
  router.Delete("/api/images/{id}", [&g](const net::Request& req, net::Response& res) {
    auto id = IdParam(req);
    if (!id.ok()) return SendError(res, id.error());
    auto deleted = g.Delete(*id);
    if (!deleted.ok()) return SendError(res, deleted.error());
    if (!*deleted) return JsonError(res, 404, "no image with id " + std::to_string(*id));
    res.Set(204, "", net::kApplicationJson);
  });
  router.Get("/images/{id}", [&g, m](const net::Request& req, net::Response& res) {
    ServeOriginal(req, res, g, m);
  });
  router.Get("/images/{id}/thumb",
             [&g, m](const net::Request& req, net::Response& res) { ServeThumb(req, res, g, m); });
}

}  // namespace vigie::gallery
