// Runs the demo's services as child processes: each started from this same binary, optionally
// placed in its own cgroup (named like a Swarm task, so the agent's container collector sees
// it as on a real Swarm), restarted with backoff when it dies, stopped in reverse order.
//
// Threading: Start/StopAll from the main thread; a monitor thread reaps and restarts.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"

namespace vigie::cmd {

struct ServiceSpec {
  std::string name;     // task name, e.g. "vigie-demo_gallery.1"
  std::string service;  // service name, e.g. "vigie-demo_gallery"
  int slot = 1;
  std::vector<std::string> args;  // after the binary path
  std::string log_path;           // stdout+stderr of the child
  std::string container_id;       // 64 hex, stable per task name
};

struct ChildState {
  ServiceSpec spec;
  pid_t pid = -1;
  int restarts = 0;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point restart_at;  // when pid == -1 after a death
};

class Supervisor {
 public:
  // `cgroup_parent` like "/vigie-demo": when non-empty and writable, each child runs in
  // <parent>/<container_id> in every mounted cgroup hierarchy.
  Supervisor(std::string binary, std::string cgroup_parent);
  ~Supervisor();

  // Creates the cgroups (if enabled) and starts the child. Errors name the service.
  Status Start(const ServiceSpec& spec);
  // Starts the monitor thread that restarts children that exit.
  void Monitor();
  // SIGTERM to every child in reverse start order, SIGKILL after `grace`, removes cgroups.
  void StopAll(std::chrono::milliseconds grace = std::chrono::seconds(10));

  bool cgroups_enabled() const { return cgroups_enabled_; }
  // A snapshot of the children (for the per-process metrics fallback).
  std::vector<ChildState> Children() const;

  // Whether cgroups can be created here (root and a writable hierarchy).
  static bool CgroupsUsable(const std::string& parent);

 private:
  Result<pid_t> Spawn(const ServiceSpec& spec);
  std::vector<std::string> CgroupDirs(const ServiceSpec& spec) const;

  std::string binary_;
  std::string cgroup_parent_;
  bool cgroups_enabled_ = false;
  mutable std::mutex mu_;
  std::vector<ChildState> children_;  // GUARDED_BY(mu_)
  std::atomic<bool> stopping_{false};
  std::thread monitor_;
};

// A stable 64-hex id for a task name (what the container collector expects a container id to
// look like).
std::string FakeContainerId(const std::string& task_name);

}  // namespace vigie::cmd
