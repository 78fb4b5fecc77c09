// Running a PromQL query through promql::Engine and rendering its value as Prometheus does:
//   vector: [{"metric":{...},"value":[t,"v"]}, ...]
//   matrix: [{"metric":{...},"values":[[t,"v"], ...]}, ...]
//   scalar: [t,"v"]   (Go's encoding/json: the time as a JSON float, the value 'f' formatted)
//   string: [t,"s"]
// Results are written straight from the engine's value into the (streaming) JSON writer.
#pragma once

#include <cstdint>
#include <string>

#include "api/api_impl.h"

namespace vigie::promql {
struct QueryResult;
}

namespace vigie::api {

struct QuerySpec {
  std::string query;
  TimestampMs start = 0;  // = end for instant queries
  TimestampMs end = 0;
  int64_t step_ms = 0;     // 0 for instant queries
  int64_t timeout_ms = 0;  // 0: the engine's default; -1: already expired
  bool instant = true;
};

// Parse errors are bad_data ("invalid parameter \"query\": ..." for instant queries, the bare
// message for range queries, as Prometheus); evaluation errors map through FromStatus.
ApiResult ExecQuery(const ApiOptions& options, const QuerySpec& spec);

// {"resultType":"...","result":...} for an engine result.
void WriteQueryResult(JsonWriter& w, const promql::QueryResult& result);

}  // namespace vigie::api
