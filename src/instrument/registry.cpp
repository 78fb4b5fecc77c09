#include "instrument/registry.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/log.h"
#include "expfmt/writer.h"

namespace vigie::instrument {
namespace {

constexpr std::string_view kTotal = "_total";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Every name a family's samples or metadata use, so two families cannot collide in output
// (gauge "foo_total" next to counter "foo", gauge "bar_count" next to histogram "bar").
std::vector<std::string> ExposedNames(const FamilyDesc& d) {
  std::vector<std::string> names = {d.family_name};
  if (d.name != d.family_name) names.push_back(d.name);
  if (d.type == expfmt::MetricType::kHistogram) {
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      names.push_back(d.family_name + suffix);
  }
  return names;
}

// Sort and merge key of a collected family: counters without _total, like FamilyDesc.
std::string_view CollectedKey(const expfmt::MetricFamily& f) {
  std::string_view name = f.name;
  if (f.type == expfmt::MetricType::kCounter && EndsWith(name, kTotal)) {
    name.remove_suffix(kTotal.size());
  }
  return name;
}

class WriterSink final : public SampleSink {
 public:
  WriterSink(expfmt::Format format, std::string* out)
      : writer_(format, out), openmetrics_(format == expfmt::Format::kOpenMetrics1) {}
  bool openmetrics() const override { return openmetrics_; }
  void BeginFamily(const FamilyDesc& d) override {
    writer_.BeginFamily(d.name, d.type, d.help, d.unit);
  }
  void Sample(std::string_view name, const Labels& labels, std::string_view extra_name,
              std::string_view extra_value, double value) override {
    writer_.WriteSample(name, labels, extra_name, extra_value, value);
  }
  expfmt::Writer& writer() { return writer_; }

 private:
  expfmt::Writer writer_;
  bool openmetrics_;
};

class FamilySink final : public SampleSink {
 public:
  explicit FamilySink(std::vector<expfmt::MetricFamily>* out) : out_(out) {}
  bool openmetrics() const override { return false; }
  void BeginFamily(const FamilyDesc& d) override {
    expfmt::MetricFamily& f = out_->emplace_back();
    f.name = d.family_name;
    f.type = d.type;
    f.help = d.help;
    f.unit = d.unit;
  }
  void Sample(std::string_view name, const Labels& labels, std::string_view extra_name,
              std::string_view extra_value, double value) override {
    std::vector<Label> all;
    all.reserve(labels.size() + 2);
    all.push_back({std::string(kMetricNameLabel), std::string(name)});
    all.insert(all.end(), labels.begin(), labels.end());
    if (!extra_name.empty()) all.push_back({std::string(extra_name), std::string(extra_value)});
    out_->back().samples.push_back({Labels::FromUnsorted(std::move(all)), value, std::nullopt});
  }

 private:
  std::vector<expfmt::MetricFamily>* out_;
};

}  // namespace

struct Registry::State {
  std::map<std::string, std::unique_ptr<Collectable>, std::less<>> families;  // by family_name
  std::set<std::string, std::less<>> taken;  // ExposedNames of all families
  struct CollectorEntry {
    Collector* collector;
    std::unique_ptr<Collector> owned;
  };
  std::vector<CollectorEntry> collectors;
  std::set<std::string, std::less<>> warned;  // collected names already reported as dropped
};

Registry::Registry() : state_(std::make_unique<State>()) {}
Registry::~Registry() = default;

template <typename F>
Result<F*> Registry::Add(std::unique_ptr<F> family) {
  std::vector<std::string> names = ExposedNames(family->desc());
  std::unique_lock lock(mu_);
  for (const std::string& n : names) {
    if (state_->taken.count(n)) {
      return Error(ErrorCode::kAlreadyExists, "metric " + family->name() +
                                                  " is already registered (name " + n +
                                                  " is taken by another family)");
    }
  }
  state_->taken.insert(names.begin(), names.end());
  F* raw = family.get();
  state_->families.emplace(family->family_name(), std::move(family));
  return raw;
}

Result<CounterFamily*> Registry::RegisterCounter(MetricOpts opts) {
  VIGIE_ASSIGN_OR_RETURN(FamilyDesc d,
                         MakeFamilyDesc(std::move(opts), expfmt::MetricType::kCounter));
  return Add(std::make_unique<CounterFamily>(std::move(d)));
}

Result<GaugeFamily*> Registry::RegisterGauge(MetricOpts opts) {
  VIGIE_ASSIGN_OR_RETURN(FamilyDesc d, MakeFamilyDesc(std::move(opts), expfmt::MetricType::kGauge));
  return Add(std::make_unique<GaugeFamily>(std::move(d)));
}

Result<HistogramFamily*> Registry::RegisterHistogram(MetricOpts opts, std::vector<double> buckets) {
  std::string name = opts.name;
  VIGIE_ASSIGN_OR_RETURN(FamilyDesc d,
                         MakeFamilyDesc(std::move(opts), expfmt::MetricType::kHistogram));
  Result<std::vector<double>> bounds = CheckBuckets(std::move(buckets));
  if (!bounds.ok()) return bounds.error().Wrap("metric " + name);
  return Add(std::make_unique<HistogramFamily>(std::move(d), std::move(*bounds)));
}

Status Registry::RegisterCallbackCounter(MetricOpts opts, std::function<double()> read) {
  if (!opts.label_names.empty()) {
    return InvalidArgument("callback counter " + opts.name +
                           ": label_names must be empty (use a Collector for labelled values)");
  }
  VIGIE_ASSIGN_OR_RETURN(FamilyDesc d,
                         MakeFamilyDesc(std::move(opts), expfmt::MetricType::kCounter));
  Result<CallbackCounter*> r =
      Add(std::make_unique<CallbackCounter>(std::move(d), std::move(read)));
  if (!r.ok()) return r.error();
  return OkStatus();
}

Status Registry::RegisterCallbackGauge(MetricOpts opts, std::function<double()> read) {
  if (!opts.label_names.empty()) {
    return InvalidArgument("callback gauge " + opts.name +
                           ": label_names must be empty (use a Collector for labelled values)");
  }
  VIGIE_ASSIGN_OR_RETURN(FamilyDesc d, MakeFamilyDesc(std::move(opts), expfmt::MetricType::kGauge));
  Result<CallbackGauge*> r = Add(std::make_unique<CallbackGauge>(std::move(d), std::move(read)));
  if (!r.ok()) return r.error();
  return OkStatus();
}

bool Registry::Unregister(std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = state_->families.find(name);
  if (it == state_->families.end() && EndsWith(name, kTotal)) {
    it = state_->families.find(name.substr(0, name.size() - kTotal.size()));
    if (it != state_->families.end() && it->second->type() != expfmt::MetricType::kCounter) {
      it = state_->families.end();
    }
  }
  if (it == state_->families.end()) return false;
  for (const std::string& n : ExposedNames(it->second->desc())) state_->taken.erase(n);
  state_->families.erase(it);
  return true;
}

Status Registry::RegisterCollector(std::unique_ptr<Collector> collector) {
  Collector* raw = collector.get();
  return AddCollector(raw, std::move(collector));
}

Status Registry::RegisterCollector(Collector* collector) {
  return AddCollector(collector, nullptr);
}

Status Registry::AddCollector(Collector* collector, std::unique_ptr<Collector> owned) {
  if (!collector) return InvalidArgument("RegisterCollector: null collector");
  std::unique_lock lock(mu_);
  for (const auto& e : state_->collectors) {
    if (e.collector == collector) {
      return Error(ErrorCode::kAlreadyExists, "collector is already registered");
    }
  }
  state_->collectors.push_back({collector, std::move(owned)});
  return OkStatus();
}

bool Registry::UnregisterCollector(Collector* collector) {
  std::unique_ptr<Collector> owned;  // destroyed after the lock is released
  std::unique_lock lock(mu_);
  auto& cs = state_->collectors;
  auto it =
      std::find_if(cs.begin(), cs.end(), [&](const auto& e) { return e.collector == collector; });
  if (it == cs.end()) return false;
  owned = std::move(it->owned);
  cs.erase(it);
  return true;
}

std::vector<expfmt::MetricFamily> Registry::CollectFromCollectors() const {
  std::vector<expfmt::MetricFamily> raw;
  raw.reserve(last_collected_families_.load(std::memory_order_relaxed));
  for (const auto& e : state_->collectors) e.collector->Collect(&raw);
  last_collected_families_.store(raw.size(), std::memory_order_relaxed);
  if (raw.empty()) return raw;
  // Sorted by position (families are large to move), stable: collectors keep their order.
  std::vector<uint32_t> order(raw.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&raw](uint32_t a, uint32_t b) {
    return CollectedKey(raw[a]) < CollectedKey(raw[b]);
  });
  auto warn_once = [this](std::string_view name, std::string_view why) {
    if (state_->warned.insert(std::string(name)).second) {
      log::Warn("dropping collected metric family", {{"metric", name}, {"reason", why}});
    }
  };
  std::vector<expfmt::MetricFamily> out;
  out.reserve(raw.size());
  for (uint32_t i : order) {
    auto& f = raw[i];
    std::string_view key = CollectedKey(f);
    if (state_->taken.count(key)) {
      warn_once(f.name, "name taken by a registered metric");
      continue;
    }
    if (!out.empty() && CollectedKey(out.back()) == key) {
      if (out.back().type != f.type) {
        warn_once(f.name, "another collector exposes it with a different type");
        continue;
      }
      auto& samples = out.back().samples;
      samples.insert(samples.end(), std::make_move_iterator(f.samples.begin()),
                     std::make_move_iterator(f.samples.end()));
      out.back().encoded_samples.append(f.encoded_samples);
      continue;
    }
    out.push_back(std::move(f));
  }
  return out;
}

void Registry::EmitAll(SampleSink& sink, std::vector<expfmt::MetricFamily>* collected,
                       const std::function<void(expfmt::MetricFamily&)>& write_collected) const {
  auto c = collected->begin();
  for (const auto& [name, family] : state_->families) {
    while (c != collected->end() && CollectedKey(*c) < std::string_view(name)) {
      write_collected(*c++);
    }
    family->Emit(sink);
  }
  while (c != collected->end()) write_collected(*c++);
}

std::vector<expfmt::MetricFamily> Registry::Collect() const {
  std::lock_guard collect_lock(collect_mu_);
  std::shared_lock lock(mu_);
  std::vector<expfmt::MetricFamily> collected = CollectFromCollectors();
  // Callers of Collect() read samples: pre-encoded ones are parsed back.
  for (auto& f : collected) {
    if (auto st = expfmt::ExpandEncodedSamples(&f); !st.ok()) {
      log::Warn("dropping unparsable encoded samples",
                {{"metric", f.name}, {"err", st.error().message()}});
      f.encoded_samples.clear();
    }
  }
  std::vector<expfmt::MetricFamily> out;
  out.reserve(state_->families.size() + collected.size());
  FamilySink sink(&out);
  EmitAll(sink, &collected, [&out](expfmt::MetricFamily& f) { out.push_back(std::move(f)); });
  return out;
}

void Registry::RenderTo(expfmt::Format format, std::string* out) const {
  std::lock_guard collect_lock(collect_mu_);
  std::shared_lock lock(mu_);
  std::vector<expfmt::MetricFamily> collected = CollectFromCollectors();
  const size_t start = out->size();
  const size_t expected = last_render_bytes_.load(std::memory_order_relaxed);
  out->reserve(start + expected + expected / 8);
  WriterSink sink(format, out);
  EmitAll(sink, &collected, [&sink](expfmt::MetricFamily& f) { sink.writer().WriteFamily(f); });
  sink.writer().Finish();
  last_render_bytes_.store(out->size() - start, std::memory_order_relaxed);
}

std::string Registry::Render(expfmt::Format format) const {
  std::string out;
  RenderTo(format, &out);
  return out;
}

Registry::Rendered Registry::RenderForAccept(std::string_view accept_header) const {
  expfmt::Format format = expfmt::NegotiateFormat(accept_header);
  return {Render(format), expfmt::ContentType(format)};
}

}  // namespace vigie::instrument
