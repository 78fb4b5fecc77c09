// The process inside the test image: sleeps until told to stop. Built statically (g++ -static)
// and copied into a FROM-scratch image, since no registry is reachable from the test machines.
// As PID 1 of its container it must handle SIGTERM itself, or `docker stop` waits 10 s.
#include <unistd.h>

#include <csignal>

namespace {
void Quit(int) { _exit(0); }
}  // namespace

int main() {
  std::signal(SIGTERM, Quit);
  std::signal(SIGINT, Quit);
  while (true) pause();
}
