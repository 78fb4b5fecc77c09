#include "tsdb/block.h"

#include <set>

#include "storage/list_series.h"
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

class BlockSeries final : public storage::Series {
 public:
  BlockSeries(std::shared_ptr<const Block> b, Labels l, std::vector<index::ChunkMeta> metas,
              int64_t mint, int64_t maxt)
      : b_(std::move(b)),
        labels_(std::move(l)),
        metas_(std::move(metas)),
        mint_(mint),
        maxt_(maxt) {}

  const Labels& labels() const override { return labels_; }

  std::unique_ptr<storage::SampleIterator> Iterator() const override {
    std::vector<ChunkView> views;
    views.reserve(metas_.size());
    for (const auto& m : metas_) {
      auto data = b_->chunks().Chunk(m.ref);
      if (!data.ok()) return storage::NewEmptyIterator(data.error());
      views.push_back({data->bytes, m.mint, m.maxt, data->encoding});
    }
    return std::make_unique<ChunksIterator>(std::move(views), mint_, maxt_, b_);
  }

 private:
  std::shared_ptr<const Block> b_;
  Labels labels_;
  std::vector<index::ChunkMeta> metas_;
  int64_t mint_, maxt_;
};

class BlockQuerier final : public storage::Querier {
 public:
  BlockQuerier(std::shared_ptr<const Block> b, int64_t mint, int64_t maxt)
      : b_(std::move(b)), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<storage::SeriesSet> Select(bool, const storage::SelectHints*,
                                             std::span<const storage::Matcher> ms) override {
    std::vector<std::unique_ptr<storage::Series>> out;
    auto st = ForMatching(ms, [&](Labels l, std::vector<index::ChunkMeta> metas) {
      out.push_back(
          std::make_unique<BlockSeries>(b_, std::move(l), std::move(metas), mint_, maxt_));
    });
    if (!st.ok()) return storage::NewErrorSeriesSet(st.error());
    return storage::NewListSeriesSet(std::move(out));  // ids follow label order: sorted
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name,
                                               std::span<const storage::Matcher> ms) override {
    if (ms.empty()) return b_->index().ValuesOf(name);
    std::set<std::string> vals;
    VIGIE_RETURN_IF_ERROR(ForMatching(ms, [&](Labels l, std::vector<index::ChunkMeta>) {
      auto v = l.Get(name);
      if (!v.empty()) vals.emplace(v);
    }));
    return std::vector<std::string>(vals.begin(), vals.end());
  }

  Result<std::vector<std::string>> LabelNames(std::span<const storage::Matcher> ms) override {
    if (ms.empty()) return b_->index().LabelNames();
    std::set<std::string> names;
    VIGIE_RETURN_IF_ERROR(ForMatching(ms, [&](Labels l, std::vector<index::ChunkMeta>) {
      for (const auto& lab : l) names.insert(lab.name);
    }));
    return std::vector<std::string>(names.begin(), names.end());
  }

 private:
  template <typename Fn>
  Status ForMatching(std::span<const storage::Matcher> ms, Fn&& fn) {
    Labels l;
    std::vector<index::ChunkMeta> metas;
    for (uint64_t id : index::PostingsForMatchers(b_->index(), ms)) {
      VIGIE_RETURN_IF_ERROR(b_->index().Series(id, &l, &metas));
      std::erase_if(metas,
                    [&](const index::ChunkMeta& c) { return c.maxt < mint_ || c.mint > maxt_; });
      if (metas.empty()) continue;
      fn(std::move(l), std::move(metas));
      metas = {};
    }
    return OkStatus();
  }

  std::shared_ptr<const Block> b_;
  int64_t mint_, maxt_;
};

}  // namespace

Result<std::unique_ptr<storage::Querier>> Block::NewQuerier(TimestampMs mint, TimestampMs maxt) {
  return std::unique_ptr<storage::Querier>(new BlockQuerier(shared_from_this(), mint, maxt));
}

}  // namespace vigie::tsdb
