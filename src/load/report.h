// Human and machine reports of a load run: the live progress line, the final table, JSON.
#pragma once

#include <string>

#include "load/runner.h"

namespace vigie::load {

// "users 10/10  req/s 123.4  p99 45.1ms  errors 0" — `prev_requests`/`interval_s` give the rate.
std::string ProgressLine(const Runner& r, uint64_t prev_requests, double interval_s);
// Per step and total: requests, req/s, p50, p90, p99, p99.9, max, errors by kind.
std::string SummaryTable(const Runner& r);
std::string SummaryJson(const Runner& r);
// "12.3ms", "850µs", "1.20s".
std::string FormatMicros(uint64_t us);

}  // namespace vigie::load
