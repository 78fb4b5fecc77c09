// Keeps a ContainerCache current: a background thread that lists the running containers, then
// follows GET /events, and on any break (engine restarted, socket gone) waits with exponential
// backoff (1s doubling up to 30s) and starts over. Listeners see every event of the types it
// watches (container, image, network, volume, service, node), e.g. to refresh engine facts.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/time.h"
#include "docker/client.h"
#include "docker/container_cache.h"

namespace vigie::docker {

struct EventWatcherOptions {
  DurationMs initial_backoff_ms = 1'000;
  DurationMs max_backoff_ms = 30'000;
};

class EventWatcher {
 public:
  // `client` and `cache` must outlive the watcher; the client is used from the watcher thread
  // (and CancelStreams()ed by Stop, so give the watcher a client of its own).
  EventWatcher(Client& client, ContainerCache& cache, EventWatcherOptions options = {});
  ~EventWatcher();  // Stop()s

  // Called from the watcher thread for each event, after the cache applied it. Add before Run.
  void AddListener(std::function<void(const Event&)> listener);

  // Starts the thread. Once.
  void Run();
  // Stops and joins the thread. Idempotent.
  void Stop();

  // How many times the stream has been (re)connected; for tests and self-metrics.
  uint64_t connects() const;

 private:
  void Loop();
  // Sleeps up to `ms`; false when stopping.
  bool SleepFor(DurationMs ms);

  Client& client_;
  ContainerCache& cache_;
  EventWatcherOptions options_;
  std::vector<std::function<void(const Event&)>> listeners_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  uint64_t connects_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace vigie::docker
