// Image metadata in SQLite (WAL mode), shared safely by several gallery processes on one data
// directory: busy_timeout makes writers wait for each other instead of failing, and ids come
// from SQLite, so replicas never hand out the same id.
//
// Threading: a pool of `pool_size` connections; each call borrows one (blocking while all are
// busy). All methods are thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

struct sqlite3;

namespace vigie::gallery {

struct ImageRecord {
  int64_t id = 0;
  std::string file_key;  // name of the file under images/ (random, unique)
  std::string name;      // as uploaded (display only)
  std::string content_type;
  int width = 0;
  int height = 0;
  int64_t bytes = 0;
  int64_t created_ms = 0;
};

// Called after each statement with its operation name ("insert", "get", "list", "delete",
// "count", "keys") and its duration; used for the query-time histogram.
using DbObserver = std::function<void(const char* op, double seconds)>;

class MetadataDb {
 public:
  static Result<std::unique_ptr<MetadataDb>> Open(const std::string& path, int pool_size,
                                                  DbObserver observer = nullptr);
  ~MetadataDb();

  // Inserts and returns the new id.
  Result<int64_t> Insert(const ImageRecord& rec);
  Result<std::optional<ImageRecord>> Get(int64_t id);
  // Newest first; page starts at 1.
  Result<std::vector<ImageRecord>> List(int page, int limit);
  // True if a row was deleted.
  Result<bool> Delete(int64_t id);
  Result<int64_t> Count();
  // Every row's id and file key (for the startup consistency check).
  Result<std::vector<std::pair<int64_t, std::string>>> AllKeys();

 private:
  class Lease;
  MetadataDb() = default;
  Result<sqlite3*> Acquire();
  void Release(sqlite3* db);

  DbObserver observer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<sqlite3*> free_;  // GUARDED_BY(mu_)
  std::vector<sqlite3*> all_;
};

}  // namespace vigie::gallery
