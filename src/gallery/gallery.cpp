#include "gallery/gallery.h"

#include <sys/stat.h>

#include <chrono>
#include <random>
#include <unordered_set>

#include "core/fs.h"
#include "core/log.h"
#include "core/time.h"

namespace vigie::gallery {

namespace {

std::string RandomKey() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          static_cast<uint64_t>(MonotonicNs())};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 2; ++i) {
    uint64_t v = rng();
    for (int j = 0; j < 16; ++j) {
      out += kHex[v & 15];
      v >>= 4;
    }
  }
  return out;
}

std::string Etag(const ImageRecord& r, int size) {
  std::string out = "\"";
  out += r.file_key;
  if (size) {
    out += '-';
    out += std::to_string(size);
  }
  out += '"';
  return out;
}

// Seconds since the file was last modified (large if it cannot be read).
double AgeSeconds(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 1e9;
  return static_cast<double>(std::time(nullptr) - st.st_mtime);
}

}  // namespace

Gallery::Gallery(const GalleryOptions& options, GalleryObservers observers)
    : options_(options), observers_(std::move(observers)), cache_(options.thumb_cache_bytes) {}

Gallery::~Gallery() = default;

Result<std::unique_ptr<Gallery>> Gallery::Open(const GalleryOptions& options,
                                               GalleryObservers observers) {
  if (options.workers < 1) return InvalidArgument("--workers must be at least 1");
  VIGIE_RETURN_IF_ERROR(InitImageCodec());
  auto& fs = fs::Real();
  for (const char* sub : {"images", "thumbs"}) {
    VIGIE_RETURN_IF_ERROR(fs.MkdirAll(fs::Join(options.data_dir, sub)));
  }
  std::unique_ptr<Gallery> g(new Gallery(options, std::move(observers)));
  VIGIE_ASSIGN_OR_RETURN(g->db_, MetadataDb::Open(fs::Join(options.data_dir, "gallery.db"),
                                                  options.db_pool, g->observers_.db));
  g->workers_ = std::make_unique<WorkerPool>(options.workers);
  return g;
}

std::string Gallery::ImagePath(const std::string& key) const {
  return options_.data_dir + "/images/" + key;
}

std::string Gallery::ThumbPath(const std::string& key, int size) const {
  return options_.data_dir + "/thumbs/" + key + "_" + std::to_string(size) + ".jpg";
}

Result<ImageRecord> Gallery::Upload(std::string_view bytes, std::string_view name) {
  if (bytes.size() > options_.max_upload_bytes) {
    return ResourceExhausted("image of " + std::to_string(bytes.size()) +
                             " bytes is over the upload limit of " +
                             std::to_string(options_.max_upload_bytes) + " bytes");
  }
  if (bytes.empty()) return InvalidArgument("empty upload");
  // Decoding is CPU work: it goes to the worker pool like thumbnail rendering.
  auto info = workers_->Submit([bytes] { return InspectImage(bytes); }).get();
  if (!info.ok()) return std::move(info).error();
  ImageRecord rec;
  rec.file_key = RandomKey();
  rec.name = std::string(name.substr(0, 200));
  rec.content_type = std::string(ContentTypeOf(info->format));
  rec.width = info->width;
  rec.height = info->height;
  rec.bytes = static_cast<int64_t>(bytes.size());
  rec.created_ms = NowMs();
  VIGIE_RETURN_IF_ERROR(fs::Real().WriteFileAtomic(ImagePath(rec.file_key), bytes));
  auto id = db_->Insert(rec);
  if (!id.ok()) {
    // Keep the no-file-without-row invariant when we can.
    (void)fs::Real().Remove(ImagePath(rec.file_key));
    return std::move(id).error();
  }
  rec.id = *id;
  return rec;
}

Result<std::vector<ImageRecord>> Gallery::List(int page, int limit) {
  return db_->List(page, limit);
}

Result<int64_t> Gallery::Count() { return db_->Count(); }

Result<std::optional<ImageRecord>> Gallery::Get(int64_t id) { return db_->Get(id); }

Result<OriginalResult> Gallery::Original(int64_t id) {
  VIGIE_ASSIGN_OR_RETURN(auto rec, db_->Get(id));
  if (!rec) return NotFound("no image with id " + std::to_string(id));
  auto bytes = fs::Real().ReadFile(ImagePath(rec->file_key));
  if (!bytes.ok()) {
    // Deleted by another replica between the lookup and the read.
    if (bytes.error().code() == ErrorCode::kNotFound) {
      return NotFound("no image with id " + std::to_string(id));
    }
    return std::move(bytes).error();
  }
  return OriginalResult{*rec, std::move(bytes).value(), Etag(*rec, 0)};
}

Result<ThumbResult> Gallery::Thumbnail(int64_t id, int size) {
  if (size < 16 || size > 1024) return InvalidArgument("size must be between 16 and 1024");
  VIGIE_ASSIGN_OR_RETURN(auto rec, db_->Get(id));
  if (!rec) return NotFound("no image with id " + std::to_string(id));
  const std::string cache_key = rec->file_key + "_" + std::to_string(size);
  if (auto hit = cache_.Get(cache_key)) {
    if (observers_.thumb_cache) observers_.thumb_cache(true);
    return ThumbResult{hit, Etag(*rec, size)};
  }
  if (observers_.thumb_cache) observers_.thumb_cache(false);
  const std::string path = ThumbPath(rec->file_key, size);
  if (auto disk = fs::Real().ReadFile(path); disk.ok()) {
    auto value = std::make_shared<const std::string>(std::move(disk).value());
    cache_.Put(cache_key, value);
    return ThumbResult{value, Etag(*rec, size)};
  }
  auto original = fs::Real().ReadFile(ImagePath(rec->file_key));
  if (!original.ok()) return NotFound("no image with id " + std::to_string(id));
  auto rendered =
      workers_
          ->Submit([&, size] {
            auto t0 = std::chrono::steady_clock::now();
            auto r = RenderThumbnail(*original, size);
            if (observers_.thumb_render) {
              observers_.thumb_render(
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }
            return r;
          })
          .get();
  if (!rendered.ok()) return std::move(rendered).error();
  auto value = std::make_shared<const std::string>(std::move(rendered).value());
  // The disk copy is a cache too: a failed write only costs a later re-render.
  if (auto st = fs::Real().WriteFileAtomic(path, *value); !st.ok()) {
    log::Warn("cannot cache thumbnail on disk", {{"path", path}, {"err", st.error().message()}});
  }
  cache_.Put(cache_key, value);
  return ThumbResult{value, Etag(*rec, size)};
}

Result<bool> Gallery::Delete(int64_t id) {
  VIGIE_ASSIGN_OR_RETURN(auto rec, db_->Get(id));
  if (!rec) return false;
  VIGIE_ASSIGN_OR_RETURN(bool deleted, db_->Delete(id));
  if (!deleted) return false;  // another replica won the race
  (void)fs::Real().Remove(ImagePath(rec->file_key));
  if (auto thumbs = fs::Real().ListDir(options_.data_dir + "/thumbs"); thumbs.ok()) {
    for (const auto& e : *thumbs) {
      if (e.name.rfind(rec->file_key + "_", 0) == 0) {
        (void)fs::Real().Remove(options_.data_dir + "/thumbs/" + e.name);
        cache_.Erase(e.name.substr(0, e.name.size() - 4));
      }
    }
  }
  return true;
}

Status Gallery::Seed(int count, uint64_t first_seed) {
  for (int i = 0; i < count; ++i) {
    uint64_t seed = first_seed + static_cast<uint64_t>(i);
    // Varied sizes and both formats, so uploads and thumbnails are not all alike.
    int w = 320 + static_cast<int>(seed * 37 % 5) * 160;
    int h = 240 + static_cast<int>(seed * 53 % 4) * 120;
    auto fmt = seed % 4 == 0 ? ImageFormat::kPng : ImageFormat::kJpeg;
    VIGIE_ASSIGN_OR_RETURN(auto bytes, GenerateImage(seed, w, h, fmt));
    auto rec =
        Upload(bytes, "generated-" + std::to_string(seed) + "." + std::string(ExtensionOf(fmt)));
    if (!rec.ok()) return rec.error().Wrap("seeding image " + std::to_string(i + 1));
  }
  return OkStatus();
}

Result<RepairReport> Gallery::Repair() {
  RepairReport report;
  auto& fs = fs::Real();
  VIGIE_ASSIGN_OR_RETURN(auto rows, db_->AllKeys());
  std::unordered_set<std::string> keys;
  for (const auto& [id, key] : rows) keys.insert(key);
  VIGIE_ASSIGN_OR_RETURN(auto files, fs.ListDir(options_.data_dir + "/images"));
  std::unordered_set<std::string> present;
  for (const auto& f : files) {
    const std::string path = ImagePath(f.name);
    if (f.name.size() > 4 && f.name.ends_with(".tmp")) {
      if (AgeSeconds(path) > 60) {
        (void)fs.Remove(path);
        ++report.temp_files_removed;
        log::Warn("removed leftover temp file", {{"path", path}});
      }
      continue;
    }
    present.insert(f.name);
    if (!keys.count(f.name) && AgeSeconds(path) > 60) {
      (void)fs.Remove(path);
      ++report.orphan_files_removed;
      log::Warn("removed image file without a database row", {{"path", path}});
    }
  }
  for (const auto& [id, key] : rows) {
    if (present.count(key)) continue;
    if (auto del = db_->Delete(id); del.ok() && *del) {
      ++report.rows_without_file_removed;
      log::Warn("removed database row whose image file is missing",
                {{"id", id}, {"file", ImagePath(key)}});
    }
  }
  return report;
}

}  // namespace vigie::gallery
