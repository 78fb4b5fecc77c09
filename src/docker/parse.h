// Pure parsers from the Docker Engine API's JSON bodies to docker/types.h. Missing fields keep
// their defaults (older engines omit some); a body that is not the expected JSON shape is an
// error naming what was expected.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "docker/types.h"

namespace vigie::docker {

Result<std::vector<ContainerSummary>> ParseContainerList(std::string_view json);
Result<ContainerInfo> ParseContainerInspect(std::string_view json);
Result<Info> ParseInfo(std::string_view json);
Result<Version> ParseVersion(std::string_view json);
Result<std::vector<Node>> ParseNodes(std::string_view json);
Result<std::vector<Service>> ParseServices(std::string_view json);
Result<std::vector<Task>> ParseTasks(std::string_view json);
Result<Event> ParseEvent(std::string_view json);
// The "message" of an API error body ({"message": "..."}), or the body itself.
std::string ParseErrorMessage(std::string_view body);

// RFC 3339 with optional fraction (nanoseconds) and zone, as Docker writes times, to Unix ms.
// Docker's "0001-01-01T00:00:00Z" (never) is 0.
Result<TimestampMs> ParseDockerTime(std::string_view s);

}  // namespace vigie::docker
