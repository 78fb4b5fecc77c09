#include "net/signals.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace vigie::net {
namespace {

int g_pipe[2] = {-1, -1};
struct sigaction g_old_int, g_old_term, g_old_hup;

void OnSignal(int sig) {
  int saved = errno;
  char c = static_cast<char>(sig);
  if (g_pipe[1] >= 0) {
    ssize_t ignored = ::write(g_pipe[1], &c, 1);
    (void)ignored;
  }
  errno = saved;
}

}  // namespace

SignalWaiter::SignalWaiter() {
  if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
  sigaction(SIGHUP, &sa, &g_old_hup);
}

SignalWaiter::~SignalWaiter() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGHUP, &g_old_hup, nullptr);
  int r = g_pipe[0], w = g_pipe[1];
  g_pipe[0] = g_pipe[1] = -1;
  if (r >= 0) ::close(r);
  if (w >= 0) ::close(w);
}

std::optional<ProcessSignal> SignalWaiter::Wait(std::optional<std::chrono::milliseconds> timeout) {
  if (g_pipe[0] < 0) return std::nullopt;
  while (true) {
    char c;
    ssize_t n = ::read(g_pipe[0], &c, 1);
    if (n == 1) return c == SIGHUP ? ProcessSignal::kReload : ProcessSignal::kTerminate;
    pollfd pfd{g_pipe[0], POLLIN, 0};
    int rc = ::poll(&pfd, 1, timeout ? static_cast<int>(timeout->count()) : -1);
    if (rc == 0) return std::nullopt;
    if (rc < 0 && errno != EINTR) return std::nullopt;
  }
}

void SignalWaiter::WaitForShutdown(const std::function<void()>& on_reload) {
  while (true) {
    auto sig = Wait();
    if (!sig || *sig == ProcessSignal::kTerminate) return;
    if (on_reload) on_reload();
  }
}

void WaitForShutdownSignal(const std::function<void()>& on_reload) {
  SignalWaiter waiter;
  waiter.WaitForShutdown(on_reload);
}

}  // namespace vigie::net
