// Counter: a value that only goes up (requests served, bytes sent). Resets only when the
// process restarts; PromQL's rate() handles that.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "instrument/family.h"

namespace vigie::instrument {

// One counter series. Updates are relaxed atomic adds: lock-free and safe from any thread.
class alignas(64) Counter final : public ChildBase {
 public:
  void Inc() { whole_.fetch_add(1, std::memory_order_relaxed); }
  // Adds `v`. Negative and NaN increments are rejected (false, value unchanged): a counter
  // never goes down. Whole numbers take the integer path, others a compare-and-swap.
  bool Add(double v);
  double Value() const;

 private:
  std::atomic<uint64_t> whole_{0};
  std::atomic<double> fraction_{0};
};

class CounterFamily final : public Family<Counter> {
 public:
  explicit CounterFamily(FamilyDesc desc);
  void Emit(SampleSink& sink) const override;
};

// A counter whose value is read at collect time (e.g. a total kept by another library).
// `read` must be thread-safe and must not call into the registry.
class CallbackCounter final : public Collectable {
 public:
  CallbackCounter(FamilyDesc desc, std::function<double()> read)
      : Collectable(std::move(desc)), read_(std::move(read)) {}
  void Emit(SampleSink& sink) const override;

 private:
  std::function<double()> read_;
};

}  // namespace vigie::instrument
