// Read-only bytes of a whole file: mmap'ed on the real file system, read into memory on others
// (the in-memory and fault-injecting ones used by tests).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/fs.h"
#include "core/result.h"

namespace vigie::tsdb {

class MappedFile {
 public:
  static Result<std::shared_ptr<MappedFile>> Open(fs::FileSystem& fs, const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  size_t size() const { return size_; }

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;
  std::string copy_;
};

}  // namespace vigie::tsdb
