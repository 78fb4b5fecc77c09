#include "load/runner.h"

#include <re2/re2.h>

#include <cmath>
#include <random>

#include "core/log.h"
#include "core/time.h"
#include "load/png_writer.h"
#include "net/http_client.h"

namespace vigie::load {

using Clock = std::chrono::steady_clock;

Result<Stage> ParseStage(std::string_view s) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    return InvalidArgument("stage \"" + std::string(s) +
                           "\" must look like 30s:10 (duration:target)");
  }
  auto d = ParseDuration(s.substr(0, colon));
  if (!d.ok()) return d.error().Wrap("stage \"" + std::string(s) + "\"");
  std::string t(s.substr(colon + 1));
  char* end = nullptr;
  double target = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || target < 0 || !std::isfinite(target)) {
    return InvalidArgument("stage \"" + std::string(s) + "\": target must be a number >= 0");
  }
  return Stage{std::chrono::milliseconds(*d), target};
}

// One emulated user's state: its own keep-alive connection, random stream and captures.
class UserContext {
 public:
  UserContext(const LoadOptions& o, uint64_t seed)
      : client(net::ClientOptions{.connect_timeout = o.request_timeout,
                                  .timeout = o.request_timeout,
                                  .max_idle_per_host = 1,
                                  .user_agent = "vigie-load"}),
        rng(seed) {}
  net::HttpClient client;
  std::mt19937_64 rng;
  Vars vars;
};

Runner::Runner(LoadOptions options, RequestObserver observer)
    : options_(std::move(options)), observer_(std::move(observer)) {}

Runner::~Runner() {
  Stop();
  Wait();
}

Result<std::unique_ptr<Runner>> Runner::Create(LoadOptions o, RequestObserver observer) {
  if (o.target.rfind("http://", 0) != 0) {
    return InvalidArgument("--target \"" + o.target + "\" must be an http:// URL");
  }
  while (!o.target.empty() && o.target.back() == '/') o.target.pop_back();
  if (o.users < 0) return InvalidArgument("--users must be >= 0");
  if (o.rate < 0) return InvalidArgument("--rate must be >= 0");
  if (o.scenario.journeys.empty()) return InvalidArgument("scenario has no journeys");
  if (o.duration.count() == 0 && !o.stages.empty()) {
    for (const auto& s : o.stages) o.duration += s.duration;
  }
  std::vector<std::string> names;
  for (const auto& j : o.scenario.journeys) {
    for (const auto& s : j.steps) names.push_back(s.name);
  }
  std::unique_ptr<Runner> r(new Runner(std::move(o), std::move(observer)));
  r->stats_ = std::make_unique<Stats>(names);
  for (const auto& j : r->options_.scenario.journeys) r->journey_weights_.push_back(j.weight);
  r->target_users_ = r->options_.rate > 0 ? 0 : r->options_.users;
  r->target_rate_ = r->options_.rate;
  if (!r->options_.stages.empty()) {
    // Stages start from zero and ramp.
    if (r->options_.rate > 0)
      r->target_rate_ = 0;
    else
      r->target_users_ = 0;
  }
  return r;
}

double Runner::elapsed_seconds() const {
  if (start_ == Clock::time_point{}) return 0;
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

bool Runner::SleepFor(std::chrono::duration<double> d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stopping_.load(); });
}

void Runner::Start() {
  running_ = true;
  start_ = Clock::now();
  if (options_.rate > 0) {
    arrivals_ = std::thread([this] { ArrivalLoop(); });
  } else {
    EnsureUsers();
  }
  control_ = std::thread([this] { StageLoop(); });
}

void Runner::StageLoop() {
  const bool open = options_.rate > 0;
  auto t0 = Clock::now();
  double from = 0;
  for (const auto& st : options_.stages) {
    auto stage_start = Clock::now();
    while (!stopping_) {
      double frac = std::chrono::duration<double>(Clock::now() - stage_start) /
                    std::chrono::duration<double>(st.duration);
      if (frac >= 1) break;
      double v = from + (st.target - from) * frac;
      if (open)
        SetRate(v);
      else
        SetUsers(static_cast<int>(std::lround(v)));
      if (!SleepFor(std::chrono::milliseconds(100))) break;
    }
    if (open)
      SetRate(st.target);
    else
      SetUsers(static_cast<int>(std::lround(st.target)));
    from = st.target;
  }
  if (options_.duration.count() > 0) {
    auto left = options_.duration - (Clock::now() - t0);
    if (left.count() > 0) SleepFor(left);
    Stop();
  }
}

void Runner::SetUsers(int n) {
  {
    std::lock_guard lock(mu_);
    target_users_ = std::max(0, n);
  }
  EnsureUsers();
}

void Runner::SetRate(double r) { target_rate_ = std::max(0.0, r); }

void Runner::EnsureUsers() {
  std::lock_guard lock(mu_);
  if (stopping_ || options_.rate > 0) return;
  // Users at or above the target leave at their next journey boundary (UserLoop decides under
  // this same lock, so a user cannot be both leaving and counted as live).
  int target = target_users_.load();
  if (static_cast<int>(live_.size()) < target) live_.resize(static_cast<size_t>(target), false);
  for (int i = 0; i < target; ++i) {
    if (live_[static_cast<size_t>(i)]) continue;
    live_[static_cast<size_t>(i)] = true;
    auto done = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back({std::thread([this, i, done] {
                          UserLoop(i);
                          *done = true;
                        }),
                        done});
  }
  ReapLocked();
}

void Runner::ReapLocked() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void Runner::UserLoop(int index) {
  UserContext user(options_, options_.seed * 1000003 + static_cast<uint64_t>(index));
  active_.fetch_add(1);
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_ || index >= target_users_.load()) {
        live_[static_cast<size_t>(index)] = false;
        break;
      }
    }
    RunJourney(user, Clock::now());
  }
  active_.fetch_sub(1);
}

void Runner::ArrivalLoop() {
  // Arrivals are scheduled on a fixed grid at the current rate; the schedule, not the send
  // time, is the start of each journey's first request.
  auto next = Clock::now();
  uint64_t n = 0;
  while (!stopping_) {
    double rate = target_rate_.load();
    if (rate <= 0) {
      if (!SleepFor(std::chrono::milliseconds(50))) break;
      next = Clock::now();
      continue;
    }
    auto now = Clock::now();
    if (next > now && !SleepFor(next - now)) break;
    auto scheduled = next;
    next += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
    if (journeys_in_flight_.load() >= options_.max_concurrent_journeys) {
      // Over the bound: the arrival is dropped and counted as an error of the first step.
      stats_->Record(0, ErrorKind::kOther, 0, 0);
      continue;
    }
    journeys_in_flight_.fetch_add(1);
    active_.fetch_add(1);
    uint64_t seed = options_.seed * 7919 + n++;
    std::lock_guard lock(mu_);
    auto done = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back({std::thread([this, seed, scheduled, done] {
                          UserContext user(options_, seed);
                          RunJourney(user, scheduled);
                          active_.fetch_sub(1);
                          journeys_in_flight_.fetch_sub(1);
                          *done = true;
                        }),
                        done});
    if (workers_.size() % 64 == 0) ReapLocked();
  }
}

void Runner::RunJourney(UserContext& user, Clock::time_point scheduled) {
  const auto& journeys = options_.scenario.journeys;
  std::discrete_distribution<size_t> pick_journey(journey_weights_.begin(), journey_weights_.end());
  const Journey& j = journeys[pick_journey(user.rng)];
  std::uniform_real_distribution<double> unit(0, 1);
  bool first = true;
  for (const Step& step : j.steps) {
    if (stopping_) return;
    if (step.probability < 1 && unit(user.rng) >= step.probability) continue;
    int reps = step.repeat_min;
    if (step.repeat_max > step.repeat_min) {
      reps = std::uniform_int_distribution<int>(step.repeat_min, step.repeat_max)(user.rng);
    }
    size_t step_index = stats_->StepIndex(step.name);
    for (int rep = 0; rep < reps && !stopping_; ++rep) {
      auto path = Expand(step.path, user.vars, user.rng);
      if (!path.ok()) break;  // nothing captured yet (e.g. an empty gallery): skip the step
      net::ClientRequest req;
      req.method = step.method;
      req.url = options_.target + *path;
      for (const auto& [k, v] : options_.scenario.headers) req.headers.Set(k, v);
      for (const auto& [k, v] : step.headers) req.headers.Set(k, v);
      if (step.generated_image_body) {
        req.body = MakePng(user.rng(), 64 + static_cast<int>(user.rng() % 64), 48);
        req.headers.Set("Content-Type", "image/png");
      } else if (!step.body.empty()) {
        auto body = Expand(step.body, user.vars, user.rng);
        if (!body.ok()) break;
        req.body = std::move(body).value();
      }
      auto sent = Clock::now();
      auto resp = user.client.Do(req);
      auto done = Clock::now();
      // Coordinated omission: the open model's first request counts from its scheduled start.
      auto from = first && options_.rate > 0 ? std::min(scheduled, sent) : sent;
      first = false;
      uint64_t micros = static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(done - from).count());
      ErrorKind kind = ErrorKind::kNone;
      int status = 0;
      if (!resp.ok()) {
        switch (resp.error().code()) {
          case ErrorCode::kUnavailable:
            kind = ErrorKind::kConnect;
            break;
          case ErrorCode::kTimeout:
            kind = ErrorKind::kTimeout;
            break;
          default:
            kind = ErrorKind::kOther;
        }
      } else {
        status = resp->status;
        if (status >= 400) kind = ErrorKind::kHttpStatus;
      }
      stats_->Record(step_index, kind, status, micros);
      if (observer_) observer_(step.name, status, kind, static_cast<double>(micros) / 1e6);
      if (resp.ok() && status < 400) {
        for (const auto& cap : step.captures) {
          std::vector<std::string> values;
          if (!cap.json_path.empty()) {
            auto v = JsonCapture(resp->body, cap.json_path);
            if (v.ok()) values = std::move(v).value();
          } else {
            std::string m;
            if (RE2::PartialMatch(resp->body, cap.regex, &m)) values.push_back(m);
          }
          if (!values.empty()) user.vars[cap.var] = std::move(values);
        }
      }
      if (options_.scenario.think_time_mean_s > 0) {
        std::exponential_distribution<double> think(1.0 / options_.scenario.think_time_mean_s);
        if (!SleepFor(std::chrono::duration<double>(std::min(think(user.rng), 60.0)))) return;
      }
    }
  }
}

void Runner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

void Runner::Wait() {
  if (control_.joinable()) control_.join();
  if (options_.duration.count() == 0) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stopping_.load(); });
  }
  if (arrivals_.joinable()) arrivals_.join();
  std::vector<Worker> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (auto& w : workers) {
    if (w.thread.joinable()) w.thread.join();
  }
  running_ = false;
}

}  // namespace vigie::load
