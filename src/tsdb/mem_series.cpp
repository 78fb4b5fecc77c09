#include "tsdb/mem_series.h"

#include <algorithm>
#include <cstring>

namespace vigie::tsdb {

namespace {

// The most bytes one XorAppend adds: a 64-bit timestamp delta-of-delta with its 4-bit prefix
// and a 64-bit XOR value with its 13 bits of control and window (or 18 for the first sample).
constexpr size_t kMaxSampleBytes = 20;
// A new head chunk's first buffer.
constexpr size_t kInitialChunkBytes = 48;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
}  // namespace

bool MemSeries::Append(int64_t t, double v, int64_t chunk_range, int samples_per_chunk) {
  bool cut = false;
  if (head.empty() || t >= next_cut || app.num >= samples_per_chunk) {
    if (!head.empty()) {
      MemChunk c;
      c.size = static_cast<uint32_t>(head.size());
      c.data.reset(new uint8_t[c.size]);
      std::memcpy(c.data.get(), head.data(), c.size);
      c.mint = head_mint;
      c.maxt = max_time;
      closed.push_back(std::move(c));
      // Give the full chunk's buffer back rather than keep its capacity for the next one.
      std::vector<uint8_t>().swap(head);
    }
    head.reserve(kInitialChunkBytes);
    chunkenc::XorInit(&head, &app);
    head_mint = t;
    next_cut = (FloorDiv(t, chunk_range) + 1) * chunk_range;
    cut = true;
  }
  // Grow the open chunk by a quarter (std::vector would double it): a series' chunk bytes are
  // most of its memory, and it holds at most a quarter more than it uses this way.
  if (head.capacity() - head.size() < kMaxSampleBytes) {
    head.reserve(head.size() + std::max<size_t>(32, head.size() / 4));
  }
  chunkenc::XorAppend(&head, &app, t, v);
  max_time = t;
  return cut;
}

int MemSeries::TruncateBefore(int64_t mint) {
  int removed = 0;
  size_t keep = 0;
  while (keep < closed.size() && closed[keep].maxt < mint) ++keep;
  if (keep > 0) {
    closed.erase(closed.begin(), closed.begin() + static_cast<ptrdiff_t>(keep));
    removed += static_cast<int>(keep);
  }
  if (!head.empty() && max_time < mint) {
    head.clear();
    head.shrink_to_fit();
    ++removed;
  }
  return removed;
}

int64_t MemSeries::MinTime() const {
  if (!closed.empty()) return closed.front().mint;
  if (!head.empty()) return head_mint;
  return std::numeric_limits<int64_t>::max();
}

}  // namespace vigie::tsdb
