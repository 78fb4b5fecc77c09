#include "instrument/counter.h"

#include <cmath>

namespace vigie::instrument {

static_assert(std::atomic<double>::is_always_lock_free, "double atomics must be lock-free");

bool Counter::Add(double v) {
  if (!(v >= 0)) return false;  // negative or NaN
  // Whole increments below 2^53 are exact as integers; the integer add never retries.
  if (v < 9007199254740992.0 && v == std::trunc(v)) {
    whole_.fetch_add(static_cast<uint64_t>(v), std::memory_order_relaxed);
  } else {
    fraction_.fetch_add(v, std::memory_order_relaxed);
  }
  return true;
}

double Counter::Value() const {
  return static_cast<double>(whole_.load(std::memory_order_relaxed)) +
         fraction_.load(std::memory_order_relaxed);
}

CounterFamily::CounterFamily(FamilyDesc desc)
    : Family(std::move(desc), [] { return std::make_unique<Counter>(); }) {}

void CounterFamily::Emit(SampleSink& sink) const {
  sink.BeginFamily(desc());
  ForEach([&](const Labels& labels, const Counter& c) {
    sink.Sample(name(), labels, {}, {}, c.Value());
  });
}

void CallbackCounter::Emit(SampleSink& sink) const {
  sink.BeginFamily(desc());
  sink.Sample(name(), desc().const_labels, {}, {}, read_());
}

}  // namespace vigie::instrument
