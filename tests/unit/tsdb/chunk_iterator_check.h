// Shared by the chunk encoding tests: an iterator's bulk read (AppendRange) must give exactly
// what stepping with Next() gives over the same [mint, maxt], bit for bit, and the same error.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/value.h"

namespace vigie::tsdb::chunkenc {

// `bulk` and `step` are fresh iterators over the same bytes.
template <typename Iterator>
void ExpectAppendRangeMatchesNext(Iterator& bulk, Iterator& step, int64_t mint, int64_t maxt,
                                  const std::string& where) {
  std::vector<storage::Sample> got, want;
  bulk.AppendRange(mint, maxt, &got);
  while (step.Next()) {
    if (step.At().t > maxt) break;
    if (step.At().t >= mint) want.push_back(step.At());
  }
  ASSERT_EQ(got.size(), want.size()) << where;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].t, want[i].t) << where;
    EXPECT_EQ(std::bit_cast<uint64_t>(got[i].v), std::bit_cast<uint64_t>(want[i].v)) << where;
  }
  EXPECT_EQ(bulk.Err().ok(), step.Err().ok()) << where;
}

}  // namespace vigie::tsdb::chunkenc
