// Data-driven PromQL tests: runs a script in the format of Prometheus's promql test files
// against vigie's engine over a real in-memory TSDB head.
//
//   # comment
//   load 5m                                  load <step>, then series lines until a blank line:
//     http_requests{job="api"} 0+10x10       start+incrementxN (N+1 values), valuexN, _ (no
//     other{a="b"} 1 _ 3 stale _x2 NaN Inf   sample), _xN, stale (staleness marker), numbers
//
//   eval instant at 50m sum(http_requests)   eval[_fail|_ordered] instant at <time> <query>,
//     {} 100                                 then expected lines: `labels value`, or a bare
//                                            number for a scalar result; none for an empty vector
//   eval_fail instant at 0m foo{             eval_fail may be followed by one line
//     expected_fail_message <exact text>     (or expected_fail_regexp <RE2 pattern>)
//
//   eval range from 0 to 10m step 5m rate(x[5m])   a range query; expected lines are series
//     {job="api"} 1 _ 2                            with one value (or _) per step
//
//   clear                                    empties the storage
//
// Like Prometheus's runner, every instant eval is also checked in range mode (a range query
// from t-1m to t+1m by 1m must give the same samples at t), and, when the query has no
// time-dependent function, with @ <t> added to every selector and evaluated at other times.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vigie::testing {

struct PromqlScriptOptions {
  int64_t max_samples = 50'000'000;
  int64_t default_subquery_step_ms = 60'000;
  int64_t lookback_delta_ms = 5 * 60'000;
  // Whether to add the range-mode and @-modifier checks to instant evals.
  bool extra_checks = true;
};

struct PromqlScriptStats {
  int loads = 0;
  int evals = 0;  // eval commands (each may run several queries)
  int queries = 0;
};

// Runs the whole script; returns the first failure as an error naming the script line, the
// query and what differed.
Result<PromqlScriptStats> RunPromqlScript(std::string_view script,
                                          const PromqlScriptOptions& opts = {});

}  // namespace vigie::testing
