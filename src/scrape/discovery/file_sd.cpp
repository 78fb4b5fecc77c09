#include "scrape/discovery/file_sd.h"

#include <glob.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/fs.h"
#include "core/log.h"

namespace vigie::scrape {
namespace {

struct RawGroup {
  std::vector<std::string> targets;
  std::vector<std::pair<std::string, std::string>> labels;
};

Result<std::vector<RawGroup>> FromJson(std::string_view content) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(content);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("invalid JSON: ") + e.what());
  }
  if (!doc.is_array()) return InvalidArgument("expected a list of target groups");
  std::vector<RawGroup> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& g = doc[i];
    const std::string where = "group " + std::to_string(i + 1) + ": ";
    if (!g.is_object()) return InvalidArgument(where + "nil or non-object target group");
    RawGroup rg;
    for (auto it = g.begin(); it != g.end(); ++it) {
      if (it.key() == "targets") {
        if (!it->is_array()) return InvalidArgument(where + "targets must be a list of strings");
        for (const auto& t : *it) {
          if (!t.is_string()) return InvalidArgument(where + "targets must be a list of strings");
          rg.targets.push_back(t.get<std::string>());
        }
      } else if (it.key() == "labels") {
        if (it->is_null()) continue;
        if (!it->is_object()) return InvalidArgument(where + "labels must be a mapping");
        for (auto l = it->begin(); l != it->end(); ++l) {
          if (!l->is_string()) {
            return InvalidArgument(where + "label " + l.key() + " must have a string value");
          }
          rg.labels.emplace_back(l.key(), l->get<std::string>());
        }
      } else {
        return InvalidArgument(where + "unknown field \"" + it.key() + "\"");
      }
    }
    out.push_back(std::move(rg));
  }
  return out;
}

Result<std::vector<RawGroup>> FromYaml(std::string_view content) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("invalid YAML: " + e.msg + " at line " +
                           std::to_string(e.mark.line + 1));
  }
  std::vector<RawGroup> out;
  if (doc.IsNull()) return out;
  if (!doc.IsSequence()) return InvalidArgument("expected a list of target groups");
  size_t i = 0;
  for (const YAML::Node& g : doc) {
    const std::string where = "group " + std::to_string(++i) + ": ";
    if (!g.IsMap()) return InvalidArgument(where + "nil or non-mapping target group");
    RawGroup rg;
    for (const auto& kv : g) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (key == "targets") {
        if (kv.second.IsNull()) continue;
        if (!kv.second.IsSequence()) return InvalidArgument(where + "targets must be a list");
        for (const YAML::Node& t : kv.second) {
          if (!t.IsScalar()) return InvalidArgument(where + "targets must be strings");
          rg.targets.push_back(t.Scalar());
        }
      } else if (key == "labels") {
        if (kv.second.IsNull()) continue;
        if (!kv.second.IsMap()) return InvalidArgument(where + "labels must be a mapping");
        for (const auto& l : kv.second) {
          if (!l.first.IsScalar() || !(l.second.IsScalar() || l.second.IsNull())) {
            return InvalidArgument(where + "labels must map names to strings");
          }
          rg.labels.emplace_back(l.first.Scalar(), l.second.IsNull() ? "" : l.second.Scalar());
        }
      } else {
        return InvalidArgument(where + "unknown field \"" + key + "\"");
      }
    }
    out.push_back(std::move(rg));
  }
  return out;
}

bool HasSuffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string DirOf(const std::string& pattern) {
  const size_t slash = pattern.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : pattern.substr(0, slash);
}

}  // namespace

Result<std::vector<TargetGroup>> ParseFileSd(std::string_view content, std::string_view path) {
  const bool json = HasSuffix(path, ".json") || HasSuffix(path, ".JSON");
  auto raw = json ? FromJson(content) : FromYaml(content);
  if (!raw.ok()) return raw.error().Wrap(path);
  std::vector<TargetGroup> out;
  for (size_t i = 0; i < raw->size(); ++i) {
    RawGroup& rg = (*raw)[i];
    TargetGroup g;
    std::vector<Label> labels;
    for (auto& [name, value] : rg.labels) {
      if (!IsValidLabelName(name)) {
        return InvalidArgument(std::string(path) + ": group " + std::to_string(i + 1) + ": \"" +
                               name + "\" is not a valid label name");
      }
      if (!IsValidUtf8(value)) {
        return InvalidArgument(std::string(path) + ": group " + std::to_string(i + 1) + ": label " +
                               name + " has an invalid UTF-8 value");
      }
      if (!value.empty()) labels.push_back({name, value});
    }
    labels.push_back({std::string(kFileSdPathLabel), std::string(path)});
    g.labels = Labels::FromUnsorted(std::move(labels));
    for (auto& t : rg.targets) g.targets.push_back(Labels{{kAddressLabel, t}});
    g.source = std::string(path) + ":" + std::to_string(i);
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<std::string> ExpandFileSdPatterns(const std::vector<std::string>& patterns) {
  std::set<std::string> files;
  for (const std::string& p : patterns) {
    glob_t g{};
    if (::glob(p.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.insert(g.gl_pathv[i]);
    }
    globfree(&g);
  }
  return {files.begin(), files.end()};
}

std::vector<TargetGroup> FileDiscoverer::Refresh() {
  std::vector<TargetGroup> changes;
  std::map<std::string, std::vector<TargetGroup>> now;
  for (const std::string& file : ExpandFileSdPatterns(cfg_.files)) {
    auto content = fs::Real().ReadFile(file);
    Result<std::vector<TargetGroup>> groups =
        content.ok() ? ParseFileSd(*content, file)
                     : Result<std::vector<TargetGroup>>(content.error());
    if (!groups.ok()) {
      ++read_errors_;
      log::Error("file_sd: cannot read file, keeping its previous targets",
                 {{"file", file}, {"err", groups.error().message()}});
      auto it = last_.find(file);
      if (it != last_.end()) now[file] = it->second;
      continue;
    }
    now[file] = std::move(*groups);
  }
  // Groups that are new or different, then sources that are gone.
  std::set<std::string> present;
  for (const auto& [file, groups] : now) {
    const auto old = last_.find(file);
    for (size_t i = 0; i < groups.size(); ++i) {
      present.insert(groups[i].source);
      if (old == last_.end() || i >= old->second.size() || !(old->second[i] == groups[i])) {
        changes.push_back(groups[i]);
      }
    }
  }
  for (const auto& [file, groups] : last_) {
    for (const TargetGroup& g : groups) {
      if (present.count(g.source) == 0) changes.push_back(TargetGroup{{}, {}, g.source});
    }
  }
  last_ = std::move(now);
  return changes;
}

void FileDiscoverer::Run(std::stop_token stop, const TargetGroupsSink& send) {
  // Wake-up for Stop: an eventfd written by the stop callback.
  const int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::stop_callback on_stop(stop, [wake] {
    const uint64_t one = 1;
    if (wake >= 0) (void)!::write(wake, &one, sizeof one);
  });
  const int ino = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (ino >= 0) {
    std::set<std::string> dirs;
    for (const std::string& p : cfg_.files) dirs.insert(DirOf(p));
    for (const std::string& d : dirs) {
      // Failing to watch (directory missing) is fine: the periodic refresh still runs.
      ::inotify_add_watch(
          ino, d.c_str(),
          IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_MODIFY);
    }
  }
  auto initial = Refresh();
  send(std::move(initial));
  int64_t next_refresh = MonotonicNs() + cfg_.refresh_interval * 1000000;
  while (!stop.stop_requested()) {
    const int64_t wait_ms = std::max<int64_t>(0, (next_refresh - MonotonicNs()) / 1000000);
    pollfd fds[2] = {{wake, POLLIN, 0}, {ino, POLLIN, 0}};
    const int n =
        ::poll(fds, ino >= 0 ? 2 : 1, static_cast<int>(std::min<int64_t>(wait_ms, 60000)));
    if (stop.stop_requested()) break;
    bool changed = MonotonicNs() >= next_refresh;
    if (n > 0 && ino >= 0 && (fds[1].revents & POLLIN) != 0) {
      char buf[4096];
      while (::read(ino, buf, sizeof buf) > 0) {
      }
      changed = true;
    }
    if (!changed) continue;
    auto updates = Refresh();
    if (!updates.empty()) send(std::move(updates));
    next_refresh = MonotonicNs() + cfg_.refresh_interval * 1000000;
  }
  if (ino >= 0) ::close(ino);
  if (wake >= 0) ::close(wake);
}

}  // namespace vigie::scrape
