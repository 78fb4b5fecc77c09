#include "tsdb/chunk_series.h"

namespace vigie::tsdb {

Status AppendChunkSamples(const ChunkView& c, int64_t mint, int64_t maxt,
                          std::vector<storage::Sample>* out) {
  if (c.encoding == chunkenc::kScaledIntEncoding) {
    chunkenc::ScaledIntIterator it;
    it.Reset(c.bytes);
    it.AppendRange(mint, maxt, out);
    return it.Err();
  }
  chunkenc::XorIterator it(c.bytes);
  it.AppendRange(mint, maxt, out);
  return it.Err();
}

ChunksIterator::ChunksIterator(std::vector<ChunkView> chunks, int64_t mint, int64_t maxt,
                               std::shared_ptr<const void> owner,
                               std::vector<std::vector<uint8_t>> owned)
    : chunks_(std::move(chunks)),
      mint_(mint),
      maxt_(maxt),
      owner_(std::move(owner)),
      owned_(std::move(owned)) {
  // Chunks entirely outside the range are never opened.
  std::erase_if(chunks_, [&](const ChunkView& c) { return c.maxt < mint_ || c.mint > maxt_; });
}

bool ChunksIterator::OpenChunk(size_t i) {
  cur_ = i;
  if (cur_ >= chunks_.size()) {
    done_ = true;
    return false;
  }
  scaled_ = chunks_[cur_].encoding == chunkenc::kScaledIntEncoding;
  if (scaled_) {
    int_.Reset(chunks_[cur_].bytes);
  } else {
    it_.Reset(chunks_[cur_].bytes);
  }
  opened_ = true;
  return true;
}

bool ChunksIterator::Advance() {
  while (!done_) {
    if (!opened_ && !OpenChunk(cur_)) return false;
    if (scaled_ ? int_.Next() : it_.Next()) {
      int64_t t = T();
      if (t > maxt_) {
        done_ = true;
        return false;
      }
      if (t >= mint_) return true;
      continue;
    }
    if (auto st = scaled_ ? int_.Err() : it_.Err(); !st.ok()) {
      err_ = st;
      done_ = true;
      return false;
    }
    opened_ = false;
    ++cur_;
  }
  return false;
}

bool ChunksIterator::Next() {
  has_cur_ = Advance();
  return has_cur_;
}

bool ChunksIterator::Seek(TimestampMs t) {
  if (done_) return false;
  if (has_cur_ && T() >= t) return true;  // never go back
  if (t < mint_) t = mint_;
  // Skip whole chunks that end before t without decoding them.
  size_t i = cur_;
  while (i < chunks_.size() && chunks_[i].maxt < t) ++i;
  if (i != cur_ || !opened_) {
    if (!OpenChunk(i)) return has_cur_ = false;
  }
  while (Advance()) {
    if (T() >= t) return has_cur_ = true;
  }
  return has_cur_ = false;
}

}  // namespace vigie::tsdb
