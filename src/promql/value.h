// The values a PromQL query returns, as Prometheus's API presents them: a scalar, a string, an
// instant vector or a range vector (matrix). Plain data: copyable, no references into storage.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/labels.h"
#include "core/time.h"
#include "storage/value.h"

namespace vigie::promql {

// One value of a series at a time: the storage's sample type, so that samples are read from
// storage straight into the engine's buffers.
using Point = storage::Sample;

// A range-vector element: a label set and its points in increasing time order.
struct Series {
  Labels metric;
  std::vector<Point> points;
};
// Range queries return series sorted by label set (as Prometheus does); an instant query of a
// range selector or subquery returns them in selection order.
using Matrix = std::vector<Series>;

// An instant-vector element. In a query result `t` is the evaluation time.
struct Sample {
  Labels metric;
  TimestampMs t = 0;
  double v = 0;
};
// In evaluation order: sort() / sort_desc() / topk() order is meaningful, otherwise it is not.
using Vector = std::vector<Sample>;

struct Scalar {
  TimestampMs t = 0;
  double v = 0;
};

struct String {
  TimestampMs t = 0;
  std::string v;
};

// The API's resultType: "scalar", "string", "vector", "matrix".
enum class ValueKind { kScalar, kString, kVector, kMatrix };
std::string_view ValueKindName(ValueKind k);

struct QueryResult {
  std::variant<Scalar, String, Vector, Matrix> value;
  // Non-fatal problems reported by storage (e.g. a block that could not be read).
  std::vector<std::string> warnings;

  ValueKind kind() const { return static_cast<ValueKind>(value.index()); }
};

}  // namespace vigie::promql
