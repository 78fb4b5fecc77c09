// An in-memory storage::Appendable for scrape tests: keeps every committed sample per series,
// rejects out-of-order and duplicate samples like the TSDB (same errors), thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/appender.h"
#include "storage/value.h"

namespace vigie::scrape::testing {

class FakeStorage : public storage::Appendable {
 public:
  struct Series {
    Labels labels;
    std::vector<storage::Sample> samples;
  };

  std::unique_ptr<storage::Appender> NewAppender() override;

  // Committed samples of the series whose labels print as `key` (Labels::ToString()).
  std::vector<storage::Sample> Samples(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = series_.find(key);
    return it == series_.end() ? std::vector<storage::Sample>{} : it->second.samples;
  }
  // Every series key containing `substr`.
  std::vector<std::string> Keys(const std::string& substr = "") const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [k, s] : series_) {
      if (k.find(substr) != std::string::npos) out.push_back(k);
    }
    return out;
  }
  // Last committed value of the series, or nullopt.
  std::optional<double> Last(const std::string& key) const {
    auto s = Samples(key);
    if (s.empty()) return std::nullopt;
    return s.back().v;
  }
  // Like a head garbage collection: every ref handed out so far becomes unknown.
  void ForgetRefs() {
    std::lock_guard lock(mu_);
    refs_.clear();
    key_refs_.clear();
  }
  size_t commits() const {
    std::lock_guard lock(mu_);
    return commits_;
  }
  size_t total_samples() const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& [k, s] : series_) n += s.samples.size();
    return n;
  }

 private:
  friend class FakeAppender;
  mutable std::mutex mu_;
  std::map<std::string, Series> series_;
  std::map<storage::SeriesRef, std::string> refs_;
  std::map<std::string, storage::SeriesRef> key_refs_;
  storage::SeriesRef next_ref_ = 1;
  size_t commits_ = 0;
};

class FakeAppender : public storage::Appender {
 public:
  explicit FakeAppender(FakeStorage* s) : s_(s) {}
  Result<storage::SeriesRef> Append(storage::SeriesRef ref, const Labels& labels, TimestampMs t,
                                    double v) override {
    std::lock_guard lock(s_->mu_);
    std::string key;
    if (ref != 0) {
      auto it = s_->refs_.find(ref);
      if (it != s_->refs_.end()) key = it->second;
    }
    if (key.empty()) {
      if (labels.empty()) return InvalidArgument("empty label set");
      if (Status st = ValidateLabels(labels); !st.ok()) return st.error();
      key = labels.ToString();
    }
    // Compare with the last committed or pending sample of the series.
    std::optional<storage::Sample> last;
    if (auto it = s_->series_.find(key); it != s_->series_.end() && !it->second.samples.empty()) {
      last = it->second.samples.back();
    }
    for (const auto& p : pending_) {
      if (p.key == key) last = storage::Sample{p.t, p.v};
    }
    if (last) {
      if (t < last->t) return Error(ErrorCode::kOutOfRange, storage::kErrOutOfOrderSample);
      if (t == last->t && std::bit_cast<uint64_t>(v) != std::bit_cast<uint64_t>(last->v)) {
        return Error(ErrorCode::kAlreadyExists, storage::kErrDuplicateSampleForTimestamp);
      }
      if (t == last->t) return FindRef(key);
    }
    pending_.push_back({key, labels, t, v});
    return FindRef(key);
  }
  Status Commit() override {
    std::lock_guard lock(s_->mu_);
    for (auto& p : pending_) {
      auto& series = s_->series_[p.key];
      if (series.labels.empty()) series.labels = p.labels.empty() ? Labels{} : p.labels;
      series.samples.push_back({p.t, p.v});
    }
    pending_.clear();
    ++s_->commits_;
    return OkStatus();
  }
  Status Rollback() override {
    pending_.clear();
    return OkStatus();
  }

 private:
  storage::SeriesRef FindRef(const std::string& key) {
    auto it = s_->key_refs_.find(key);
    if (it != s_->key_refs_.end()) return it->second;
    const storage::SeriesRef ref = s_->next_ref_++;
    s_->refs_[ref] = key;
    s_->key_refs_[key] = ref;
    return ref;
  }
  struct Pending {
    std::string key;
    Labels labels;
    TimestampMs t;
    double v;
  };
  FakeStorage* s_;
  std::vector<Pending> pending_;
};

inline std::unique_ptr<storage::Appender> FakeStorage::NewAppender() {
  return std::make_unique<FakeAppender>(this);
}

}  // namespace vigie::scrape::testing
