#include "storage/series.h"

namespace vigie::storage {

Status Series::AppendSamples(TimestampMs mint, TimestampMs maxt, std::vector<Sample>* out) const {
  if (maxt < mint) return OkStatus();
  auto it = Iterator();
  if (it->Seek(mint)) {
    do {
      Sample s = it->At();
      if (s.t > maxt) break;
      out->push_back(s);
    } while (it->Next());
  }
  return it->Err();
}

}  // namespace vigie::storage
