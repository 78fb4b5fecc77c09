#include "docker/client.h"

#include <nlohmann/json.hpp>

#include "docker/parse.h"

namespace vigie::docker {

namespace {

constexpr std::string_view kApi = "/v1.41";

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool IsHexOrName(std::string_view id) {
  if (id.empty() || id.size() > 256) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string EncodeFilters(const Filters& filters) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, values] : filters) j[k] = values;
  return UrlEncode(j.dump());
}

Client::Client(std::unique_ptr<Transport> transport) : transport_(std::move(transport)) {}

std::unique_ptr<Client> Client::Open(const ClientOptions& options) {
  return std::make_unique<Client>(NewUnixSocketTransport(options.socket_path, options.timeout_ms));
}

Result<std::string> Client::Get(std::string_view target) {
  std::string full = std::string(kApi) + std::string(target);
  VIGIE_ASSIGN_OR_RETURN(HttpResponse r, transport_->Request("GET", full));
  if (r.status < 200 || r.status >= 300) {
    ErrorCode code = r.status == 404   ? ErrorCode::kNotFound
                     : r.status == 503 ? ErrorCode::kUnavailable
                     : r.status < 500  ? ErrorCode::kInvalidArgument
                                       : ErrorCode::kInternal;
    return Error(code, "Docker engine: GET " + full + ": HTTP " + std::to_string(r.status) + ": " +
                           ParseErrorMessage(r.body));
  }
  return std::move(r.body);
}

Result<std::vector<ContainerSummary>> Client::ListContainers(bool all, const Filters& filters) {
  std::string target = std::string("/containers/json?all=") + (all ? "1" : "0");
  if (!filters.empty()) target += "&filters=" + EncodeFilters(filters);
  VIGIE_ASSIGN_OR_RETURN(std::string body, Get(target));
  return ParseContainerList(body);
}

Result<ContainerInfo> Client::InspectContainer(std::string_view id) {
  if (!IsHexOrName(id)) return InvalidArgument("bad container id \"" + std::string(id) + "\"");
  VIGIE_ASSIGN_OR_RETURN(std::string body, Get("/containers/" + std::string(id) + "/json"));
  return ParseContainerInspect(body);
}

Result<Info> Client::GetInfo() {
  VIGIE_ASSIGN_OR_RETURN(std::string body, Get("/info"));
  return ParseInfo(body);
}

Result<Version> Client::GetVersion() {
  VIGIE_ASSIGN_OR_RETURN(std::string body, Get("/version"));
  return ParseVersion(body);
}

Result<std::vector<Node>> Client::ListNodes() {
  VIGIE_ASSIGN_OR_RETURN(std::string body, Get("/nodes"));
  return ParseNodes(body);
}

Result<std::vector<Service>> Client::ListServices() {
  VIGIE_ASSIGN_OR_RETURN(std::string body, Get("/services"));
  return ParseServices(body);
}

Result<std::vector<Task>> Client::ListTasks(const Filters& filters) {
  std::string target = "/tasks";
  if (!filters.empty()) target += "?filters=" + EncodeFilters(filters);
  VIGIE_ASSIGN_OR_RETURN(std::string body, Get(target));
  return ParseTasks(body);
}

Status Client::StreamEvents(const Filters& filters, int64_t since_unix_seconds,
                            const std::function<bool(const Event&)>& on_event) {
  std::string target = std::string(kApi) + "/events?";
  if (since_unix_seconds > 0) target += "since=" + std::to_string(since_unix_seconds) + "&";
  if (!filters.empty()) target += "filters=" + EncodeFilters(filters);
  // Events arrive as JSON objects separated by newlines, cut anywhere by the chunking.
  std::string pending;
  constexpr size_t kMaxLine = 1 << 20;
  return transport_->Stream(target, [&](std::string_view data) {
    pending.append(data);
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(pending.data() + start, nl - start);
      if (line.empty()) continue;
      auto e = ParseEvent(line);
      if (e.ok() && !on_event(*e)) return false;
    }
    pending.erase(0, start);
    if (pending.size() > kMaxLine) pending.clear();  // a runaway line: drop it, keep streaming
    return true;
  });
}

void Client::CancelStreams() { transport_->Cancel(); }

}  // namespace vigie::docker
