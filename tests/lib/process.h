// Test fixtures for multi-process tests: start a child (a reference tool or vigie itself),
// wait for its port, stop it by PID. Only processes started here are ever signalled.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/result.h"

namespace vigie::testing {

class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH) with stdout+stderr to `log_path` (or /dev/null).
  static Result<ChildProcess> Start(const std::vector<std::string>& argv,
                                    const std::string& log_path = "");
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();  // Stop()s if still running.

  pid_t pid() const { return pid_; }
  bool Running();
  // SIGTERM, then SIGKILL after `grace_ms`; returns the exit status (or -signal).
  int Stop(int grace_ms = 5000);
  void Kill9();
  // Waits for exit up to timeout; returns the exit code, or nullopt-like -1000 on timeout.
  int Wait(int timeout_ms);
  const std::string& log_path() const { return log_path_; }
  std::string Log() const;

 private:
  ChildProcess(pid_t pid, std::string log) : pid_(pid), log_path_(std::move(log)) {}
  pid_t pid_ = -1;
  int status_ = 0;
  std::string log_path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeTcpPort();
// Polls until something accepts on 127.0.0.1:port, or the timeout passes.
bool WaitForPort(int port, int timeout_ms);
// Polls until an HTTP GET of `path` answers with a 2xx status.
bool WaitForHttpOk(int port, const std::string& path, int timeout_ms);
// A minimal blocking HTTP/1.0 GET on loopback for fixtures (not the product's client).
Result<std::string> HttpGetBody(int port, const std::string& path, int* status = nullptr);
// Path of the built vigie binary (VIGIE_BINARY env or the build tree).
std::string VigieBinary();
// True if `program` is on PATH.
bool HaveProgram(const std::string& program);

}  // namespace vigie::testing
