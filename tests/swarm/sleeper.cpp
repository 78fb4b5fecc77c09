// The process inside the test image: sleeps until told to stop. Built statically (g++ -static)
// and copied into a FROM-scratch image, since no registry is reachable from the test machines.
// As PID 1 of its container it must handle SIGTERM itself, or `docker stop` waits 10 s.
// `sleeper probe` exits 0 at once: a health check command for an image without a shell.
#include <unistd.h>

#include <csignal>
#include <cstring>

namespace {
void Quit(int) { _exit(0); }
}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "probe") == 0) return 0;
  std::signal(SIGTERM, Quit);
  std::signal(SIGINT, Quit);
  while (true) pause();
}
