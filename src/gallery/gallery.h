// The gallery's logic without HTTP: uploads, listing, originals, thumbnails, deletion, seeding
// and the startup consistency check. The HTTP layer (gallery/http_handlers.h) sits on top.
//
// On disk under the data directory: gallery.db (SQLite, WAL), images/<key> (originals),
// thumbs/<key>_<size>.jpg (rendered thumbnails). An image's file is written (temp file, fsync,
// rename, fsync of the directory) before its row is inserted, and its row deleted before its
// file, so a crash can leave at most an orphan file, which the startup check removes.
//
// Threading: all methods are thread-safe; several processes may share one data directory.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "gallery/image_codec.h"
#include "gallery/lru_cache.h"
#include "gallery/metadata_db.h"
#include "gallery/worker_pool.h"

namespace vigie::gallery {

struct GalleryOptions {
  std::string data_dir = "./gallery-data";
  int workers = 4;  // --workers: threads decoding uploads, rendering thumbnails
  int db_pool = 4;  // --db-pool: SQLite connections
  size_t thumb_cache_bytes = 64ull << 20;  // --thumb-cache-mb
  size_t max_upload_bytes = 16ull << 20;   // --max-upload-mb
};

// Hooks for metrics; any may be empty.
struct GalleryObservers {
  DbObserver db;                                     // query time by operation
  std::function<void(bool hit)> thumb_cache;         // memory cache hit or miss
  std::function<void(double seconds)> thumb_render;  // render time
};

struct ThumbResult {
  std::shared_ptr<const std::string> jpeg;
  std::string etag;
};

struct OriginalResult {
  ImageRecord record;
  std::string bytes;
  std::string etag;
};

struct RepairReport {
  int orphan_files_removed = 0;
  int rows_without_file_removed = 0;
  int temp_files_removed = 0;
};

class Gallery {
 public:
  static Result<std::unique_ptr<Gallery>> Open(const GalleryOptions& options,
                                               GalleryObservers observers = {});
  ~Gallery();

  // Validates by decoding (kInvalidArgument: not an image / does not decode;
  // kResourceExhausted: too large), stores, returns the new record.
  Result<ImageRecord> Upload(std::string_view bytes, std::string_view name);
  Result<std::vector<ImageRecord>> List(int page, int limit);
  Result<int64_t> Count();
  Result<std::optional<ImageRecord>> Get(int64_t id);
  // kNotFound when the id is unknown.
  Result<OriginalResult> Original(int64_t id);
  Result<ThumbResult> Thumbnail(int64_t id, int size);
  // True if it existed.
  Result<bool> Delete(int64_t id);
  // Generates `count` distinct images (seeded from `first_seed`) and uploads them.
  Status Seed(int count, uint64_t first_seed = 1);

  // Removes files without rows (older than a minute, so a replica's upload in progress is
  // left alone), rows without files, and leftover temp files. Logs each repair.
  Result<RepairReport> Repair();

  const WorkerPool& workers() const { return *workers_; }
  const ByteLruCache& thumb_cache() const { return cache_; }
  const GalleryOptions& options() const { return options_; }

 private:
  Gallery(const GalleryOptions& options, GalleryObservers observers);
  std::string ImagePath(const std::string& key) const;
  std::string ThumbPath(const std::string& key, int size) const;

  GalleryOptions options_;
  GalleryObservers observers_;
  std::unique_ptr<MetadataDb> db_;
  std::unique_ptr<WorkerPool> workers_;
  ByteLruCache cache_;
};

}  // namespace vigie::gallery
