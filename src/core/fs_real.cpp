#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/fs.h"

namespace vigie::fs {

namespace {
Error Errno(std::string_view what, const std::string& path) {
  int e = errno;
  Error err(e == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
            std::string(what) + " " + path + ": " + std::strerror(e));
  return err;
}

class RealWritable final : public WritableFile {
 public:
  RealWritable(int fd, std::string path, uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  ~RealWritable() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write", path_);
      }
      data.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return OkStatus();
  }
  Status Sync() override {
    if (::fdatasync(fd_) != 0) return Errno("fsync", path_);
    return OkStatus();
  }
  Status Close() override {
    if (fd_ < 0) return OkStatus();
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return Errno("close", path_);
    return OkStatus();
  }
  uint64_t Size() const override { return size_; }

 private:
  int fd_;
  std::string path_;
  uint64_t size_;
};

// Reads with pread from offset 0 into the caller's buffer: one system call per read for the
// small files of /proc and /sys.
class RealReadable final : public ReadableFile {
 public:
  RealReadable(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~RealReadable() override { ::close(fd_); }
  Status ReadAll(std::string* out) override {
    // One scratch buffer per thread, so neither the files nor the caller's string pay for
    // zero-filling a large buffer on every read.
    thread_local std::vector<char> scratch(16384);
    size_t used = 0;
    while (true) {
      ssize_t n =
          ::pread(fd_, scratch.data() + used, scratch.size() - used, static_cast<off_t>(used));
      if (n < 0) {
        if (errno == EINTR) continue;
        int e = errno;
        out->clear();
        // A removed cgroup answers ENODEV, an exited process ESRCH.
        if (e == ENODEV || e == ESRCH || e == ENOENT) {
          return Error(ErrorCode::kNotFound, "read " + path_ + ": " + std::strerror(e));
        }
        return Error(ErrorCode::kIo, "read " + path_ + ": " + std::strerror(e));
      }
      // Kernel-generated files (/proc, /sys) answer about a page per read: only a read of 0
      // bytes means the end.
      if (n == 0) break;
      used += static_cast<size_t>(n);
      if (used == scratch.size()) scratch.resize(scratch.size() * 2);
    }
    out->assign(scratch.data(), used);
    return OkStatus();
  }

 private:
  int fd_;
  std::string path_;
};

class RealFs final : public FileSystem {
 public:
  Result<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("open", path);
    return std::unique_ptr<ReadableFile>(std::make_unique<RealReadable>(fd, path));
  }

  Result<std::string> ReadFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("open", path);
    std::string out;
    char buf[65536];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        auto err = Errno("read", path);
        ::close(fd);
        return err;
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  Result<std::string> ReadAt(const std::string& path, uint64_t offset, size_t len) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("open", path);
    std::string out(len, '\0');
    size_t got = 0;
    while (got < len) {
      ssize_t n = ::pread(fd, out.data() + got, len - got, static_cast<off_t>(offset + got));
      if (n < 0) {
        if (errno == EINTR) continue;
        auto err = Errno("read", path);
        ::close(fd);
        return err;
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    ::close(fd);
    out.resize(got);
    return out;
  }

  Result<std::vector<DirEntry>> ListDir(const std::string& path) override {
    DIR* d = ::opendir(path.c_str());
    if (!d) return Errno("opendir", path);
    std::vector<DirEntry> out;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      DirEntry de{name, false, false};
      if (e->d_type == DT_DIR) {
        de.is_dir = true;
      } else if (e->d_type == DT_LNK) {
        de.is_symlink = true;
      } else if (e->d_type == DT_UNKNOWN) {
        struct stat st;
        if (::lstat(Join(path, name).c_str(), &st) == 0) {
          de.is_dir = S_ISDIR(st.st_mode);
          de.is_symlink = S_ISLNK(st.st_mode);
        }
      }
      out.push_back(std::move(de));
    }
    ::closedir(d);
    return out;
  }

  Result<std::string> ReadLink(const std::string& path) override {
    char buf[4096];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
    if (n < 0) return Errno("readlink", path);
    return std::string(buf, static_cast<size_t>(n));
  }

  bool Exists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return Errno("stat", path);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                     bool truncate) override {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND | (truncate ? O_TRUNC : 0);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return Errno("open", path);
    struct stat st;
    uint64_t size = ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    return std::unique_ptr<WritableFile>(new RealWritable(fd, path, size));
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) return Errno("truncate", path);
    return OkStatus();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return Errno("rename to " + to + ":", from);
    return OkStatus();
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && ::rmdir(path.c_str()) != 0) return Errno("remove", path);
    return OkStatus();
  }

  Status RemoveAll(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return IoError("remove " + path + ": " + ec.message());
    return OkStatus();
  }

  Status MkdirAll(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return IoError("mkdir " + path + ": " + ec.message());
    return OkStatus();
  }

  Status SyncDir(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno("open", path);
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return Errno("fsync", path);
    return OkStatus();
  }
};

// Re-reads through FileSystem::ReadFile on every ReadAll.
class ReopeningReadable final : public ReadableFile {
 public:
  ReopeningReadable(FileSystem& fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  Status ReadAll(std::string* out) override {
    auto r = fs_.ReadFile(path_);
    if (!r.ok()) return r.error();
    *out = std::move(r).value();
    return OkStatus();
  }

 private:
  FileSystem& fs_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<ReadableFile>> FileSystem::OpenReadable(const std::string& path) {
  if (!Exists(path)) return Error(ErrorCode::kNotFound, "open " + path + ": no such file");
  return std::unique_ptr<ReadableFile>(std::make_unique<ReopeningReadable>(*this, path));
}

FileSystem& Real() {
  static RealFs fs;
  return fs;
}

std::string Join(std::string_view a, std::string_view b) {
  std::string out(a);
  while (!out.empty() && out.back() == '/') out.pop_back();
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  out += '/';
  out += b;
  return out;
}

Status FileSystem::WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  {
    VIGIE_ASSIGN_OR_RETURN(auto f, OpenWritable(tmp, true));
    VIGIE_RETURN_IF_ERROR(f->Append(data));
    VIGIE_RETURN_IF_ERROR(f->Sync());
    VIGIE_RETURN_IF_ERROR(f->Close());
  }
  VIGIE_RETURN_IF_ERROR(Rename(tmp, path));
  auto slash = path.rfind('/');
  return SyncDir(slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash));
}

}  // namespace vigie::fs
