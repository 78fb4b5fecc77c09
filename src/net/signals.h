// Waiting for process signals in the main thread: SIGINT/SIGTERM mean "shut down",
// SIGHUP means "reload the configuration". Handlers only write to a self-pipe, so any thread
// may receive the signal; the waiting thread does the work.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

namespace vigie::net {

enum class ProcessSignal { kTerminate, kReload };

// Installs handlers for SIGINT, SIGTERM and SIGHUP for its lifetime (restoring the previous
// ones after). One instance at a time per process (a second one takes over the signals);
// Wait() from one thread at a time. Typical main():
//   SignalWaiter signals;   // first, so that no signal is missed
//   server->Start();
//   signals.WaitForShutdown([&] { ReloadConfig(); });
//   server->Shutdown();
class SignalWaiter {
 public:
  SignalWaiter();
  ~SignalWaiter();
  SignalWaiter(const SignalWaiter&) = delete;
  SignalWaiter& operator=(const SignalWaiter&) = delete;

  // Blocks until a signal arrives (or `timeout` passes: nullopt).
  std::optional<ProcessSignal> Wait(
      std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Blocks until SIGINT or SIGTERM, calling `on_reload` (if set) for every SIGHUP meanwhile.
  void WaitForShutdown(const std::function<void()>& on_reload = {});
};

// SignalWaiter().WaitForShutdown(on_reload). Prefer a SignalWaiter created early in main()
// when a signal could arrive before this call (until then the default action applies).
void WaitForShutdownSignal(const std::function<void()>& on_reload = {});

}  // namespace vigie::net
