#include "gallery/metadata_db.h"

#include <sqlite3.h>

#include <chrono>

namespace vigie::gallery {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS images (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  file_key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
)sql";

Error DbError(sqlite3* db, std::string_view what) {
  int code = sqlite3_errcode(db);
  ErrorCode ec =
      (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? ErrorCode::kUnavailable : ErrorCode::kIo;
  return Error(ec, std::string("sqlite ") + std::string(what) + ": " + sqlite3_errmsg(db));
}

// A prepared statement finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return s_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

ImageRecord ReadRow(sqlite3_stmt* s) {
  ImageRecord r;
  r.id = sqlite3_column_int64(s, 0);
  r.file_key = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
  r.name = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
  r.content_type = reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
  r.width = sqlite3_column_int(s, 4);
  r.height = sqlite3_column_int(s, 5);
  r.bytes = sqlite3_column_int64(s, 6);
  r.created_ms = sqlite3_column_int64(s, 7);
  return r;
}

constexpr const char* kColumns =
    "id, file_key, name, content_type, width, height, bytes, created_ms";

}  // namespace

// Borrows a connection for one operation and reports its duration.
class MetadataDb::Lease {
 public:
  Lease(MetadataDb* db, const char* op, sqlite3* conn)
      : db_(db), op_(op), conn_(conn), start_(std::chrono::steady_clock::now()) {}
  ~Lease() {
    if (db_->observer_) {
      db_->observer_(
          op_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    }
    db_->Release(conn_);
  }
  sqlite3* get() const { return conn_; }

 private:
  MetadataDb* db_;
  const char* op_;
  sqlite3* conn_;
  std::chrono::steady_clock::time_point start_;
};

Result<std::unique_ptr<MetadataDb>> MetadataDb::Open(const std::string& path, int pool_size,
                                                     DbObserver observer) {
  if (pool_size < 1) return InvalidArgument("--db-pool must be at least 1");
  std::unique_ptr<MetadataDb> out(new MetadataDb());
  out->observer_ = std::move(observer);
  for (int i = 0; i < pool_size; ++i) {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      return IoError("open " + path + ": " + msg);
    }
    out->all_.push_back(db);
    out->free_.push_back(db);
    // Several processes share the file: wait for locks rather than fail; WAL lets readers run
    // beside one writer; synchronous=FULL makes a committed insert durable.
    sqlite3_busy_timeout(db, 10000);
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", "PRAGMA foreign_keys=ON;"}) {
      if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
        return DbError(db, pragma);
      }
    }
    if (i == 0 && sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return DbError(db, "create schema");
    }
  }
  return out;
}

MetadataDb::~MetadataDb() {
  for (sqlite3* db : all_) sqlite3_close(db);
}

Result<sqlite3*> MetadataDb::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty(); });
  sqlite3* db = free_.back();
  free_.pop_back();
  return db;
}

void MetadataDb::Release(sqlite3* db) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(db);
  }
  cv_.notify_one();
}

Result<int64_t> MetadataDb::Insert(const ImageRecord& r) {
  VIGIE_ASSIGN_OR_RETURN(sqlite3 * conn, Acquire());
  Lease lease(this, "insert", conn);
  Stmt s(conn,
         "INSERT INTO images (file_key, name, content_type, width, height, bytes, created_ms) "
         "VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!s.ok()) return DbError(conn, "prepare insert");
  sqlite3_bind_text(s.get(), 1, r.file_key.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 2, r.name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 3, r.content_type.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(s.get(), 4, r.width);
  sqlite3_bind_int(s.get(), 5, r.height);
  sqlite3_bind_int64(s.get(), 6, r.bytes);
  sqlite3_bind_int64(s.get(), 7, r.created_ms);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return DbError(conn, "insert");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(conn));
}

Result<std::optional<ImageRecord>> MetadataDb::Get(int64_t id) {
  VIGIE_ASSIGN_OR_RETURN(sqlite3 * conn, Acquire());
  Lease lease(this, "get", conn);
  std::string sql = std::string("SELECT ") + kColumns + " FROM images WHERE id = ?";
  Stmt s(conn, sql.c_str());
  if (!s.ok()) return DbError(conn, "prepare get");
  sqlite3_bind_int64(s.get(), 1, id);
  int rc = sqlite3_step(s.get());
  if (rc == SQLITE_DONE) return std::optional<ImageRecord>();
  if (rc != SQLITE_ROW) return DbError(conn, "get");
  return std::optional<ImageRecord>(ReadRow(s.get()));
}

Result<std::vector<ImageRecord>> MetadataDb::List(int page, int limit) {
  VIGIE_ASSIGN_OR_RETURN(sqlite3 * conn, Acquire());
  Lease lease(this, "list", conn);
  std::string sql =
      std::string("SELECT ") + kColumns + " FROM images ORDER BY id DESC LIMIT ? OFFSET ?";
  Stmt s(conn, sql.c_str());
  if (!s.ok()) return DbError(conn, "prepare list");
  sqlite3_bind_int(s.get(), 1, limit);
  sqlite3_bind_int64(s.get(), 2, static_cast<int64_t>(page - 1) * limit);
  std::vector<ImageRecord> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(ReadRow(s.get()));
  if (rc != SQLITE_DONE) return DbError(conn, "list");
  return out;
}

Result<bool> MetadataDb::Delete(int64_t id) {
  VIGIE_ASSIGN_OR_RETURN(sqlite3 * conn, Acquire());
  Lease lease(this, "delete", conn);
  Stmt s(conn, "DELETE FROM images WHERE id = ?");
  if (!s.ok()) return DbError(conn, "prepare delete");
  sqlite3_bind_int64(s.get(), 1, id);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return DbError(conn, "delete");
  return sqlite3_changes(conn) > 0;
}

Result<int64_t> MetadataDb::Count() {
  VIGIE_ASSIGN_OR_RETURN(sqlite3 * conn, Acquire());
  Lease lease(this, "count", conn);
  Stmt s(conn, "SELECT COUNT(*) FROM images");
  if (!s.ok() || sqlite3_step(s.get()) != SQLITE_ROW) return DbError(conn, "count");
  return static_cast<int64_t>(sqlite3_column_int64(s.get(), 0));
}

Result<std::vector<std::pair<int64_t, std::string>>> MetadataDb::AllKeys() {
  VIGIE_ASSIGN_OR_RETURN(sqlite3 * conn, Acquire());
  Lease lease(this, "keys", conn);
  Stmt s(conn, "SELECT id, file_key FROM images");
  if (!s.ok()) return DbError(conn, "prepare keys");
  std::vector<std::pair<int64_t, std::string>> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    out.emplace_back(sqlite3_column_int64(s.get(), 0),
                     reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1)));
  }
  if (rc != SQLITE_DONE) return DbError(conn, "keys");
  return out;
}

}  // namespace vigie::gallery
