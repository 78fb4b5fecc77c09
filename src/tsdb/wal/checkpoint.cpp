#include "tsdb/wal/checkpoint.h"

#include <charconv>
#include <cstdio>

#include "core/log.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/wal.h"

namespace vigie::tsdb::wal {

namespace {
constexpr std::string_view kPrefix = "checkpoint.";

std::optional<int> ParseCheckpointName(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0 || name.size() != kPrefix.size() + 8) return std::nullopt;
  int v = 0;
  const char* b = name.data() + kPrefix.size();
  auto [p, ec] = std::from_chars(b, name.data() + name.size(), v);
  if (ec != std::errc() || p != name.data() + name.size()) return std::nullopt;
  return v;
}

std::string CheckpointName(int i) { return std::string(kPrefix) + SegmentName(i); }
}  // namespace

Result<std::optional<CheckpointInfo>> LastCheckpoint(fs::FileSystem& fs,
                                                     const std::string& wal_dir) {
  VIGIE_ASSIGN_OR_RETURN(auto entries, fs.ListDir(wal_dir));
  std::optional<CheckpointInfo> best;
  for (const auto& e : entries) {
    if (!e.is_dir) continue;
    auto idx = ParseCheckpointName(e.name);
    if (!idx) continue;
    if (!best || *idx > best->index) best = CheckpointInfo{fs::Join(wal_dir, e.name), *idx};
  }
  return best;
}

Status Checkpoint(fs::FileSystem& fs, const std::string& wal_dir, int from, int to,
                  const std::function<bool(uint64_t)>& keep, int64_t mint, WalMetrics* metrics) {
  metrics->checkpoint_creations.Add();
  auto fail = [&](Error e) {
    metrics->checkpoint_creations_failed.Add();
    return e.Wrap("creating WAL checkpoint");
  };
  auto last = LastCheckpoint(fs, wal_dir);
  if (!last.ok()) return fail(last.error());
  std::string final_dir = fs::Join(wal_dir, CheckpointName(to));
  std::string tmp_dir = final_dir + ".tmp";
  (void)fs.RemoveAll(tmp_dir);

  WalMetrics scratch;
  WalOptions opts;
  opts.sync_interval_ms = 0;
  auto out = Wal::Open(fs, tmp_dir, opts, &scratch);
  if (!out.ok()) return fail(out.error());

  std::vector<std::pair<std::string, std::vector<int>>> sources;
  if (*last && (*last)->index < to) {
    auto segs = ListSegments(fs, (*last)->dir);
    if (!segs.ok()) return fail(segs.error());
    sources.emplace_back((*last)->dir, *segs);
  }
  std::vector<int> segs;
  for (int i = from; i <= to; ++i) segs.push_back(i);
  sources.emplace_back(wal_dir, segs);

  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::string buf;
  uint64_t kept_series = 0, kept_samples = 0;
  for (auto& [dir, list] : sources) {
    Reader r(fs, dir, list);
    while (r.Next()) {
      auto rec = r.Record();
      buf.clear();
      switch (TypeOf(rec)) {
        case RecordType::kSeries: {
          series.clear();
          if (auto st = DecodeSeries(rec, &series); !st.ok()) return fail(st.error());
          std::erase_if(series, [&](const RefSeries& s) { return !keep(s.ref); });
          if (series.empty()) continue;
          kept_series += series.size();
          EncodeSeries(series, &buf);
          break;
        }
        case RecordType::kSamples: {
          samples.clear();
          if (auto st = DecodeSamples(rec, &samples); !st.ok()) return fail(st.error());
          std::erase_if(samples, [&](const RefSample& s) { return s.t < mint || !keep(s.ref); });
          if (samples.empty()) continue;
          kept_samples += samples.size();
          EncodeSamples(samples, &buf);
          break;
        }
        default:
          continue;
      }
      if (auto st = (*out)->Log(buf, false); !st.ok()) return fail(st.error());
    }
    if (auto st = r.Err(); !st.ok()) return fail(st.error());
  }
  if (auto st = (*out)->Close(); !st.ok()) return fail(st.error());
  (void)fs.RemoveAll(final_dir);
  if (auto st = fs.Rename(tmp_dir, final_dir); !st.ok()) return fail(st.error());
  if (auto st = fs.SyncDir(wal_dir); !st.ok()) return fail(st.error());

  // Older checkpoints are now redundant.
  auto entries = fs.ListDir(wal_dir);
  if (entries.ok()) {
    for (const auto& e : *entries) {
      auto idx = ParseCheckpointName(e.name);
      if (e.is_dir && idx && *idx < to) {
        if (fs.RemoveAll(fs::Join(wal_dir, e.name)).ok()) metrics->checkpoint_deletions.Add();
      }
    }
  }
  log::Info("WAL checkpoint written", {{"dir", final_dir},
                                       {"from_segment", from},
                                       {"to_segment", to},
                                       {"series", kept_series},
                                       {"samples", kept_samples}});
  return OkStatus();
}

}  // namespace vigie::tsdb::wal
