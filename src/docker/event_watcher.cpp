#include "docker/event_watcher.h"

#include <algorithm>

#include "core/log.h"

namespace vigie::docker {

EventWatcher::EventWatcher(Client& client, ContainerCache& cache, EventWatcherOptions options)
    : client_(client), cache_(cache), options_(options) {}

EventWatcher::~EventWatcher() { Stop(); }

void EventWatcher::AddListener(std::function<void(const Event&)> listener) {
  listeners_.push_back(std::move(listener));
}

void EventWatcher::Run() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void EventWatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  client_.CancelStreams();
  if (thread_.joinable()) thread_.join();
}

uint64_t EventWatcher::connects() const {
  std::lock_guard lock(mu_);
  return connects_;
}

bool EventWatcher::SleepFor(DurationMs ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_; });
  return !stopping_;
}

void EventWatcher::Loop() {
  const Filters filters = {
      {"type", {"container", "image", "network", "volume", "service", "node"}}};
  DurationMs backoff = options_.initial_backoff_ms;
  bool logged_down = false;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    // Events from a second before the listing on, so nothing between the two is lost
    // (applying an event twice is harmless).
    int64_t since = NowMs() / 1000 - 1;
    Status st = cache_.Refresh(client_);
    if (st.ok()) {
      {
        std::lock_guard lock(mu_);
        ++connects_;
      }
      if (logged_down) log::Info("Docker engine reachable again; container metadata resynced");
      logged_down = false;
      TimestampMs started = NowMs();
      st = client_.StreamEvents(filters, since, [&](const Event& e) {
        cache_.Apply(e, client_);
        for (const auto& l : listeners_) l(e);
        return true;
      });
      // A stream that lived a while was healthy: start the backoff afresh.
      if (NowMs() - started > options_.max_backoff_ms) backoff = options_.initial_backoff_ms;
      if (st.ok()) st = Unavailable("Docker events stream ended");
    }
    cache_.MarkUnsynced();
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    if (!logged_down) {
      log::Warn("Docker events unavailable; retrying with backoff",
                {{"err", st.error().message()}, {"backoff_ms", backoff}});
      logged_down = true;
    }
    if (!SleepFor(backoff)) return;
    backoff = std::min(backoff * 2, options_.max_backoff_ms);
  }
}

}  // namespace vigie::docker
