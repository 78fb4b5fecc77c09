#include <set>

#include "core/log.h"
#include "core/time.h"
#include "tsdb/block.h"
#include "tsdb/chunkenc/scaled_int.h"
#include "tsdb/chunkenc/xor.h"
#include "tsdb/ulid.h"

namespace vigie::tsdb {

Result<BlockMeta> WriteBlock(fs::FileSystem& fs, const std::string& parent_dir, int64_t mint,
                             int64_t maxt, storage::SeriesSet& set, const BlockWriteOptions& opts) {
  BlockMeta meta;
  meta.ulid = NewUlid(opts.now_ms ? opts.now_ms : NowMs());
  meta.min_time = mint;
  meta.max_time = maxt;
  meta.level = opts.level;
  meta.sources = opts.sources.empty() ? std::vector<std::string>{meta.ulid} : opts.sources;
  meta.parents = opts.parents;
  const std::string final_dir = fs::Join(parent_dir, meta.ulid);
  const std::string tmp = final_dir + ".tmp";
  VIGIE_RETURN_IF_ERROR(fs.MkdirAll(tmp));
  auto cleanup = [&](Error e) {
    (void)fs.RemoveAll(tmp);
    return e.Wrap("writing block " + final_dir);
  };

  ChunksWriter cw(fs, fs::Join(tmp, "chunks"));
  std::vector<index::SeriesEntry> entries;
  std::vector<uint8_t> buf, alt;
  std::vector<storage::Sample> pending;
  chunkenc::XorAppendState st;
  const int per_chunk = std::clamp(opts.samples_per_chunk, 1, 65535);
  while (set.Next()) {
    const auto& s = set.At();
    index::SeriesEntry e;
    auto it = s.Iterator();
    int64_t cmin = 0, cmax = 0;
    buf.clear();
    pending.clear();
    auto flush = [&]() -> Status {
      if (buf.empty()) return OkStatus();
      uint8_t enc = static_cast<uint8_t>(chunkenc::Encoding::kXOR);
      std::span<const uint8_t> bytes = buf;
      if (opts.allow_scaled_int && chunkenc::EncodeScaledInt(pending, &alt) &&
          alt.size() < buf.size()) {
        enc = chunkenc::kScaledIntEncoding;
        bytes = alt;
      }
      pending.clear();
      VIGIE_ASSIGN_OR_RETURN(uint64_t ref, cw.Write(bytes, enc));
      e.chunks.push_back({cmin, cmax, ref});
      meta.num_chunks++;
      buf.clear();
      return OkStatus();
    };
    bool ok = it->Seek(mint);
    while (ok) {
      auto smp = it->At();
      if (smp.t >= maxt) break;
      if (buf.empty()) {
        chunkenc::XorInit(&buf, &st);
        cmin = smp.t;
      }
      chunkenc::XorAppend(&buf, &st, smp.t, smp.v);
      if (opts.allow_scaled_int) pending.push_back(smp);
      cmax = smp.t;
      meta.num_samples++;
      if (st.num >= per_chunk) {
        if (auto fst = flush(); !fst.ok()) return cleanup(fst.error());
      }
      ok = it->Next();
    }
    if (auto ist = it->Err(); !ist.ok()) return cleanup(ist.error());
    if (auto fst = flush(); !fst.ok()) return cleanup(fst.error());
    if (e.chunks.empty()) continue;
    e.labels = s.labels();
    entries.push_back(std::move(e));
  }
  if (auto sst = set.Err(); !sst.ok()) return cleanup(sst.error());
  if (entries.empty()) {
    (void)fs.RemoveAll(tmp);
    meta.num_samples = 0;
    return meta;
  }
  meta.num_series = entries.size();
  if (auto s = cw.Close(); !s.ok()) return cleanup(s.error());
  if (auto s = index::WriteIndex(fs, fs::Join(tmp, "index"), entries); !s.ok()) {
    return cleanup(s.error());
  }
  if (auto s = fs.WriteFileAtomic(fs::Join(tmp, "meta.json"), EncodeMeta(meta)); !s.ok()) {
    return cleanup(s.error());
  }
  if (auto s = fs.SyncDir(tmp); !s.ok()) return cleanup(s.error());
  if (auto s = fs.Rename(tmp, final_dir); !s.ok()) return cleanup(s.error());
  if (auto s = fs.SyncDir(parent_dir); !s.ok()) return cleanup(s.error());
  return meta;
}

}  // namespace vigie::tsdb
