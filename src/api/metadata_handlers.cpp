// /api/v1/series, /api/v1/labels and /api/v1/label/{name}/values.
#include <algorithm>
#include <set>

#include "api/api_impl.h"
#include "storage/merge.h"
#include "storage/querier.h"

namespace vigie::api {

namespace {

struct TimeRange {
  TimestampMs start = kMinTime;
  TimestampMs end = kMaxTime;
};

// start/end with Prometheus's defaults (the whole time range).
Result<TimeRange> RangeParams(const net::Params& form) {
  TimeRange r;
  VIGIE_ASSIGN_OR_RETURN(r.start, TimeParam(form, "start", kMinTime));
  VIGIE_ASSIGN_OR_RETURN(r.end, TimeParam(form, "end", kMaxTime));
  return r;
}

void WriteStrings(JsonWriter& w, const std::vector<std::string>& values) {
  w.BeginArray();
  for (const auto& v : values) w.String(v);
  w.EndArray();
}

}  // namespace

ApiResult Api::Impl::Series(const net::Params& form) {
  auto exprs = form.GetAll("match[]");
  if (exprs.empty()) return ApiResult::Error(ErrorType::kBadData, "no match[] parameter provided");
  auto range = RangeParams(form);
  if (!range.ok()) return ApiResult::Error(ErrorType::kBadData, range.error().message());
  auto sets = ParseMatchers(exprs);
  if (!sets.ok()) {
    return ApiResult::Error(ErrorType::kBadData,
                            "invalid parameter \"match[]\": " + sets.error().message());
  }
  auto querier = options_.queryable->NewQuerier(range->start, range->end);
  if (!querier.ok())
    return ApiResult::Error(FromStatus(querier.error()).type, querier.error().message());

  storage::SelectHints hints{
      .start = range->start, .end = range->end, .step_ms = 0, .func = "series"};
  std::unique_ptr<storage::SeriesSet> set;
  if (sets->size() > 1) {
    std::vector<std::unique_ptr<storage::SeriesSet>> parts;
    parts.reserve(sets->size());
    for (const auto& ms : *sets) parts.push_back((*querier)->Select(true, &hints, ms));
    set = storage::NewMergeSeriesSet(std::move(parts));
  } else {
    set = (*querier)->Select(false, &hints, sets->front());
  }
  // Collected before writing (as Prometheus does) so that a storage error becomes a clean
  // error response rather than a truncated body.
  auto labels = std::make_shared<std::vector<Labels>>();
  while (set->Next()) labels->push_back(set->At().labels());
  auto warnings = set->Warnings();
  if (auto st = set->Err(); !st.ok()) {
    auto e = FromStatus(st.error());
    ApiResult r = ApiResult::Error(e.type, e.message);
    return r;
  }
  return ApiResult::Data(
      [labels](JsonWriter& w) {
        w.BeginArray();
        for (const auto& l : *labels) w.LabelsObject(l);
        w.EndArray();
      },
      std::move(warnings));
}

ApiResult Api::Impl::LabelNames(const net::Params& form) {
  auto range = RangeParams(form);
  if (!range.ok()) return ApiResult::Error(ErrorType::kBadData, range.error().message());
  auto sets = ParseMatchers(form.GetAll("match[]"));
  if (!sets.ok()) return ApiResult::Error(ErrorType::kBadData, sets.error().message());
  auto querier = options_.queryable->NewQuerier(range->start, range->end);
  if (!querier.ok()) {
    auto e = FromStatus(querier.error());
    return ApiResult::Error(e.type, e.message);
  }
  auto names = std::make_shared<std::vector<std::string>>();
  if (!sets->empty()) {
    std::set<std::string> all;
    for (const auto& ms : *sets) {
      auto got = (*querier)->LabelNames(ms);
      if (!got.ok()) {
        auto e = FromStatus(got.error());
        return ApiResult::Error(e.type, e.message);
      }
      all.insert(got->begin(), got->end());
    }
    names->assign(all.begin(), all.end());
  } else {
    auto got = (*querier)->LabelNames({});
    if (!got.ok()) return ApiResult::Error(ErrorType::kExecution, got.error().message());
    *names = std::move(got).value();
  }
  return ApiResult::Data([names](JsonWriter& w) { WriteStrings(w, *names); });
}

ApiResult Api::Impl::LabelValues(std::string_view name, const net::Params& form) {
  if (!IsValidLabelName(name)) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    quoted.push_back('"');
    return ApiResult::Error(ErrorType::kBadData, "invalid label name: " + quoted);
  }
  auto range = RangeParams(form);
  if (!range.ok()) return ApiResult::Error(ErrorType::kBadData, range.error().message());
  auto sets = ParseMatchers(form.GetAll("match[]"));
  if (!sets.ok()) return ApiResult::Error(ErrorType::kBadData, sets.error().message());
  auto querier = options_.queryable->NewQuerier(range->start, range->end);
  if (!querier.ok()) return ApiResult::Error(ErrorType::kExecution, querier.error().message());
  std::string label(name);
  auto values = std::make_shared<std::vector<std::string>>();
  if (!sets->empty()) {
    std::set<std::string> all;
    for (const auto& ms : *sets) {
      auto got = (*querier)->LabelValues(label, ms);
      if (!got.ok()) return ApiResult::Error(ErrorType::kExecution, got.error().message());
      all.insert(got->begin(), got->end());
    }
    values->assign(all.begin(), all.end());
  } else {
    auto got = (*querier)->LabelValues(label, {});
    if (!got.ok()) return ApiResult::Error(ErrorType::kExecution, got.error().message());
    *values = std::move(got).value();
    std::sort(values->begin(), values->end());
  }
  return ApiResult::Data([values](JsonWriter& w) { WriteStrings(w, *values); });
}

}  // namespace vigie::api
