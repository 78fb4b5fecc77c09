#include "collect/node/file_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collect/cgroup/kernel_read.h"

namespace vigie::collect::node {

namespace {
Error ErrnoError(const char* what, const std::string& path, int e) {
  return Error(e == ENOENT || e == ENODEV ? ErrorCode::kNotFound : ErrorCode::kIo,
               std::string(what) + " " + path + ": " + std::strerror(e));
}
// Bounds a single file (a corrupt or unexpected file must not grow memory without limit).
constexpr size_t kMaxFileBytes = 64 << 20;
}  // namespace

FileReader::FileReader(fs::FileSystem* fs) : fs_(fs), real_(fs == &fs::Real()) {}

FileReader::~FileReader() {
  for (auto& [path, e] : files_) {
    if (e.fd >= 0) ::close(e.fd);
  }
}

Result<std::string_view> FileReader::Read(const std::string& path) {
  if (!real_) {
    auto text = fs_->ReadFile(path);
    if (!text.ok()) return text.error();
    Entry& e = files_[path];
    e.used = true;
    e.buf = std::move(*text);
    return std::string_view(e.buf);
  }
  auto r = ReadReal(path);
  if (!r.ok() && r.error().code() != ErrorCode::kNotFound) {
    // A descriptor kept from an earlier scrape can go stale (a device removed and re-added):
    // retry once with a fresh open.
    auto it = files_.find(path);
    if (it != files_.end()) {
      ::close(it->second.fd);
      files_.erase(it);
      r = ReadReal(path);
    }
  }
  return r;
}

Result<std::string_view> FileReader::ReadReal(const std::string& path) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoError("open", path, errno);
    it = files_.emplace(path, Entry{}).first;
    it->second.fd = fd;
    it->second.buf.resize(4096);
  }
  Entry& e = it->second;
  e.used = true;
  size_t len = 0;
  while (true) {
    if (len == e.buf.size()) {
      if (e.buf.size() >= kMaxFileBytes) return IoError("read " + path + ": larger than 64 MiB");
      e.buf.resize(e.buf.size() * 2);
    }
    size_t asked = e.buf.size() - len;
    ssize_t n = ::pread(e.fd, e.buf.data() + len, asked, static_cast<off_t>(len));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(e.fd);
      files_.erase(it);
      return ErrnoError("read", path, err);
    }
    len += static_cast<size_t>(n);
    // A short read of a small seq_file is its end: no empty read to confirm it (kernel_read.h;
    // every file read here has records well under 1 KiB).
    if (cgroup::ReadReachedEnd(static_cast<size_t>(n), asked)) break;
  }
  return std::string_view(e.buf.data(), len);
}

void FileReader::Sweep() {
  for (auto it = files_.begin(); it != files_.end();) {
    if (!it->second.used) {
      if (it->second.fd >= 0) ::close(it->second.fd);
      it = files_.erase(it);
    } else {
      it->second.used = false;
      ++it;
    }
  }
}

}  // namespace vigie::collect::node
