// What the emulated users saw, per step and in total: requests, latency, errors by kind.
// Recording is lock-free (atomics), so every user thread records directly.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "load/latency_histogram.h"

namespace vigie::load {

enum class ErrorKind { kNone, kConnect, kTimeout, kHttpStatus, kOther };

struct StepStats {
  std::string name;
  LatencyHistogram latency;  // every completed exchange (any status)
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> connect_errors{0};
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> other_errors{0};
  // HTTP statuses 100..599 (index = status).
  std::array<std::atomic<uint64_t>, 600> statuses{};

  uint64_t http_errors() const;  // statuses >= 400
  uint64_t errors() const { return connect_errors + timeouts + other_errors + http_errors(); }
};

class Stats {
 public:
  explicit Stats(const std::vector<std::string>& step_names);
  // `status` is the HTTP status when kind is kNone or kHttpStatus.
  void Record(size_t step, ErrorKind kind, int status, uint64_t micros);
  const std::vector<std::unique_ptr<StepStats>>& steps() const { return steps_; }
  const StepStats& total() const { return total_; }
  size_t StepIndex(const std::string& name) const;

 private:
  std::vector<std::unique_ptr<StepStats>> steps_;
  std::map<std::string, size_t> index_;
  StepStats total_;
};

}  // namespace vigie::load
