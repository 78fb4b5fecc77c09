// A minimal vigie HTTP server for bench/net/run.sh: answers GET / with a 1 KiB body.
//   bench_http_server --listen 127.0.0.1:8080 --threads 2
// Runs until SIGINT/SIGTERM.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/http_server.h"
#include "net/signals.h"

int main(int argc, char** argv) {
  vigie::net::ServerOptions opts;
  opts.listen_addresses = {"127.0.0.1:8080"};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--listen") {
      opts.listen_addresses = {argv[i + 1]};
    } else if (flag == "--threads") {
      opts.threads = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: %s [--listen HOST:PORT] [--threads N]\n", argv[0]);
      return 2;
    }
  }
  auto server = vigie::net::HttpServer::Open(opts);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.error().message().c_str());
    return 1;
  }
  const std::string body(1024, 'x');
  (*server)->router().Get("/", [&body](const vigie::net::Request&, vigie::net::Response& res) {
    res.body = body;
    res.headers.Add("Content-Type", "text/html");
  });
  vigie::net::SignalWaiter signals;  // before Start(), so no signal is missed
  if (auto st = (*server)->Start(); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.error().message().c_str());
    return 1;
  }
  while (true) {
    auto sig = signals.Wait();
    if (!sig || *sig == vigie::net::ProcessSignal::kTerminate) break;
  }
  (*server)->Shutdown(std::chrono::seconds(5));
  return 0;
}
