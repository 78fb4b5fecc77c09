#include "tsdb/import.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "core/log.h"
#include "expfmt/parser.h"
#include "tsdb/block.h"
#include "tsdb/head.h"
#include "tsdb/ulid.h"

namespace vigie::tsdb {

namespace {
int64_t FloorTo(int64_t t, int64_t r) {
  int64_t q = t / r;
  if (t % r != 0 && t < 0) --q;
  return q * r;
}

// Calls fn(labels, t, v) for every sample; errors name the line.
template <typename Fn>
Status ForEachSample(std::string_view data, Fn&& fn) {
  expfmt::Parser p(data, expfmt::Format::kOpenMetrics1);
  Labels labels;
  while (true) {
    auto e = p.Next();
    if (!e.ok()) return e.error();
    if (*e == expfmt::Entry::kEof) return OkStatus();
    if (*e != expfmt::Entry::kSeries) continue;
    auto ts = p.TimestampMs();
    if (!ts) {
      return InvalidArgument("line " + std::to_string(p.line()) + ": sample " +
                             std::string(p.Series()) + " has no timestamp (backfill needs them)");
    }
    p.FillLabels(&labels);
    VIGIE_RETURN_IF_ERROR(fn(labels, *ts, p.Value()));
  }
}
}  // namespace

Result<ImportResult> ImportOpenMetrics(fs::FileSystem& fs, const std::string& file,
                                       const std::string& out_dir, const ImportOptions& opts) {
  VIGIE_ASSIGN_OR_RETURN(std::string data, fs.ReadFile(file));
  if (data.find("# EOF") == std::string::npos) {
    return InvalidArgument(file + ": not OpenMetrics text (no \"# EOF\" line)");
  }
  int64_t mint = std::numeric_limits<int64_t>::max(), maxt = std::numeric_limits<int64_t>::min();
  auto st = ForEachSample(data, [&](const Labels&, int64_t t, double) {
    mint = std::min(mint, t);
    maxt = std::max(maxt, t);
    return OkStatus();
  });
  if (!st.ok()) return st.error().Wrap(file);
  ImportResult res;
  if (maxt < mint) return res;  // no samples
  VIGIE_RETURN_IF_ERROR(fs.MkdirAll(out_dir));
  const int64_t range = opts.block_duration_ms;
  for (int64_t start = FloorTo(mint, range); start <= maxt; start += range) {
    HeadMetrics hm;
    HeadOptions ho;
    ho.chunk_range_ms = range;
    ho.samples_per_chunk = opts.samples_per_chunk;
    Head head(ho, nullptr, &hm);
    // One appender for the whole range: the file lists series one after the other, so the
    // head's "half a chunk range behind" rule must not apply.
    auto app = head.NewAppender();
    auto add = ForEachSample(data, [&](const Labels& l, int64_t t, double v) -> Status {
      if (t < start || t >= start + range) return OkStatus();
      auto r = app->Append(0, l, t, v);
      // Out-of-order and duplicate samples are counted by the head and skipped.
      if (!r.ok() && r.error().code() == ErrorCode::kInvalidArgument) return r.error();
      return OkStatus();
    });
    if (!add.ok()) return add.error().Wrap(file);
    VIGIE_RETURN_IF_ERROR(app->Commit());
    uint64_t rejected = hm.out_of_order.Get() + hm.duplicates.Get() + hm.out_of_bounds.Get();
    VIGIE_ASSIGN_OR_RETURN(auto q, head.NewQuerier(start, start + range - 1));
    auto set = q->Select(true, nullptr, {});
    BlockWriteOptions bo;
    bo.samples_per_chunk = opts.samples_per_chunk;
    bo.allow_scaled_int = opts.scaled_int_chunks;
    VIGIE_ASSIGN_OR_RETURN(auto meta, WriteBlock(fs, out_dir, start, start + range, *set, bo));
    if (meta.num_samples == 0) continue;
    res.samples += meta.num_samples;
    res.blocks.push_back(meta);
    res.rejected += rejected;
  }
  return res;
}

Result<AnalyzeResult> Analyze(fs::FileSystem& fs, const std::string& dir, size_t top) {
  AnalyzeResult r;
  VIGIE_ASSIGN_OR_RETURN(auto entries, fs.ListDir(dir));
  std::set<Labels> series;
  std::map<std::string, std::set<std::string>> values;
  std::map<std::string, uint64_t> pairs;
  std::map<std::string, uint64_t> metrics;
  r.min_time = std::numeric_limits<int64_t>::max();
  r.max_time = std::numeric_limits<int64_t>::min();
  for (const auto& e : entries) {
    if (!e.is_dir || !IsUlid(e.name)) continue;
    auto b = Block::Open(fs, fs::Join(dir, e.name));
    if (!b.ok()) return b.error();
    const auto& m = (*b)->meta();
    ++r.blocks;
    r.min_time = std::min(r.min_time, m.min_time);
    r.max_time = std::max(r.max_time, m.max_time);
    r.samples += m.num_samples;
    r.chunks += m.num_chunks;
    r.chunk_bytes += (*b)->chunks().size();
    r.index_bytes += (*b)->index().size();
    r.total_bytes += (*b)->size_bytes();
    VIGIE_ASSIGN_OR_RETURN(auto q, (*b)->NewQuerier(m.min_time, m.max_time));
    auto set = q->Select(true, nullptr, {});
    while (set->Next()) {
      const Labels& l = set->At().labels();
      if (!series.insert(l).second) continue;
      for (const auto& lab : l) {
        values[lab.name].insert(lab.value);
        pairs[lab.name + "=" + lab.value]++;
      }
      metrics[std::string(l.MetricName())]++;
    }
    VIGIE_RETURN_IF_ERROR(set->Err());
  }
  r.series = series.size();
  auto topn = [&](std::vector<LabelStat> v) {
    std::sort(v.begin(), v.end(), [](const LabelStat& a, const LabelStat& b) {
      return a.count != b.count ? a.count > b.count : a.name < b.name;
    });
    if (v.size() > top) v.resize(top);
    return v;
  };
  std::vector<LabelStat> v;
  for (const auto& [n, vals] : values) v.push_back({n, vals.size()});
  r.label_names_by_values = topn(std::move(v));
  v.clear();
  for (const auto& [n, c] : pairs) v.push_back({n, c});
  r.label_pairs_by_series = topn(std::move(v));
  v.clear();
  for (const auto& [n, c] : metrics) v.push_back({n, c});
  r.metrics_by_series = topn(std::move(v));
  return r;
}

std::string FormatAnalyze(const AnalyzeResult& r) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line("Blocks: " + std::to_string(r.blocks));
  if (r.blocks == 0) return out;
  line("Time range: " + FormatRfc3339(r.min_time) + " .. " + FormatRfc3339(r.max_time) + " (" +
       FormatDuration(r.max_time - r.min_time) + ")");
  line("Series: " + std::to_string(r.series));
  line("Samples: " + std::to_string(r.samples));
  line("Chunks: " + std::to_string(r.chunks));
  char buf[128];
  std::snprintf(buf, sizeof buf, "Bytes on disk: %llu (chunks %llu, index %llu)",
                static_cast<unsigned long long>(r.total_bytes),
                static_cast<unsigned long long>(r.chunk_bytes),
                static_cast<unsigned long long>(r.index_bytes));
  line(buf);
  if (r.samples > 0) {
    std::snprintf(buf, sizeof buf, "Bytes per sample: %.3f (chunks only: %.3f)",
                  static_cast<double>(r.total_bytes) / static_cast<double>(r.samples),
                  static_cast<double>(r.chunk_bytes) / static_cast<double>(r.samples));
    line(buf);
  }
  auto list = [&](const char* title, const std::vector<LabelStat>& v) {
    line("");
    line(title);
    for (const auto& s : v) line("  " + std::to_string(s.count) + " " + s.name);
  };
  list("Label names with highest cardinality (distinct values):", r.label_names_by_values);
  list("Most common label pairs (series):", r.label_pairs_by_series);
  list("Metric names with most series:", r.metrics_by_series);
  return out;
}

}  // namespace vigie::tsdb
