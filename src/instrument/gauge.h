// Gauge: a value that goes up and down (queue length, memory in use, temperature).
#pragma once

#include <atomic>
#include <functional>

#include "instrument/family.h"

namespace vigie::instrument {

// One gauge series. Set is a relaxed store; Add/Inc/Dec are a compare-and-swap on the double:
// lock-free and safe from any thread.
class alignas(64) Gauge final : public ChildBase {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  void Sub(double v) { value_.fetch_sub(v, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  // Sets the gauge to the current Unix time in seconds (with sub-second fraction).
  void SetToCurrentTime();
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class GaugeFamily final : public Family<Gauge> {
 public:
  explicit GaugeFamily(FamilyDesc desc);
  void Emit(SampleSink& sink) const override;
};

// A gauge whose value is computed at collect time (e.g. the size of a cache).
// `read` must be thread-safe and must not call into the registry.
class CallbackGauge final : public Collectable {
 public:
  CallbackGauge(FamilyDesc desc, std::function<double()> read)
      : Collectable(std::move(desc)), read_(std::move(read)) {}
  void Emit(SampleSink& sink) const override;

 private:
  std::function<double()> read_;
};

}  // namespace vigie::instrument
