// A deterministic node-exporter-like exposition for benchmarks: counters, gauges, untyped
// vmstat-style series, a histogram and a summary, with labels and value spellings as
// node-exporter writes them.
#pragma once

#include <string>

namespace vigie::expfmt::bench {

// About `series` sample lines in the 0.0.4 text format.
std::string NodeExporterLikePayload(int series);

}  // namespace vigie::expfmt::bench
