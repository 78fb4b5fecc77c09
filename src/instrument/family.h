// A metric family: one name, one type, fixed label names, and one child per distinct set of
// label values. Children are resolved once (WithLabelValues) and then updated lock-free.
//
// Threading: every method is safe from any thread. Lookup takes a shared lock on a hash of
// the label values; creating or removing a child takes the exclusive lock. A child reference
// stays valid until that child is removed (Remove/Clear) or the family is destroyed.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/result.h"
#include "expfmt/metric_family.h"

namespace vigie::instrument {

// What a caller says about a metric when registering it.
struct MetricOpts {
  // Full metric name. Counters are exposed as <name>_total: "_total" is appended when missing.
  std::string name{};
  std::string help{};
  // Variable labels, in the order WithLabelValues takes their values.
  std::vector<std::string> label_names{};
  // Fixed labels added to every series of the family.
  Labels const_labels{};
  // Optional OpenMetrics unit (e.g. "seconds"); the name must then end in "_<unit>".
  std::string unit{};
};

// A validated MetricOpts plus the names the family is exposed under.
struct FamilyDesc {
  std::string name;         // metadata name in text 0.0.4 (counters: ends in _total)
  std::string family_name;  // name without type suffix (counters: without _total)
  expfmt::MetricType type = expfmt::MetricType::kUnknown;
  std::string help;
  std::string unit;
  std::vector<std::string> label_names;
  Labels const_labels;
};

// Checks names and labels of `opts` for a family of `type`; errors name the metric and
// what is wrong. Label names reserved by the type (histograms: "le") are rejected.
Result<FamilyDesc> MakeFamilyDesc(MetricOpts opts, expfmt::MetricType type);

// Receives a family's samples at collect time. `labels` never holds __name__; the extra pair
// (e.g. le="0.5") comes after them when `extra_name` is not empty.
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual bool openmetrics() const = 0;
  virtual void BeginFamily(const FamilyDesc& desc) = 0;
  virtual void Sample(std::string_view name, const Labels& labels, std::string_view extra_name,
                      std::string_view extra_value, double value) = 0;
};

// Anything the registry can expose.
class Collectable {
 public:
  explicit Collectable(FamilyDesc desc) : desc_(std::move(desc)) {}
  virtual ~Collectable() = default;
  Collectable(const Collectable&) = delete;
  Collectable& operator=(const Collectable&) = delete;

  const FamilyDesc& desc() const { return desc_; }
  const std::string& name() const { return desc_.name; }
  const std::string& family_name() const { return desc_.family_name; }
  expfmt::MetricType type() const { return desc_.type; }

  // Writes the family (BeginFamily, then every sample) into `sink`.
  virtual void Emit(SampleSink& sink) const = 0;

 private:
  FamilyDesc desc_;
};

// Base of Counter, Gauge and Histogram children; owned by their family.
class ChildBase {
 public:
  virtual ~ChildBase() = default;
};

// The untyped part of Family<Child>: the child index and its lock.
class FamilyBase : public Collectable {
 public:
  ~FamilyBase() override;

  const std::vector<std::string>& label_names() const { return desc().label_names; }
  // Number of exported children.
  size_t size() const;

  // Drops the child with these label values; false when there is none. References to it
  // become invalid: callers that cached it must not use it afterwards.
  bool Remove(std::span<const std::string_view> values);
  bool Remove(std::initializer_list<std::string_view> values) {
    return Remove(std::span<const std::string_view>(values.begin(), values.size()));
  }
  // Drops all children (a family without label names gets its single child back at 0).
  void Clear();

 protected:
  FamilyBase(FamilyDesc desc, std::function<std::unique_ptr<ChildBase>()> make_child);

  // Never fails: wrong value count gives a detached child that is never exported (and logs a
  // warning once per family); invalid UTF-8 in a value is replaced by U+FFFD.
  ChildBase& Lookup(std::span<const std::string_view> values);
  // Strict variant for values that come from outside: errors on wrong count or bad UTF-8.
  Result<ChildBase*> TryLookup(std::span<const std::string_view> values);
  // Calls `fn` for each exported child in label-value order, under the shared lock.
  void ForEachChild(const std::function<void(const Labels&, const ChildBase&)>& fn) const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
  std::function<std::unique_ptr<ChildBase>()> make_child_;
  std::atomic<bool> warned_{false};
};

template <typename Child>
class Family : public FamilyBase {
 public:
  // The child for these label values (in label_names order), created at 0 on first use.
  Child& WithLabelValues(std::span<const std::string_view> values) {
    return static_cast<Child&>(Lookup(values));
  }
  Child& WithLabelValues(std::initializer_list<std::string_view> values) {
    return WithLabelValues(std::span<const std::string_view>(values.begin(), values.size()));
  }
  Child& WithLabelValues(const std::vector<std::string>& values) {
    std::vector<std::string_view> views(values.begin(), values.end());
    return WithLabelValues(std::span<const std::string_view>(views));
  }
  // The child of a family without label names.
  Child& Get() { return WithLabelValues(std::span<const std::string_view>()); }

  // Like WithLabelValues, but an error for a wrong number of values or invalid UTF-8.
  Result<Child*> TryWithLabelValues(std::span<const std::string_view> values) {
    Result<ChildBase*> r = TryLookup(values);
    if (!r.ok()) return r.error();
    return static_cast<Child*>(*r);
  }

 protected:
  Family(FamilyDesc desc, std::function<std::unique_ptr<ChildBase>()> make_child)
      : FamilyBase(std::move(desc), std::move(make_child)) {}

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    ForEachChild([&fn](const Labels& labels, const ChildBase& child) {
      fn(labels, static_cast<const Child&>(child));
    });
  }
};

}  // namespace vigie::instrument
