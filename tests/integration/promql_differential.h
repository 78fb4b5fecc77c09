// Shared by the PromQL differential test: the generated data set and the query corpus.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigie::testing::promql_diff {

// The data covers [kStartMs, kStartMs + kDurationMs] with one sample per kStepMs per series.
inline constexpr int64_t kStartMs = 1'700'000'000'000;
inline constexpr int64_t kDurationMs = 3 * 3600 * 1000;
inline constexpr int64_t kStepMs = 15'000;

// An OpenMetrics text (with "# EOF") of counters, gauges and a classic histogram over several
// label dimensions, with counter resets, gaps shorter and longer than the lookback delta,
// series that start late or end early, NaN values and negative gauges. Deterministic.
std::string GenerateOpenMetrics();

struct Query {
  std::string expr;
  std::string area;  // what it exercises, for the report
  bool expect_error = false;
};

// At least 400 queries generated from templates over every function, operator, aggregation,
// modifier and matcher, plus invalid ones. Times in @ modifiers are inside the data.
std::vector<Query> Corpus();

}  // namespace vigie::testing::promql_diff
