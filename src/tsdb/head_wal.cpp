#include "tsdb/head_wal.h"

#include "core/log.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal_replay_shards.h"

namespace vigie::tsdb {

namespace {
// Hands every record of `r` to the shards. Returns false when the reader hit damage.
bool Apply(wal::Reader& r, ReplayShards* shards, ReplayStats* st) {
  std::vector<wal::RefSeries> series;
  std::vector<wal::RefSample> samples;
  while (r.Next()) {
    ++st->records;
    auto rec = r.Record();
    switch (wal::TypeOf(rec)) {
      case wal::RecordType::kSeries:
        if (!wal::DecodeSeries(rec, &series).ok()) ++st->corruptions;
        st->series += series.size();
        shards->AddSeries(&series);
        break;
      case wal::RecordType::kSamples:
        if (!wal::DecodeSamples(rec, &samples).ok()) ++st->corruptions;
        st->samples += samples.size();
        shards->AddSamples(&samples);
        break;
      default:
        break;  // unknown record types are skipped (forward compatibility)
    }
  }
  return r.Err().ok();
}
}  // namespace

Result<ReplayStats> ReplayWal(fs::FileSystem& fs, const std::string& wal_dir, Head* head,
                              WalMetrics* metrics, size_t shards) {
  ReplayStats st;
  if (!fs.Exists(wal_dir)) return st;
  ReplayShards apply(head, shards == 0 ? ReplayShards::DefaultShards() : shards);
  int start = 0;
  VIGIE_ASSIGN_OR_RETURN(auto ckpt, wal::LastCheckpoint(fs, wal_dir));
  if (ckpt) {
    VIGIE_ASSIGN_OR_RETURN(auto segs, wal::ListSegments(fs, ckpt->dir));
    wal::Reader r(fs, ckpt->dir, segs);
    if (!Apply(r, &apply, &st)) {
      // A checkpoint is written to a temporary directory and renamed when complete, so damage
      // here is disk corruption: keep what was readable and go on.
      ++st.corruptions;
      metrics->corruptions.Add();
      log::Error("damaged WAL checkpoint; data in it after the damage is lost",
                 {{"dir", ckpt->dir}, {"err", r.Err().error().message()}});
    }
    start = ckpt->index + 1;
  }
  VIGIE_ASSIGN_OR_RETURN(auto all, wal::ListSegments(fs, wal_dir));
  std::vector<int> segs;
  for (int s : all) {
    if (s >= start) segs.push_back(s);
  }
  wal::Reader r(fs, wal_dir, segs);
  if (!Apply(r, &apply, &st)) {
    ++st.corruptions;
    metrics->corruptions.Add();
    Error err = r.Err().error();
    log::Warn("WAL is damaged; repairing by dropping what follows the last good record",
              {{"err", err.message()}});
    if (r.Segment() >= 0) {
      VIGIE_RETURN_IF_ERROR(wal::Repair(fs, wal_dir, r.Segment(), r.GoodOffset()));
    }
  }
  apply.Finish();
  st.duplicate_series = apply.duplicate_series();
  st.last_segment = segs.empty() ? -1 : segs.back();
  return st;
}

}  // namespace vigie::tsdb
