#include "instrument/gauge.h"

#include <chrono>

namespace vigie::instrument {

void Gauge::SetToCurrentTime() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  Set(std::chrono::duration<double>(since_epoch).count());
}

GaugeFamily::GaugeFamily(FamilyDesc desc)
    : Family(std::move(desc), [] { return std::make_unique<Gauge>(); }) {}

void GaugeFamily::Emit(SampleSink& sink) const {
  sink.BeginFamily(desc());
  ForEach([&](const Labels& labels, const Gauge& g) {
    sink.Sample(name(), labels, {}, {}, g.Value());
  });
}

void CallbackGauge::Emit(SampleSink& sink) const {
  sink.BeginFamily(desc());
  sink.Sample(name(), desc().const_labels, {}, {}, read_());
}

}  // namespace vigie::instrument
