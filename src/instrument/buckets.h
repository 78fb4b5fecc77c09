// Bucket layouts for classic histograms. A layout is the list of upper bounds ("le") in
// increasing order; the +Inf bucket is implicit.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace vigie::instrument {

// Prometheus client libraries' default, aimed at request latencies in seconds:
// .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> DefaultBuckets();
// `count` bounds: start, start+width, ... Empty when count < 1 or width <= 0.
std::vector<double> LinearBuckets(double start, double width, int count);
// `count` bounds: start, start*factor, ... Empty when count < 1, start <= 0 or factor <= 1.
std::vector<double> ExponentialBuckets(double start, double factor, int count);

// Validates a layout: at least one bound, no NaN, strictly increasing. A trailing +Inf is
// dropped (it is always there). Errors say which bound is wrong.
Result<std::vector<double>> CheckBuckets(std::vector<double> bounds);

// The "le" label value of a bound as Prometheus client libraries spell it: shortest
// round-trip form, exponent from 1e+06 and below 1e-04 ("0.005", "1e+06"); OpenMetrics
// adds ".0" to whole numbers ("1.0"), as its canonical numbers require.
std::string FormatBucketBound(double bound, bool openmetrics);

}  // namespace vigie::instrument
