// Renders a tree back to canonical PromQL, exactly as Prometheus's String() does (so the API and
// rule files show what users expect): `sum by (job) (rate(http_requests_total{code="500"}[5m]))`.
// Parsing the output yields an equal tree.
#pragma once

#include <string>

#include "core/time.h"
#include "promql/parser/ast.h"

namespace vigie::promql::parser {

std::string ToString(const Expr& e);

// Prometheus's pretty form (format_query): ToString when it fits in 100 characters, otherwise
// split over indented lines.
std::string Prettify(const Expr& e);

// Prometheus's model.Duration formatting: "1h30m", "5m", "0s"; years and weeks only when exact.
std::string FormatPromDuration(DurationMs d);

}  // namespace vigie::promql::parser
