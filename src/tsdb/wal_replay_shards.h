// Applies replayed WAL series and samples to the head on several threads. Series records are
// applied on the caller's thread, which also resolves each sample's ref to its series; samples
// then go to the shard that owns their series, so each series is appended to by one thread,
// without locks, in WAL order, while the caller reads and decodes the next records.
// Internal to tsdb/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "tsdb/head.h"
#include "tsdb/wal/records.h"

namespace vigie::tsdb {

class ReplayShards {
 public:
  // `shards` threads (at most 64; 1 applies on the caller's thread).
  ReplayShards(Head* head, size_t shards);
  ~ReplayShards();  // Finish()es
  ReplayShards(const ReplayShards&) = delete;

  // The number of shards for this machine: one per CPU, at most 8.
  static size_t DefaultShards();

  // Hands a decoded record's contents over (the vectors are emptied, their capacity kept).
  void AddSeries(std::vector<wal::RefSeries>* series);
  void AddSamples(std::vector<wal::RefSample>* samples);
  // Applies everything handed over and stops the threads. Idempotent.
  void Finish();
  // Series records whose labels an earlier record had already created under another ref.
  uint64_t duplicate_series() const { return duplicates_; }

 private:
  class Worker;
  MemSeries* Find(uint64_t ref) const;

  Head* const head_;
  std::vector<std::unique_ptr<Worker>> workers_;
  // ref -> series for every ref a series record named (refs are small consecutive integers;
  // huge ones go to the map so a damaged WAL cannot make replay allocate a huge table).
  std::vector<MemSeries*> dense_;
  std::unordered_map<uint64_t, MemSeries*> sparse_;
  uint64_t duplicates_ = 0;
  Head::ReplayTally unknown_;  // samples with no series, counted here
  bool finished_ = false;
};

}  // namespace vigie::tsdb
