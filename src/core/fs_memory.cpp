// In-memory file system for tests. Thread-safe; "synced" state is not modelled (everything
// written is visible), crashes are modelled with the fault-injecting wrapper instead.
#include <map>
#include <mutex>
#include <set>

#include "core/fs.h"

namespace vigie::fs {

namespace {
std::string Normalize(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}
std::string Parent(const std::string& p) {
  auto s = p.rfind('/');
  if (s == std::string::npos) return ".";
  if (s == 0) return "/";
  return p.substr(0, s);
}

struct MemState {
  std::mutex mu;
  std::map<std::string, std::string> files;
  std::set<std::string> dirs{"/", "."};
};

class MemWritable final : public WritableFile {
 public:
  MemWritable(std::shared_ptr<MemState> st, std::string path)
      : st_(std::move(st)), path_(std::move(path)) {}
  Status Append(std::string_view data) override {
    std::lock_guard lock(st_->mu);
    auto it = st_->files.find(path_);
    if (it == st_->files.end()) return NotFound("write " + path_ + ": file was removed");
    it->second.append(data);
    return OkStatus();
  }
  Status Sync() override { return OkStatus(); }
  Status Close() override { return OkStatus(); }
  uint64_t Size() const override {
    std::lock_guard lock(st_->mu);
    auto it = st_->files.find(path_);
    return it == st_->files.end() ? 0 : it->second.size();
  }

 private:
  std::shared_ptr<MemState> st_;
  std::string path_;
};

class MemFs final : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& p) override {
    std::lock_guard lock(st_->mu);
    auto it = st_->files.find(Normalize(p));
    if (it == st_->files.end()) return NotFound("open " + p + ": no such file");
    return it->second;
  }
  Result<std::string> ReadAt(const std::string& p, uint64_t off, size_t len) override {
    std::lock_guard lock(st_->mu);
    auto it = st_->files.find(Normalize(p));
    if (it == st_->files.end()) return NotFound("open " + p + ": no such file");
    if (off >= it->second.size()) return std::string();
    return it->second.substr(off, len);
  }
  Result<std::vector<DirEntry>> ListDir(const std::string& p) override {
    std::lock_guard lock(st_->mu);
    std::string dir = Normalize(p);
    if (!st_->dirs.count(dir)) return NotFound("opendir " + p + ": no such directory");
    std::vector<DirEntry> out;
    for (const auto& [f, _] : st_->files) {
      if (Parent(f) == dir) out.push_back({f.substr(f.rfind('/') + 1), false, false});
    }
    for (const auto& d : st_->dirs) {
      if (d != dir && Parent(d) == dir) out.push_back({d.substr(d.rfind('/') + 1), true, false});
    }
    return out;
  }
  Result<std::string> ReadLink(const std::string& p) override {
    return InvalidArgument("readlink " + p + ": not a symlink");
  }
  bool Exists(const std::string& p) override {
    std::lock_guard lock(st_->mu);
    auto n = Normalize(p);
    return st_->files.count(n) || st_->dirs.count(n);
  }
  Result<uint64_t> FileSize(const std::string& p) override {
    std::lock_guard lock(st_->mu);
    auto it = st_->files.find(Normalize(p));
    if (it == st_->files.end()) return NotFound("stat " + p + ": no such file");
    return static_cast<uint64_t>(it->second.size());
  }
  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& p, bool truncate) override {
    std::lock_guard lock(st_->mu);
    auto n = Normalize(p);
    if (!st_->dirs.count(Parent(n))) return NotFound("open " + p + ": no such directory");
    auto& f = st_->files[n];
    if (truncate) f.clear();
    return std::unique_ptr<WritableFile>(new MemWritable(st_, n));
  }
  Status Truncate(const std::string& p, uint64_t size) override {
    std::lock_guard lock(st_->mu);
    auto it = st_->files.find(Normalize(p));
    if (it == st_->files.end()) return NotFound("truncate " + p + ": no such file");
    it->second.resize(size);
    return OkStatus();
  }
  Status Rename(const std::string& from, const std::string& to) override {
    std::lock_guard lock(st_->mu);
    auto f = Normalize(from), t = Normalize(to);
    if (auto it = st_->files.find(f); it != st_->files.end()) {
      st_->files[t] = std::move(it->second);
      st_->files.erase(f);
      return OkStatus();
    }
    if (st_->dirs.count(f)) {
      // Move the directory and everything under it.
      std::map<std::string, std::string> moved;
      for (auto it = st_->files.begin(); it != st_->files.end();) {
        if (it->first.rfind(f + "/", 0) == 0) {
          moved[t + it->first.substr(f.size())] = std::move(it->second);
          it = st_->files.erase(it);
        } else {
          ++it;
        }
      }
      st_->files.merge(moved);
      std::set<std::string> dirs;
      for (auto it = st_->dirs.begin(); it != st_->dirs.end();) {
        if (*it == f || it->rfind(f + "/", 0) == 0) {
          dirs.insert(t + it->substr(f.size()));
          it = st_->dirs.erase(it);
        } else {
          ++it;
        }
      }
      st_->dirs.merge(dirs);
      return OkStatus();
    }
    return NotFound("rename " + from + ": no such file");
  }
  Status Remove(const std::string& p) override {
    std::lock_guard lock(st_->mu);
    auto n = Normalize(p);
    if (st_->files.erase(n) || st_->dirs.erase(n)) return OkStatus();
    return NotFound("remove " + p + ": no such file");
  }
  Status RemoveAll(const std::string& p) override {
    std::lock_guard lock(st_->mu);
    auto n = Normalize(p);
    std::erase_if(st_->files,
                  [&](const auto& kv) { return kv.first == n || kv.first.rfind(n + "/", 0) == 0; });
    std::erase_if(st_->dirs, [&](const auto& d) { return d == n || d.rfind(n + "/", 0) == 0; });
    return OkStatus();
  }
  Status MkdirAll(const std::string& p) override {
    std::lock_guard lock(st_->mu);
    std::string n = Normalize(p);
    while (!n.empty() && n != "/" && n != ".") {
      st_->dirs.insert(n);
      n = Parent(n);
    }
    return OkStatus();
  }
  Status SyncDir(const std::string&) override { return OkStatus(); }

 private:
  std::shared_ptr<MemState> st_ = std::make_shared<MemState>();
};

class FaultWritable final : public WritableFile {
 public:
  FaultWritable(std::unique_ptr<WritableFile> base, std::string path,
                std::function<bool(std::string_view, const std::string&)>* fail)
      : base_(std::move(base)), path_(std::move(path)), fail_(fail) {}
  Status Append(std::string_view d) override {
    if ((*fail_)("append", path_)) return IoError("append " + path_ + ": injected fault");
    return base_->Append(d);
  }
  Status Sync() override {
    if ((*fail_)("sync", path_)) return IoError("fsync " + path_ + ": injected fault");
    return base_->Sync();
  }
  Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  std::unique_ptr<WritableFile> base_;
  std::string path_;
  std::function<bool(std::string_view, const std::string&)>* fail_;
};

class FaultFs final : public FileSystem {
 public:
  FaultFs(FileSystem& base, std::function<bool(std::string_view, const std::string&)> f)
      : base_(base), fail_(std::move(f)) {}
#define VIGIE_FAULT(op, path) \
  if (fail_(op, path)) return IoError(std::string(op) + " " + (path) + ": injected fault")
  Result<std::string> ReadFile(const std::string& p) override {
    VIGIE_FAULT("read", p);
    return base_.ReadFile(p);
  }
  Result<std::string> ReadAt(const std::string& p, uint64_t o, size_t l) override {
    VIGIE_FAULT("read", p);
    return base_.ReadAt(p, o, l);
  }
  Result<std::vector<DirEntry>> ListDir(const std::string& p) override {
    VIGIE_FAULT("list", p);
    return base_.ListDir(p);
  }
  Result<std::string> ReadLink(const std::string& p) override {
    VIGIE_FAULT("readlink", p);
    return base_.ReadLink(p);
  }
  bool Exists(const std::string& p) override { return base_.Exists(p); }
  Result<uint64_t> FileSize(const std::string& p) override {
    VIGIE_FAULT("stat", p);
    return base_.FileSize(p);
  }
  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& p, bool t) override {
    VIGIE_FAULT("open", p);
    VIGIE_ASSIGN_OR_RETURN(auto f, base_.OpenWritable(p, t));
    return std::unique_ptr<WritableFile>(new FaultWritable(std::move(f), p, &fail_));
  }
  Status Truncate(const std::string& p, uint64_t s) override {
    VIGIE_FAULT("truncate", p);
    return base_.Truncate(p, s);
  }
  Status Rename(const std::string& f, const std::string& t) override {
    VIGIE_FAULT("rename", f);
    return base_.Rename(f, t);
  }
  Status Remove(const std::string& p) override {
    VIGIE_FAULT("remove", p);
    return base_.Remove(p);
  }
  Status RemoveAll(const std::string& p) override {
    VIGIE_FAULT("remove", p);
    return base_.RemoveAll(p);
  }
  Status MkdirAll(const std::string& p) override {
    VIGIE_FAULT("mkdir", p);
    return base_.MkdirAll(p);
  }
  Status SyncDir(const std::string& p) override {
    VIGIE_FAULT("sync", p);
    return base_.SyncDir(p);
  }
#undef VIGIE_FAULT

 private:
  FileSystem& base_;
  std::function<bool(std::string_view, const std::string&)> fail_;
};
}  // namespace

std::unique_ptr<FileSystem> NewMemory() { return std::make_unique<MemFs>(); }

std::unique_ptr<FileSystem> NewFaultInjecting(
    FileSystem& base, std::function<bool(std::string_view, const std::string&)> should_fail) {
  return std::make_unique<FaultFs>(base, std::move(should_fail));
}

}  // namespace vigie::fs
