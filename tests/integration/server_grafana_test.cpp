// The requests Grafana's Prometheus data source sends (docs/grafana.md lists them with their
// sources), sent with Grafana's headers to `vigie server` and, side by side, to Debian's
// Prometheus 2.42; both scrape the same prometheus-node-exporter and themselves. For each
// request the status codes must be equal and the JSON responses must have the same shape:
// the same keys at every level and the same types (string, number, bool, array, object), so
// that whatever Grafana reads from Prometheus it finds in vigie's answer too.
#include <cmath>

#include "server_test_fixture.h"

namespace vigie::testing {
namespace {

// The structure of a JSON value: objects keep their keys (values replaced by their shapes),
// arrays are reduced to the shape of their first element, scalars to their type name.
nlohmann::json Shape(const nlohmann::json& j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : j.items()) out[k] = Shape(v);
    return out;
  }
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    if (!j.empty()) out.push_back(Shape(j.front()));
    return out;
  }
  if (j.is_string()) return "string";
  if (j.is_number()) return "number";
  if (j.is_boolean()) return "bool";
  return "null";
}

// Grafana's time format for start/end/time: float seconds, no exponent.
std::string GrafanaTime(double secs) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", secs);
  std::string s(buf);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

struct GrafanaRequest {
  std::string name;
  std::string method;
  std::string target;  // path?query
  std::string form;    // POST body (application/x-www-form-urlencoded)
  // When set, compares only this member of "data" (data whose keys are metric names that
  // differ between the two servers, e.g. /api/v1/metadata).
  std::string data_member;
};

class GrafanaCompatTest : public ServerFixture {
 protected:
  void SetUp() override {
    if (auto missing = MissingTool({"prometheus-node-exporter", "prometheus"}); !missing.empty()) {
      GTEST_SKIP() << missing << " is not installed (scripts/setup installs it)";
    }
    StartNodeExporter();
    vigie_port_ = FreeTcpPort();
    StartVigie(Config(vigie_port_));
    prom_port_ = FreeTcpPort();
    StartPrometheus(Config(prom_port_));
    ASSERT_TRUE(WaitForUp(vigie_port_, {"node", "prometheus"})) << vigie_->Log();
    ASSERT_TRUE(WaitForUp(prom_port_, {"node", "prometheus"})) << prometheus_->Log();
    // A few scrapes so that range queries and rate() have data on both.
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }

  // Headers Grafana's backend sends to the data source (values as Grafana 9/10 send them).
  static net::Headers GrafanaHeaders() {
    net::Headers h;
    h.Set("User-Agent", "Grafana/9.4.3");
    h.Set("Accept", "application/json, text/plain, */*");
    h.Set("X-Grafana-Org-Id", "1");
    // Accept-Encoding: gzip is added (and the body decoded) by the HTTP client.
    return h;
  }

  std::vector<GrafanaRequest> Requests() const {
    double now = std::floor(
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    std::string start = GrafanaTime(now - 60), end = GrafanaTime(now), t = GrafanaTime(now);
    std::string range = "&start=" + start + "&end=" + end;
    auto q = [](const std::string& expr) { return net::PercentEncode(expr); };
    std::string rate = q("sum by (mode) (rate(node_cpu_seconds_total[5s]))");
    return {
        // Data source health check ("Save & test") and version detection.
        {"health check", "GET", "/api/v1/query?query=" + q("1+1") + "&time=" + t, "", ""},
        {"health check (POST)", "POST", "/api/v1/query", "query=" + q("1+1") + "&time=" + t, ""},
        // The same with the form encoding of "1 + 1" ('+' for spaces), as a browser sends it.
        {"health check (form-encoded spaces)", "GET", "/api/v1/query?query=1+%2B+1&time=" + t, "",
         ""},
        {"buildinfo", "GET", "/api/v1/status/buildinfo", "", ""},
        // Panels: range queries (POST is the default HTTP method), instant queries.
        {"query_range POST", "POST", "/api/v1/query_range", "query=" + rate + range + "&step=5",
         ""},
        {"query_range GET", "GET",
         "/api/v1/query_range?query=" + q("up{job=\"node\"}") + range + "&step=15", "", ""},
        {"query_range fractional step", "GET",
         "/api/v1/query_range?query=" + q("node_load1") + range + "&step=0.5", "", ""},
        {"instant query POST", "POST", "/api/v1/query", "query=" + q("up") + "&time=" + t, ""},
        {"instant query GET", "GET",
         "/api/v1/query?query=" + q("node_memory_MemTotal_bytes") + "&time=" + t, "", ""},
        {"scalar query", "GET", "/api/v1/query?query=" + q("scalar(count(up))") + "&time=" + t, "",
         ""},
        // Query editor, metrics browser and template variables.
        {"label names", "GET", "/api/v1/labels?" + range.substr(1), "", ""},
        {"label names with match (POST)", "POST", "/api/v1/labels",
         "match%5B%5D=" + q("up") + range, ""},
        {"metric names", "GET", "/api/v1/label/__name__/values?" + range.substr(1), "", ""},
        {"metric names with match", "GET",
         "/api/v1/label/__name__/values?match%5B%5D=" + q("{job=\"node\"}") + range, "", ""},
        {"label values", "GET", "/api/v1/label/job/values?" + range.substr(1), "", ""},
        {"label values with match", "GET",
         "/api/v1/label/mode/values?match%5B%5D=" + q("node_cpu_seconds_total{job=\"node\"}") +
             range,
         "", ""},
        {"series", "GET",
         "/api/v1/series?match%5B%5D=" + q("node_cpu_seconds_total{job=\"node\"}") + range, "", ""},
        {"series (POST)", "POST", "/api/v1/series", "match%5B%5D=" + q("up{job=\"node\"}") + range,
         ""},
        {"metadata", "GET", "/api/v1/metadata", "", "node_load1"},
        {"metadata of one metric", "GET", "/api/v1/metadata?metric=node_load1", "", ""},
        // Annotations from a PromQL query: a range query at the annotation's step.
        {"annotations", "POST", "/api/v1/query_range",
         "query=" + q("changes(node_load1[1m]) >= 0") + range + "&step=60", ""},
        // Exemplars toggle, alerting views.
        {"exemplars", "GET", "/api/v1/query_exemplars?query=" + q("up") + range, "", ""},
        {"exemplars (POST)", "POST", "/api/v1/query_exemplars", "query=" + q("up") + range, ""},
        {"rules", "GET", "/api/v1/rules", "", ""},
        {"alerts", "GET", "/api/v1/alerts", "", ""},
        // What an invalid query from a user looks like.
        {"bad query", "GET", "/api/v1/query?query=" + q("sum(") + "&time=" + t, "", ""},
        {"bad range", "POST", "/api/v1/query_range",
         "query=up&start=" + end + "&end=" + start + "&step=15", ""},
    };
  }
};

TEST_F(GrafanaCompatTest, EveryRequestAnswersLikePrometheus) {
  for (const auto& r : Requests()) {
    SCOPED_TRACE(r.name + ": " + r.method + " " + r.target + (r.form.empty() ? "" : " " + r.form));
    auto ours = Do(r.method, vigie_port_, r.target, r.form, GrafanaHeaders());
    auto theirs = Do(r.method, prom_port_, r.target, r.form, GrafanaHeaders());
    EXPECT_EQ(ours.status, theirs.status)
        << "vigie: " << ours.body << "\nprometheus: " << theirs.body;
    EXPECT_EQ(ours.headers.GetOr("Content-Type"), "application/json");
    auto a = nlohmann::json::parse(ours.body, nullptr, false);
    auto b = nlohmann::json::parse(theirs.body, nullptr, false);
    ASSERT_FALSE(a.is_discarded()) << ours.body;
    ASSERT_FALSE(b.is_discarded()) << theirs.body;
    EXPECT_EQ(a["status"], b["status"]);
    if (b["status"] == "success") {
      ASSERT_TRUE(a.contains("data")) << ours.body;
      nlohmann::json da = a["data"], db = b["data"];
      if (!r.data_member.empty()) {
        ASSERT_TRUE(da.contains(r.data_member)) << ours.body;
        ASSERT_TRUE(db.contains(r.data_member)) << theirs.body;
        da = da[r.data_member];
        db = db[r.data_member];
      }
      EXPECT_EQ(Shape(da), Shape(db)) << "vigie: " << ours.body << "\nprometheus: " << theirs.body;
    } else {
      EXPECT_EQ(a["errorType"], b["errorType"]);
      EXPECT_TRUE(a["error"].is_string() && !a["error"].get<std::string>().empty());
    }
  }
}

TEST_F(GrafanaCompatTest, BrowserAccessPreflight) {
  // Grafana's (deprecated) browser access mode calls the API from the page: CORS.
  net::Headers h = GrafanaHeaders();
  h.Set("Origin", "http://grafana.example:3000");
  h.Set("Access-Control-Request-Method", "POST");
  auto ours = Do("OPTIONS", vigie_port_, "/api/v1/query_range", "", h);
  auto theirs = Do("OPTIONS", prom_port_, "/api/v1/query_range", "", h);
  EXPECT_EQ(ours.status, theirs.status);
  for (std::string header : {"Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
                             "Access-Control-Allow-Headers"}) {
    EXPECT_EQ(ours.headers.GetOr(header), theirs.headers.GetOr(header)) << header;
  }
  auto get = Do("GET", vigie_port_, "/api/v1/labels", "", h);
  EXPECT_EQ(get.headers.GetOr("Access-Control-Allow-Origin"), "*");
}

TEST_F(GrafanaCompatTest, ValuesAgreeForStableQueries) {
  // Beyond shape: answers that do not depend on scrape timing are equal.
  for (std::string expr :
       {"count(up)", "count(node_cpu_seconds_total)", "max(node_memory_MemTotal_bytes)"}) {
    std::string target = "/api/v1/query?query=" + net::PercentEncode(expr);
    auto a = GetJson(vigie_port_, target);
    auto b = GetJson(prom_port_, target);
    ASSERT_EQ(a["data"]["result"].size(), 1u) << a.dump();
    ASSERT_EQ(b["data"]["result"].size(), 1u) << b.dump();
    EXPECT_EQ(a["data"]["result"][0]["value"][1], b["data"]["result"][0]["value"][1]) << expr;
  }
  auto a = GetJson(vigie_port_, "/api/v1/label/mode/values?match[]=node_cpu_seconds_total");
  auto b = GetJson(prom_port_, "/api/v1/label/mode/values?match[]=node_cpu_seconds_total");
  EXPECT_EQ(a["data"], b["data"]);
}

}  // namespace
}  // namespace vigie::testing
