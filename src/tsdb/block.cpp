#include "tsdb/block.h"

#include <algorithm>
#include <set>

#include "storage/list_series.h"
#include "storage/merge.h"
#include "tsdb/chunk_series.h"

namespace vigie::tsdb {

Result<std::shared_ptr<Block>> Block::Open(fs::FileSystem& fs, const std::string& dir) {
  std::shared_ptr<Block> b(new Block());
  b->dir_ = dir;
  VIGIE_ASSIGN_OR_RETURN(b->meta_, ReadMeta(fs, dir));
  VIGIE_ASSIGN_OR_RETURN(b->index_, index::IndexReader::Open(fs, fs::Join(dir, "index")));
  auto chunks_dir = fs::Join(dir, "chunks");
  if (!fs.Exists(chunks_dir)) return Corruption(dir + ": chunks directory is missing");
  VIGIE_ASSIGN_OR_RETURN(b->chunks_, ChunksReader::Open(fs, chunks_dir));
  b->size_ = b->index_->size() + b->chunks_->size();
  if (auto m = fs.FileSize(fs::Join(dir, "meta.json")); m.ok()) b->size_ += *m;
  return b;
}

namespace {

// What the series of one Select share: the blocks (by time, kept alive), the querier's range,
// and every series' parts (one per block holding the series) and chunk metas in flat arrays. A
// selection allocates per series only its labels, once however many blocks hold the series
// (merging per-block series instead would keep a copy of the labels per block).
struct Selection {
  struct Part {
    uint32_t block, first_meta, num_metas;
  };
  std::vector<std::shared_ptr<const Block>> blocks;
  int64_t mint = 0, maxt = 0;
  std::vector<Part> parts;
  std::vector<index::ChunkMeta> metas;
};

class BlockSeries final : public storage::Series {
 public:
  BlockSeries(const Selection* sel, Labels l, uint32_t first_part, uint32_t num_parts)
      : sel_(sel), labels_(std::move(l)), first_part_(first_part), num_parts_(num_parts) {}

  const Labels& labels() const override { return labels_; }
  // The copy is this selection's own: the consumer that is done with the series may have it.
  Labels TakeLabels() const override { return std::move(labels_); }

  // One block: its chunks in order. Several: merged by timestamp (the earlier block wins a
  // timestamp present in two, as storage::NewMergeIterator does).
  std::unique_ptr<storage::SampleIterator> Iterator() const override {
    if (num_parts_ == 1) return PartIterator(sel_->parts[first_part_]);
    std::vector<std::unique_ptr<storage::SampleIterator>> its;
    for (const auto& p : parts()) its.push_back(PartIterator(p));
    return storage::NewMergeIterator(std::move(its));
  }

  // Decodes the chunks straight into `out`, block after block; blocks that overlap in time
  // (a sample at or before the previous block's last) go through the merging iterator.
  Status AppendSamples(TimestampMs mint, TimestampMs maxt,
                       std::vector<storage::Sample>* out) const override {
    mint = std::max(mint, sel_->mint);
    maxt = std::min(maxt, sel_->maxt);
    const size_t start = out->size();
    for (const auto& p : parts()) {
      const size_t before = out->size();
      const Block& block = *sel_->blocks[p.block];
      for (const auto& m : Metas(p)) {
        if (m.maxt < mint) continue;
        if (m.mint > maxt) break;
        auto data = block.chunks().Chunk(m.ref);
        if (!data.ok()) return data.error();
        VIGIE_RETURN_IF_ERROR(
            AppendChunkSamples({data->bytes, m.mint, m.maxt, data->encoding}, mint, maxt, out));
      }
      if (before > start && out->size() > before && (*out)[before].t <= (*out)[before - 1].t) {
        out->resize(start);
        return Series::AppendSamples(mint, maxt, out);
      }
    }
    return OkStatus();
  }

 private:
  std::span<const Selection::Part> parts() const {
    return {sel_->parts.data() + first_part_, num_parts_};
  }
  std::span<const index::ChunkMeta> Metas(const Selection::Part& p) const {
    return {sel_->metas.data() + p.first_meta, p.num_metas};
  }

  std::unique_ptr<storage::SampleIterator> PartIterator(const Selection::Part& p) const {
    const auto& block = sel_->blocks[p.block];
    std::vector<ChunkView> views;
    views.reserve(p.num_metas);
    for (const auto& m : Metas(p)) {
      auto data = block->chunks().Chunk(m.ref);
      if (!data.ok()) return storage::NewEmptyIterator(data.error());
      views.push_back({data->bytes, m.mint, m.maxt, data->encoding});
    }
    return std::make_unique<ChunksIterator>(std::move(views), sel_->mint, sel_->maxt, block);
  }

  const Selection* sel_;
  mutable Labels labels_;  // mutable for TakeLabels only
  uint32_t first_part_, num_parts_;
};

// The series of one Select over one or more blocks, merged by labels, in label order.
class BlockSeriesSet final : public storage::SeriesSet {
 public:
  BlockSeriesSet(std::vector<std::shared_ptr<const Block>> blocks, int64_t mint, int64_t maxt)
      : sel_{std::move(blocks), mint, maxt, {}, {}} {}

  // Reads the matching series with chunks in range from every block; an error names the
  // damaged series.
  Status Load(std::span<const storage::Matcher> ms) {
    // Per block: its matching series (ids follow label order) and the current one, decoded.
    struct Cursor {
      const index::IndexReader* index;
      index::Postings ids;
      size_t next = 0;
      bool valid = false;
      Labels labels;
      std::vector<index::ChunkMeta> metas;
    };
    auto advance = [this](Cursor& c) -> Status {
      c.valid = false;
      while (c.next < c.ids.size()) {
        VIGIE_RETURN_IF_ERROR(c.index->Series(c.ids[c.next++], &c.labels, &c.metas));
        std::erase_if(c.metas, [&](const index::ChunkMeta& m) {
          return m.maxt < sel_.mint || m.mint > sel_.maxt;
        });
        if (!c.metas.empty()) {
          c.valid = true;
          break;
        }
      }
      return OkStatus();
    };
    std::vector<Cursor> cursors(sel_.blocks.size());
    size_t most = 0;
    for (size_t i = 0; i < cursors.size(); ++i) {
      cursors[i].index = &sel_.blocks[i]->index();
      cursors[i].ids = index::PostingsForMatchers(*cursors[i].index, ms);
      most = std::max(most, cursors[i].ids.size());
      VIGIE_RETURN_IF_ERROR(advance(cursors[i]));
    }
    series_.reserve(most);
    std::vector<size_t> equal;
    while (true) {
      const Labels* min = nullptr;
      for (const auto& c : cursors) {
        if (c.valid && (min == nullptr || c.labels < *min)) min = &c.labels;
      }
      if (min == nullptr) break;
      equal.clear();
      for (size_t i = 0; i < cursors.size(); ++i) {
        if (cursors[i].valid && cursors[i].labels == *min) equal.push_back(i);
      }
      Labels labels = std::move(cursors[equal.front()].labels);
      const size_t first_part = sel_.parts.size();
      for (size_t i : equal) {
        Cursor& c = cursors[i];
        sel_.parts.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(sel_.metas.size()),
                              static_cast<uint32_t>(c.metas.size())});
        sel_.metas.insert(sel_.metas.end(), c.metas.begin(), c.metas.end());
        VIGIE_RETURN_IF_ERROR(advance(c));
      }
      series_.emplace_back(&sel_, std::move(labels), static_cast<uint32_t>(first_part),
                           static_cast<uint32_t>(equal.size()));
    }
    return OkStatus();
  }

  bool Next() override {
    if (pos_ < static_cast<ptrdiff_t>(series_.size())) ++pos_;
    return pos_ < static_cast<ptrdiff_t>(series_.size());
  }
  const storage::Series& At() const override { return series_[static_cast<size_t>(pos_)]; }

 private:
  Selection sel_;
  std::vector<BlockSeries> series_;  // complete before the first Next(): At() refs stay valid
  ptrdiff_t pos_ = -1;
};

class BlockQuerier final : public storage::Querier {
 public:
  BlockQuerier(std::vector<std::shared_ptr<const Block>> blocks, int64_t mint, int64_t maxt)
      : blocks_(std::move(blocks)), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<storage::SeriesSet> Select(bool, const storage::SelectHints*,
                                             std::span<const storage::Matcher> ms) override {
    auto set = std::make_unique<BlockSeriesSet>(blocks_, mint_, maxt_);
    if (auto st = set->Load(ms); !st.ok()) return storage::NewErrorSeriesSet(st.error());
    return set;  // always sorted
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name,
                                               std::span<const storage::Matcher> ms) override {
    std::set<std::string> vals;
    for (const auto& b : blocks_) {
      if (ms.empty()) {
        for (auto& v : b->index().ValuesOf(name)) vals.insert(std::move(v));
        continue;
      }
      VIGIE_RETURN_IF_ERROR(ForMatching(*b, ms, [&](const Labels& l) {
        auto v = l.Get(name);
        if (!v.empty()) vals.emplace(v);
      }));
    }
    return std::vector<std::string>(vals.begin(), vals.end());
  }

  Result<std::vector<std::string>> LabelNames(std::span<const storage::Matcher> ms) override {
    std::set<std::string> names;
    for (const auto& b : blocks_) {
      if (ms.empty()) {
        for (auto& n : b->index().LabelNames()) names.insert(std::move(n));
        continue;
      }
      VIGIE_RETURN_IF_ERROR(ForMatching(*b, ms, [&](const Labels& l) {
        for (const auto& lab : l) names.insert(lab.name);
      }));
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

 private:
  // Calls fn(labels) for each series of `b` matching `ms` with chunks in range.
  template <typename Fn>
  Status ForMatching(const Block& b, std::span<const storage::Matcher> ms, Fn&& fn) {
    Labels l;
    std::vector<index::ChunkMeta> metas;
    for (uint64_t id : index::PostingsForMatchers(b.index(), ms)) {
      VIGIE_RETURN_IF_ERROR(b.index().Series(id, &l, &metas));
      if (std::any_of(metas.begin(), metas.end(), [&](const index::ChunkMeta& c) {
            return c.maxt >= mint_ && c.mint <= maxt_;
          })) {
        fn(l);
      }
    }
    return OkStatus();
  }

  std::vector<std::shared_ptr<const Block>> blocks_;
  int64_t mint_, maxt_;
};

}  // namespace

Result<std::unique_ptr<storage::Querier>> Block::NewQuerier(TimestampMs mint, TimestampMs maxt) {
  return NewBlocksQuerier({shared_from_this()}, mint, maxt);
}

std::unique_ptr<storage::Querier> NewBlocksQuerier(std::vector<std::shared_ptr<const Block>> blocks,
                                                   TimestampMs mint, TimestampMs maxt) {
  return std::make_unique<BlockQuerier>(std::move(blocks), mint, maxt);
}

}  // namespace vigie::tsdb
