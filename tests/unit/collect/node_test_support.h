// Shared helpers for the node collector tests: fixture trees under tests/testdata/node/<name>,
// deterministic seams, and a parsed view of exposition text for comparisons.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collect/node.h"
#include "expfmt/metric_family.h"

namespace vigie::collect::testing {

std::string FixtureDir(const std::string& name);

// Options reading the fixture tree, with uname, clock and statfs pinned: uname answers like the
// machine the fixtures were captured on, the clock says 1700000000.25, statfs answers
// `StatFsFor(path)`.
NodeOptions FixtureOptions(const std::string& name);
StatFs FakeStatFs();

// Runs the named collectors (in order) and returns their families; errors are collected as
// "<collector>: <message>".
std::vector<expfmt::MetricFamily> CollectAll(const NodeOptions& options,
                                             const std::vector<std::string>& names,
                                             std::vector<std::string>* errors);

// Families sorted by name, rendered as text 0.0.4.
std::string RenderSorted(std::vector<expfmt::MetricFamily> families);

struct ParsedFamily {
  expfmt::MetricType type = expfmt::MetricType::kUnknown;
  std::string help;
  std::vector<std::string> label_names;  // of the first sample, sorted
};

// Exposition text as maps: families by the name on their TYPE line, series by
// name{a="x",b=""} with labels sorted and empty values kept.
struct Parsed {
  std::map<std::string, ParsedFamily> families;
  std::map<std::string, double> series;
  std::map<std::string, std::string> family_of_series;
};
Parsed ParseText(std::string_view text);

std::string ReadTextFile(const std::string& path);

}  // namespace vigie::collect::testing
