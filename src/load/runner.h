// Drives emulated users against a target. Two load models:
//  - closed: N users, each running journeys back to back with think time (SetUsers changes N
//    while running);
//  - open: journeys start at R arrivals per second whatever the target's speed; a journey's
//    first request is timed from its scheduled start, so queueing delay is not hidden
//    (coordinated omission correction).
// Stages ramp the users (closed) or the rate (open) linearly to a target over a duration.
//
// Threading: one thread per active user (closed) or per running journey (open, at most
// max_concurrent_journeys). Start/Stop/SetUsers/SetRate are safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "load/scenario.h"
#include "load/stats.h"

namespace vigie::load {

struct Stage {
  std::chrono::milliseconds duration;
  double target;  // users (closed) or arrivals per second (open)
};

// Parses "30s:10" into a stage.
Result<Stage> ParseStage(std::string_view s);

struct LoadOptions {
  std::string target = "http://127.0.0.1:8080";  // base URL
  int users = 10;
  double rate = 0;  // > 0: open model
  std::vector<Stage> stages;
  // Total run time; with stages, defaults to their sum. 0 with no stages: until Stop().
  std::chrono::milliseconds duration{0};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
  int max_concurrent_journeys = 2000;  // open model bound
  uint64_t seed = 1;
  Scenario scenario = DefaultGalleryScenario();
};

// Called after every request (step name, HTTP status or 0, error kind, seconds); for metrics.
using RequestObserver =
    std::function<void(const std::string& step, int status, ErrorKind kind, double seconds)>;

class Runner {
 public:
  static Result<std::unique_ptr<Runner>> Create(LoadOptions options, RequestObserver observer = {});
  ~Runner();

  void Start();
  // Ends every user after its current request; Wait() then returns.
  void Stop();
  // Blocks until the duration has passed (or Stop()).
  void Wait();
  bool running() const { return running_.load(); }

  void SetUsers(int n);
  void SetRate(double r);
  int target_users() const { return target_users_.load(); }
  double target_rate() const { return target_rate_.load(); }
  int active_users() const { return active_.load(); }
  double elapsed_seconds() const;
  const Stats& stats() const { return *stats_; }
  const LoadOptions& options() const { return options_; }

 private:
  explicit Runner(LoadOptions options, RequestObserver observer);
  void UserLoop(int index);
  void ArrivalLoop();
  void StageLoop();
  // Runs one journey; `scheduled` is the intended start (open model) or now.
  void RunJourney(class UserContext& user, std::chrono::steady_clock::time_point scheduled);
  bool SleepFor(std::chrono::duration<double> d);  // false if stopped meanwhile
  void EnsureUsers();
  void ReapLocked();  // joins finished workers; requires mu_

  LoadOptions options_;
  RequestObserver observer_;
  std::unique_ptr<Stats> stats_;
  std::vector<double> journey_weights_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> target_users_{0};
  std::atomic<double> target_rate_{0};
  std::atomic<int> active_{0};
  std::atomic<int> journeys_in_flight_{0};
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Worker> workers_;  // GUARDED_BY(mu_)
  std::vector<bool> live_;       // GUARDED_BY(mu_): closed-model user indices running
  std::thread control_;          // stages and the end of the run
  std::thread arrivals_;
};

}  // namespace vigie::load
