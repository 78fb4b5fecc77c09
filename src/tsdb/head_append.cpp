// Appending to the head: validation at Append, WAL logging and application at Commit.
#include <bit>

#include "tsdb/head.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/wal.h"

namespace vigie::tsdb {

class HeadAppender final : public storage::Appender {
 public:
  HeadAppender(Head* head, int64_t min_valid) : h_(head), min_valid_(min_valid) {
    h_->metrics_->active_appenders.Add(1);
  }
  ~HeadAppender() override {
    Unpin();
    h_->metrics_->active_appenders.Add(-1);
  }

  Result<storage::SeriesRef> Append(storage::SeriesRef ref, const Labels& labels, TimestampMs t,
                                    double v) override {
    if (t < min_valid_) {
      h_->metrics_->out_of_bounds.Add();
      return Error(ErrorCode::kOutOfRange, storage::kErrOutOfBounds);
    }
    // By ref (the scrape cache's way): one lock-free lookup and one series lock for the check
    // and the pin together.
    MemSeries* s = nullptr;
    Verdict verdict = Verdict::kAppend;
    if (ref != 0) {
      h_->WithSeries(ref, [&](MemSeries& ms) {
        s = &ms;
        verdict = Admit(ms, t, v);
        if (verdict == Verdict::kAppend) ++ms.pending_commits;
      });
    }
    if (s == nullptr) {
      if (labels.empty()) return InvalidArgument("empty label set");
      VIGIE_ASSIGN_OR_RETURN(s, h_->GetOrCreate(labels, labels.Hash(), /*pin=*/true));
      std::lock_guard sl(h_->SeriesLock(s->ref));
      verdict = Admit(*s, t, v);
      if (verdict != Verdict::kAppend) --s->pending_commits;
    }
    switch (verdict) {
      case Verdict::kAppend:
        samples_.push_back({s, t, v});
        return s->ref;
      case Verdict::kSilentDuplicate:
        return s->ref;
      case Verdict::kOutOfOrder:
        h_->metrics_->out_of_order.Add();
        return Error(ErrorCode::kOutOfRange, storage::kErrOutOfOrderSample);
      case Verdict::kDuplicate:
        break;
    }
    h_->metrics_->duplicates.Add();
    return Error(ErrorCode::kAlreadyExists, storage::kErrDuplicateSampleForTimestamp);
  }

  Status Commit() override {
    if (samples_.empty()) return OkStatus();
    if (h_->wal_ != nullptr) {
      refs_.clear();
      refs_.reserve(samples_.size());
      for (const auto& p : samples_) refs_.push_back({p.s->ref, p.t, p.v});
      buf_.clear();
      wal::EncodeSamples(refs_, &buf_);
      if (auto st = h_->wal_->Log(buf_, /*flush=*/true); !st.ok()) {
        Unpin();
        return st.error().Wrap("commit");
      }
    }
    int64_t mint = std::numeric_limits<int64_t>::max();
    int64_t maxt = std::numeric_limits<int64_t>::min();
    uint64_t appended = 0;
    for (const auto& p : samples_) {
      std::lock_guard sl(h_->SeriesLock(p.s->ref));
      --p.s->pending_commits;
      if (p.t > p.s->max_time) {
        h_->AppendLocked(p.s, p.t, p.v);
        ++appended;
        mint = std::min(mint, p.t);
        maxt = std::max(maxt, p.t);
      } else if (p.t < p.s->max_time || std::bit_cast<uint64_t>(p.v) != p.s->app.v_bits) {
        h_->metrics_->out_of_order.Add();  // out of order within this batch
      }
    }
    samples_.clear();
    if (appended > 0) {
      h_->UpdateMinMax(mint, maxt);
      h_->metrics_->samples_appended.Add(appended);
    }
    return OkStatus();
  }

  Status Rollback() override {
    Unpin();
    return OkStatus();
  }

 private:
  enum class Verdict { kAppend, kSilentDuplicate, kOutOfOrder, kDuplicate };
  // Whether (t, v) can follow the series' newest sample; under its series lock.
  static Verdict Admit(const MemSeries& s, int64_t t, double v) {
    if (t > s.max_time) return Verdict::kAppend;
    if (t < s.max_time) return Verdict::kOutOfOrder;
    // The same sample again is silently accepted (as Prometheus), another value is not.
    return std::bit_cast<uint64_t>(v) == s.app.v_bits ? Verdict::kSilentDuplicate
                                                      : Verdict::kDuplicate;
  }

  struct Pending {
    MemSeries* s;
    int64_t t;
    double v;
  };

  void Unpin() {
    for (const auto& p : samples_) {
      std::lock_guard sl(h_->SeriesLock(p.s->ref));
      --p.s->pending_commits;
    }
    samples_.clear();
  }

  Head* h_;
  int64_t min_valid_;
  std::vector<Pending> samples_;
  std::vector<wal::RefSample> refs_;
  std::string buf_;
};

std::unique_ptr<storage::Appender> Head::NewAppender() {
  // Like Prometheus: no sample older than half a chunk range behind the newest one, and none
  // inside a range already written to a block.
  int64_t min_valid = MinValidTime();
  int64_t maxt = MaxTime();
  if (maxt != std::numeric_limits<int64_t>::min()) {
    min_valid = std::max(min_valid, maxt - opts_.chunk_range_ms / 2);
  }
  return std::make_unique<HeadAppender>(this, min_valid);
}

}  // namespace vigie::tsdb
