#include "cmd/demo_supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "core/log.h"

namespace vigie::cmd {

namespace {

// The cgroup v1 controllers the container collector reads, or the v2 unified root.
std::vector<std::string> CgroupRoots() {
  std::vector<std::string> roots;
  if (std::filesystem::exists("/sys/fs/cgroup/cgroup.controllers")) {
    roots.push_back("/sys/fs/cgroup");  // v2
    return roots;
  }
  for (const char* c : {"cpu", "cpuacct", "memory", "blkio", "pids"}) {
    std::string p = std::string("/sys/fs/cgroup/") + c;
    if (std::filesystem::exists(p + "/cgroup.procs")) roots.push_back(p);
  }
  return roots;
}

}  // namespace

std::string FakeContainerId(const std::string& task) {
  // Four rounds of std::hash over salted names: not cryptographic, only stable and unique
  // enough for a handful of demo tasks.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int round = 0; round < 4; ++round) {
    uint64_t h =
        std::hash<std::string>{}(task + "#" + std::to_string(round)) ^ 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 16; ++i) {
      out += kHex[h & 15];
      h >>= 4;
    }
  }
  return out;
}

bool Supervisor::CgroupsUsable(const std::string& parent) {
  if (geteuid() != 0) return false;
  auto roots = CgroupRoots();
  if (roots.empty()) return false;
  for (const auto& r : roots) {
    std::error_code ec;
    std::filesystem::create_directories(r + parent, ec);
    if (ec || access((r + parent).c_str(), W_OK) != 0) return false;
  }
  return true;
}

Supervisor::Supervisor(std::string binary, std::string cgroup_parent)
    : binary_(std::move(binary)), cgroup_parent_(std::move(cgroup_parent)) {
  cgroups_enabled_ = !cgroup_parent_.empty() && CgroupsUsable(cgroup_parent_);
}

Supervisor::~Supervisor() { StopAll(std::chrono::seconds(5)); }

std::vector<std::string> Supervisor::CgroupDirs(const ServiceSpec& spec) const {
  std::vector<std::string> dirs;
  if (!cgroups_enabled_) return dirs;
  for (const auto& r : CgroupRoots()) dirs.push_back(r + cgroup_parent_ + "/" + spec.container_id);
  return dirs;
}

Result<pid_t> Supervisor::Spawn(const ServiceSpec& spec) {
  std::vector<std::string> procs_files;
  for (const auto& d : CgroupDirs(spec)) {
    std::error_code ec;
    std::filesystem::create_directories(d, ec);
    if (ec) return IoError("cgroup " + d + ": " + ec.message());
    procs_files.push_back(d + "/cgroup.procs");
  }
  std::vector<std::string> argv = {binary_};
  argv.insert(argv.end(), spec.args.begin(), spec.args.end());
  pid_t pid = fork();
  if (pid < 0) return IoError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Child: join the cgroups ("0" means this process), redirect output, exec.
    for (const auto& f : procs_files) {
      int fd = open(f.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd >= 0) {
        (void)!write(fd, "0", 1);
        close(fd);
      }
    }
    int out = open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out >= 0) {
      dup2(out, 1);
      dup2(out, 2);
    }
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, 0);
    setpgid(0, 0);  // Ctrl-C goes to the demo, which stops children in order
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  return pid;
}

Status Supervisor::Start(const ServiceSpec& spec) {
  VIGIE_ASSIGN_OR_RETURN(pid_t pid, Spawn(spec));
  std::lock_guard lock(mu_);
  ChildState c;
  c.spec = spec;
  c.pid = pid;
  c.started = std::chrono::steady_clock::now();
  children_.push_back(std::move(c));
  log::Info("started service", {{"task", spec.name}, {"pid", pid}, {"log", spec.log_path}});
  return OkStatus();
}

void Supervisor::Monitor() {
  monitor_ = std::thread([this] {
    while (!stopping_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      std::lock_guard lock(mu_);
      auto now = std::chrono::steady_clock::now();
      for (auto& c : children_) {
        if (stopping_) break;
        if (c.pid > 0) {
          int status = 0;
          if (waitpid(c.pid, &status, WNOHANG) != c.pid) continue;
          std::string how = WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                              : "signal " + std::to_string(WTERMSIG(status));
          // Backoff: a child that keeps dying waits up to 30 s between restarts.
          int delay_s = now - c.started > std::chrono::seconds(30)
                            ? 1
                            : std::min(30, 1 << std::min(c.restarts, 5));
          log::Warn("service died; restarting", {{"task", c.spec.name},
                                                 {"pid", c.pid},
                                                 {"how", how},
                                                 {"restart_in_s", delay_s},
                                                 {"log", c.spec.log_path}});
          c.pid = -1;
          c.restart_at = now + std::chrono::seconds(delay_s);
        } else if (c.pid == -1 && c.restart_at != std::chrono::steady_clock::time_point{} &&
                   now >= c.restart_at) {
          auto pid = Spawn(c.spec);
          if (!pid.ok()) {
            log::Error("cannot restart service",
                       {{"task", c.spec.name}, {"err", pid.error().message()}});
            c.restart_at = now + std::chrono::seconds(5);
            continue;
          }
          c.pid = *pid;
          c.restarts++;
          c.started = now;
          c.restart_at = {};
          log::Info("restarted service", {{"task", c.spec.name}, {"pid", c.pid}});
        }
      }
    }
  });
}

void Supervisor::StopAll(std::chrono::milliseconds grace) {
  if (stopping_.exchange(true)) return;
  if (monitor_.joinable()) monitor_.join();
  std::lock_guard lock(mu_);
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
    if (it->pid > 0) kill(it->pid, SIGTERM);
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
    if (it->pid <= 0) continue;
    int status;
    while (waitpid(it->pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        log::Warn("service did not stop in time; killing",
                  {{"task", it->spec.name}, {"pid", it->pid}});
        kill(it->pid, SIGKILL);
        waitpid(it->pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    log::Info("stopped service", {{"task", it->spec.name}});
    it->pid = -1;
    for (const auto& d : CgroupDirs(it->spec)) rmdir(d.c_str());
  }
}

std::vector<ChildState> Supervisor::Children() const {
  std::lock_guard lock(mu_);
  return children_;
}

}  // namespace vigie::cmd
