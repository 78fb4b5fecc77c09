// PromQL differential test: the same OpenMetrics data backfilled into a real Prometheus 2.42
// (promtool tsdb create-blocks-from openmetrics) and into vigie (vigie tsdb import openmetrics,
// or the same import in-process when the binary is not built), then a corpus of 400+ queries
// evaluated by both at the same instants and over the same ranges. Prometheus answers through
// its HTTP API; vigie's engine runs in-process on a tsdb::DB opened on the imported blocks.
// Series, labels, timestamps and values must agree (relative tolerance 1e-9, NaN equals NaN),
// and invalid queries must fail on both with the same errorType. Prints the match rate.
#include "promql_differential.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/fs.h"
#include "lib/process.h"
#include "lib/temp_dir.h"
#include "promql/engine.h"
#include "tsdb/db.h"
#include "tsdb/import.h"

namespace vigie::testing::promql_diff {
namespace {

using json = nlohmann::json;

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return buf;
}

// A query result in a form both sides convert to.
struct Outcome {
  bool ok = false;
  std::string error_type, error;
  std::string kind;  // scalar, string, vector, matrix
  std::string str;
  std::vector<std::pair<Labels, std::vector<promql::Point>>> series;  // in result order
};

double ParseValue(const std::string& s) {
  if (s == "NaN") return std::nan("");
  if (s == "+Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  return std::strtod(s.c_str(), nullptr);
}

promql::Point ParsePoint(const json& p) {
  double t = p[0].get<double>();
  return {static_cast<int64_t>(std::llround(t * 1000)), ParseValue(p[1].get<std::string>())};
}

Labels ParseLabels(const json& m) {
  std::vector<Label> ls;
  for (auto it = m.begin(); it != m.end(); ++it) ls.push_back({it.key(), it.value()});
  return Labels::FromUnsorted(std::move(ls));
}

Outcome FromPrometheus(const std::string& body) {
  Outcome o;
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    o.error_type = "unparsable";
    o.error = body.substr(0, 200);
    return o;
  }
  if (j["status"] != "success") {
    o.error_type = j.value("errorType", "");
    o.error = j.value("error", "");
    return o;
  }
  o.ok = true;
  const json& d = j["data"];
  o.kind = d["resultType"];
  const json& r = d["result"];
  if (o.kind == "scalar") {
    o.series.push_back({Labels(), {ParsePoint(r)}});
  } else if (o.kind == "string") {
    o.str = r[1].get<std::string>();
  } else {
    for (const auto& s : r) {
      std::vector<promql::Point> pts;
      if (o.kind == "vector") {
        pts.push_back(ParsePoint(s["value"]));
      } else {
        for (const auto& p : s["values"]) pts.push_back(ParsePoint(p));
      }
      o.series.push_back({ParseLabels(s["metric"]), std::move(pts)});
    }
  }
  return o;
}

Outcome FromVigie(const Result<promql::QueryResult>& r) {
  Outcome o;
  if (!r.ok()) {
    o.error_type = std::string(promql::ErrorTypeName(promql::ClassifyError(r.error())));
    o.error = r.error().message();
    return o;
  }
  o.ok = true;
  o.kind = std::string(promql::ValueKindName(r->kind()));
  switch (r->kind()) {
    case promql::ValueKind::kScalar: {
      const auto& s = std::get<promql::Scalar>(r->value);
      o.series.push_back({Labels(), {{s.t, s.v}}});
      break;
    }
    case promql::ValueKind::kString:
      o.str = std::get<promql::String>(r->value).v;
      break;
    case promql::ValueKind::kVector:
      for (const auto& s : std::get<promql::Vector>(r->value)) {
        o.series.push_back({s.metric, {{s.t, s.v}}});
      }
      break;
    case promql::ValueKind::kMatrix:
      for (const auto& s : std::get<promql::Matrix>(r->value)) {
        o.series.push_back({s.metric, s.points});
      }
      break;
  }
  return o;
}

bool Close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

std::string Show(const Outcome& o) {
  if (!o.ok) return "error " + o.error_type + ": " + o.error;
  std::ostringstream out;
  out << o.kind;
  if (o.kind == "string") out << " \"" << o.str << "\"";
  size_t shown = 0;
  for (const auto& [l, pts] : o.series) {
    if (++shown > 4) {
      out << "\n      ... " << o.series.size() << " series";
      break;
    }
    out << "\n      " << l.ToString() << " " << pts.size() << " points";
    for (size_t i = 0; i < std::min<size_t>(pts.size(), 3); ++i) {
      out << " " << pts[i].v << "@" << pts[i].t;
    }
  }
  return out.str();
}

// Empty string when equal, else what differs.
std::string Compare(const Outcome& vigie, const Outcome& prom, bool ordered) {
  if (vigie.ok != prom.ok) return "one side failed";
  if (!vigie.ok) {
    return vigie.error_type == prom.error_type ? "" : "errorType differs";
  }
  if (vigie.kind != prom.kind) return "result type differs";
  if (vigie.kind == "string") return vigie.str == prom.str ? "" : "string differs";
  if (vigie.series.size() != prom.series.size()) return "number of series differs";
  std::map<Labels, const std::vector<promql::Point>*> by;
  for (const auto& [l, pts] : prom.series) by[l] = &pts;
  for (size_t i = 0; i < vigie.series.size(); ++i) {
    const auto& [l, pts] = vigie.series[i];
    auto it = by.find(l);
    if (it == by.end()) return "series " + l.ToString() + " only in vigie";
    const auto& want = *it->second;
    if (want.size() != pts.size()) return "points of " + l.ToString() + " differ in number";
    for (size_t k = 0; k < pts.size(); ++k) {
      if (pts[k].t != want[k].t) return "timestamps of " + l.ToString() + " differ";
      if (!Close(pts[k].v, want[k].v)) {
        std::ostringstream o;
        o.precision(17);
        o << "value of " << l.ToString() << " at " << pts[k].t << ": " << pts[k].v << " vs "
          << want[k].v;
        return o.str();
      }
    }
    if (ordered && !Close(prom.series[i].second[0].v, pts[0].v)) return "order differs";
  }
  return "";
}

class PromqlDifferentialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!HaveProgram("prometheus") || !HaveProgram("promtool")) return;
    dir_ = new TempDir();
    const std::string data = dir_->Join("data.om");
    std::ofstream(data) << GenerateOpenMetrics();
    const std::string prom_dir = dir_->Join("prometheus");
    std::string cmd = "promtool tsdb create-blocks-from openmetrics " + data + " " + prom_dir +
                      " > " + dir_->Join("promtool.log") + " 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "promtool failed";

    // vigie: the CLI when it is built, otherwise the same import in-process.
    const std::string vigie_dir = dir_->Join("vigie");
    std::string vigie_cmd = VigieBinary() + " tsdb import openmetrics " + data + " " + vigie_dir +
                            " > " + dir_->Join("vigie-import.log") + " 2>&1";
    if (std::ifstream(VigieBinary()).good() && std::system(vigie_cmd.c_str()) == 0) {
      import_path_ = "vigie tsdb import openmetrics (CLI)";
    } else {
      auto r = tsdb::ImportOpenMetrics(fs::Real(), data, vigie_dir, tsdb::ImportOptions{});
      ASSERT_TRUE(r.ok()) << r.error().message();
      import_path_ = "tsdb::ImportOpenMetrics in-process (vigie binary not built)";
    }
    tsdb::Options opts;
    opts.dir = vigie_dir;
    opts.compaction_interval_ms = 0;
    opts.retention_ms = 0;
    opts.wal_enabled = false;
    auto db = tsdb::DB::Open(opts);
    ASSERT_TRUE(db.ok()) << db.error().message();
    db_ = std::move(db).value().release();

    std::ofstream(dir_->Join("prometheus.yml")) << "global:\n  evaluation_interval: 1m\n";
    // vigie's HTTP API too when the binary is built: a second copy of the blocks, served by
    // `vigie server` (the in-process DB above keeps its own directory).
    if (import_path_.find("CLI") != std::string::npos) {
      const std::string served = dir_->Join("vigie-served");
      std::string cp = "cp -r " + vigie_dir + " " + served;
      if (std::system(cp.c_str()) == 0) {
        vigie_port_ = FreeTcpPort();
        auto v = ChildProcess::Start(
            {VigieBinary(), "server", "--config.file=" + dir_->Join("prometheus.yml"),
             "--storage.tsdb.path=" + served, "--storage.tsdb.retention.time=100y",
             "--web.listen-address=127.0.0.1:" + std::to_string(vigie_port_)},
            dir_->Join("vigie-server.log"));
        if (v.ok()) {
          vigie_server_ = new ChildProcess(std::move(v).value());
          if (!WaitForHttpOk(vigie_port_, "/-/ready", 60000)) {
            ADD_FAILURE() << "vigie server did not become ready: " << vigie_server_->Log();
            vigie_server_->Stop();
            delete vigie_server_;
            vigie_server_ = nullptr;
          }
        }
      }
    }
    port_ = FreeTcpPort();
    auto child = ChildProcess::Start(
        {"prometheus", "--config.file=" + dir_->Join("prometheus.yml"),
         "--storage.tsdb.path=" + prom_dir, "--storage.tsdb.retention.time=100y",
         "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
        dir_->Join("prometheus.log"));
    ASSERT_TRUE(child.ok());
    prom_ = new ChildProcess(std::move(child).value());
    ASSERT_TRUE(WaitForHttpOk(port_, "/-/ready", 60000)) << prom_->Log();
  }

  static void TearDownTestSuite() {
    if (vigie_server_) vigie_server_->Stop();
    delete vigie_server_;
    vigie_server_ = nullptr;
    if (prom_) prom_->Stop();
    delete prom_;
    if (db_) (void)db_->Close();
    delete db_;
    delete dir_;
    prom_ = nullptr;
    db_ = nullptr;
    dir_ = nullptr;
  }

  void SetUp() override {
    if (prom_ == nullptr) GTEST_SKIP() << "prometheus/promtool not installed";
  }

  Outcome Prometheus(const std::string& path) { return Http(port_, path); }

  static Outcome Http(int port, const std::string& path) {
    int status = 0;
    auto body = HttpGetBody(port, path, &status);
    if (!body.ok()) {
      Outcome o;
      o.error_type = "transport";
      o.error = body.error().message();
      return o;
    }
    return FromPrometheus(*body);
  }

  static TempDir* dir_;
  static ChildProcess* prom_;
  static tsdb::DB* db_;
  static int port_;
  static std::string import_path_;
  static ChildProcess* vigie_server_;
  static int vigie_port_;
};

TempDir* PromqlDifferentialTest::dir_ = nullptr;
ChildProcess* PromqlDifferentialTest::prom_ = nullptr;
tsdb::DB* PromqlDifferentialTest::db_ = nullptr;
int PromqlDifferentialTest::port_ = 0;
std::string PromqlDifferentialTest::import_path_;
ChildProcess* PromqlDifferentialTest::vigie_server_ = nullptr;
int PromqlDifferentialTest::vigie_port_ = 0;

TEST_F(PromqlDifferentialTest, CorpusMatchesPrometheus) {
  promql::Engine engine;
  const auto corpus = Corpus();
  ASSERT_GE(corpus.size(), 400u);
  const int64_t m = 60'000;
  const std::vector<int64_t> instants = {kStartMs + 17 * m + 7'000, kStartMs + 90 * m,
                                         kStartMs + kDurationMs, kStartMs + kDurationMs + 210'000};
  const int64_t range_start = kStartMs + 10 * m, range_end = kStartMs + kDurationMs + 5 * m;
  const int64_t range_step = 73'000;

  size_t matched = 0, comparisons = 0, comparisons_ok = 0, nonempty = 0, errors = 0;
  size_t http_comparisons = 0, http_ok = 0;
  std::vector<std::string> http_mismatches;
  std::vector<std::string> mismatches;
  std::map<std::string, std::pair<int, int>> by_area;  // area -> (matched, total)
  for (const auto& query : corpus) {
    const bool ordered = query.expr.rfind("sort", 0) == 0;
    std::string problem;
    bool failed_somewhere = false;
    auto check = [&](const std::string& mode, const Outcome& v, const Outcome& p) {
      ++comparisons;
      if (!p.ok) ++errors;
      if (p.ok && (!p.series.empty() || p.kind == "string")) ++nonempty;
      std::string diff = Compare(v, p, ordered);
      if (diff.empty() && query.expect_error && v.ok) diff = "expected an error on both";
      if (diff.empty()) {
        ++comparisons_ok;
        return;
      }
      if (!failed_somewhere) {
        problem = query.expr + "  [" + mode + "]: " + diff + "\n    vigie:      " + Show(v) +
                  "\n    prometheus: " + Show(p);
      }
      failed_somewhere = true;
    };
    auto check_http = [&](const std::string& mode, const std::string& path, const Outcome& p) {
      if (vigie_server_ == nullptr) return;
      ++http_comparisons;
      Outcome v = Http(vigie_port_, path);
      std::string diff = Compare(v, p, ordered);
      if (diff.empty()) {
        ++http_ok;
        return;
      }
      http_mismatches.push_back(query.expr + "  [http " + mode + "]: " + diff +
                                "\n    vigie:      " + Show(v) + "\n    prometheus: " + Show(p));
    };
    for (int64_t t : instants) {
      Outcome v = FromVigie(engine.InstantQuery(*db_, query.expr, t));
      const std::string path =
          "/api/v1/query?query=" + UrlEncode(query.expr) + "&time=" + Seconds(t);
      Outcome p = Prometheus(path);
      check("instant @" + std::to_string(t), v, p);
      check_http("instant @" + std::to_string(t), path, p);
      if (!p.ok && !query.expect_error) break;  // not a valid query: one comparison is enough
    }
    // A long range with an odd step, and a short one at the scrape interval around the counter
    // reset and the short gap.
    const std::vector<std::array<int64_t, 3>> ranges = {
        {range_start, range_end, range_step}, {kStartMs + 58 * m, kStartMs + 75 * m, 15'000}};
    for (const auto& [start, end, step] : ranges) {
      const std::string path = "/api/v1/query_range?query=" + UrlEncode(query.expr) +
                               "&start=" + Seconds(start) + "&end=" + Seconds(end) +
                               "&step=" + Seconds(step);
      Outcome pr = Prometheus(path);
      Outcome vr = FromVigie(engine.RangeQuery(*db_, query.expr, start, end, step));
      check("range step " + std::to_string(step), vr, pr);
      check_http("range step " + std::to_string(step), path, pr);
      if (!pr.ok) break;
    }
    auto& a = by_area[query.area];
    ++a.second;
    if (!failed_somewhere) {
      ++matched;
      ++a.first;
    } else {
      mismatches.push_back(problem);
    }
  }
  std::printf(
      "PromQL differential test (%s): %zu/%zu queries match (%.1f%%), %zu/%zu "
      "comparisons (%zu with data, %zu errors)\n",
      import_path_.c_str(), matched, corpus.size(), 100.0 * matched / corpus.size(), comparisons_ok,
      comparisons, nonempty, errors);
  for (const auto& [area, c] : by_area) {
    if (c.first != c.second) std::printf("  %-22s %d/%d\n", area.c_str(), c.first, c.second);
  }
  for (const auto& mm : mismatches) std::printf("MISMATCH %s\n", mm.c_str());
  if (vigie_server_ != nullptr) {
    std::printf("Through vigie's HTTP API (vigie server): %zu/%zu comparisons match (%.1f%%)\n",
                http_ok, http_comparisons, 100.0 * http_ok / std::max<size_t>(http_comparisons, 1));
    for (const auto& mm : http_mismatches) std::printf("HTTP MISMATCH %s\n", mm.c_str());
  } else {
    std::printf("vigie server not available: compared the engine in-process only\n");
  }
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " queries differ (see above)";
  EXPECT_TRUE(http_mismatches.empty())
      << http_mismatches.size() << " comparisons through vigie's HTTP API differ (see above)";
}

}  // namespace
}  // namespace vigie::testing::promql_diff
