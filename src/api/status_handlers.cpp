// /api/v1/status/*, and the rule, alert and Alertmanager listings.
//
// Rules and alerts: vigie has no rules/ component yet (issue: rules and alerts), so
// /api/v1/rules answers {"groups":[]}, /api/v1/alerts {"alerts":[]} and /api/v1/alertmanagers
// empty lists, in Prometheus's shapes, so that Grafana and the UI see "no rules" rather than
// an error. Wire a rules retriever into ApiOptions once rules/ exists.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "api/api_impl.h"

namespace vigie::api {

namespace {

int ThreadCount() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return 0;
}

std::string WorkingDirectory() {
  char buf[4096];
  if (getcwd(buf, sizeof buf) == nullptr) return "";
  return buf;
}

void WriteStats(JsonWriter& w, const std::vector<TsdbStat>& stats) {
  w.BeginArray();
  for (const auto& s : stats) {
    w.BeginObject();
    w.Key("name");
    w.String(s.name);
    w.Key("value");
    w.Uint(s.value);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

ApiResult Api::Impl::BuildInfo() {
  const auto& b = options_.build_info;
  return ApiResult::Data([b](JsonWriter& w) {
    w.BeginObject();
    w.Key("version");
    w.String(b.version);
    w.Key("revision");
    w.String(b.revision);
    w.Key("branch");
    w.String(b.branch);
    w.Key("buildUser");
    w.String(b.build_user);
    w.Key("buildDate");
    w.String(b.build_date);
    w.Key("goVersion");
    w.String(b.go_version);
    w.EndObject();
  });
}

ApiResult Api::Impl::Config() {
  std::string yaml = options_.config_yaml ? options_.config_yaml() : "";
  return ApiResult::Data([yaml = std::move(yaml)](JsonWriter& w) {
    w.BeginObject();
    w.Key("yaml");
    w.String(yaml);
    w.EndObject();
  });
}

ApiResult Api::Impl::Flags() {
  return ApiResult::Data([flags = options_.flags](JsonWriter& w) {
    w.BeginObject();
    for (const auto& [k, v] : flags) {
      w.Key(k);
      w.String(v);
    }
    w.EndObject();
  });
}

ApiResult Api::Impl::RuntimeInfo() {
  ReloadState reload = options_.reload_state ? options_.reload_state() : ReloadState{};
  TimestampMs start = options_.start_time_ms;
  std::string retention = options_.storage_retention;
  return ApiResult::Data([=](JsonWriter& w) {
    w.BeginObject();
    w.Key("startTime");
    w.Time(start);
    w.Key("CWD");
    w.String(WorkingDirectory());
    w.Key("reloadConfigSuccess");
    w.Bool(reload.success);
    w.Key("lastConfigTime");
    w.Time(reload.last_time_ms);
    w.Key("corruptionCount");
    w.Int(0);
    // Prometheus reports goroutines and GOMAXPROCS; vigie's equivalents are its threads and
    // the CPUs it may use.
    w.Key("goroutineCount");
    w.Int(ThreadCount());
    w.Key("GOMAXPROCS");
    w.Int(static_cast<int64_t>(std::thread::hardware_concurrency()));
    w.Key("GOGC");
    w.String("");
    w.Key("GODEBUG");
    w.String("");
    w.Key("storageRetention");
    w.String(retention);
    w.EndObject();
  });
}

ApiResult Api::Impl::TsdbStatus() {
  if (!options_.tsdb_status) {
    return ApiResult::Error(ErrorType::kInternal, "TSDB statistics are not available");
  }
  auto s = std::make_shared<api::TsdbStatus>(options_.tsdb_status());
  return ApiResult::Data([s](JsonWriter& w) {
    w.BeginObject();
    w.Key("headStats");
    w.BeginObject();
    w.Key("numSeries");
    w.Uint(s->num_series);
    w.Key("numLabelPairs");
    w.Int(s->num_label_pairs);
    w.Key("chunkCount");
    w.Int(s->chunk_count);
    w.Key("minTime");
    w.Int(s->min_time);
    w.Key("maxTime");
    w.Int(s->max_time);
    w.EndObject();
    w.Key("seriesCountByMetricName");
    WriteStats(w, s->series_count_by_metric_name);
    w.Key("labelValueCountByLabelName");
    WriteStats(w, s->label_value_count_by_label_name);
    w.Key("memoryInBytesByLabelName");
    WriteStats(w, s->memory_in_bytes_by_label_name);
    w.Key("seriesCountByLabelValuePair");
    WriteStats(w, s->series_count_by_label_value_pair);
    w.EndObject();
  });
}

ApiResult Api::Impl::WalReplay() {
  // The WAL is replayed before the server starts listening, so replay is always complete.
  return ApiResult::Data([](JsonWriter& w) {
    w.BeginObject();
    w.Key("min");
    w.Int(0);
    w.Key("max");
    w.Int(0);
    w.Key("current");
    w.Int(0);
    w.EndObject();
  });
}

ApiResult Api::Impl::Rules(const net::Params& query) {
  std::string type(query.GetOr("type"));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!type.empty() && type != "alert" && type != "record") {
    return ApiResult::Error(ErrorType::kBadData,
                            "invalid parameter \"type\": not supported value \"" + type + "\"");
  }
  // No rules/ component yet: no groups (see the comment at the top of this file).
  return ApiResult::Data([](JsonWriter& w) {
    w.BeginObject();
    w.Key("groups");
    w.BeginArray();
    w.EndArray();
    w.EndObject();
  });
}

ApiResult Api::Impl::Alerts() {
  // No rules/ component yet: no alerts (see the comment at the top of this file).
  return ApiResult::Data([](JsonWriter& w) {
    w.BeginObject();
    w.Key("alerts");
    w.BeginArray();
    w.EndArray();
    w.EndObject();
  });
}

ApiResult Api::Impl::Alertmanagers() {
  return ApiResult::Data([](JsonWriter& w) {
    w.BeginObject();
    w.Key("activeAlertmanagers");
    w.BeginArray();
    w.EndArray();
    w.Key("droppedAlertmanagers");
    w.BeginArray();
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace vigie::api
