// Our PromQL parser beside Prometheus's own: a real Prometheus 2.42 (Debian's) formats or
// rejects each query through /api/v1/format_query and /api/v1/series, and we must print the
// same canonical form or report the same error, position included.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lib/process.h"
#include "lib/temp_dir.h"
#include "promql/parser/go_format.h"
#include "promql/parser/parser.h"
#include "promql/parser/printer.h"
#include "unit/promql/parser/query_generator.h"

namespace vigie::promql::parser {
namespace {

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

// Go's JSON encoder replaces invalid UTF-8 with U+FFFD; do the same to our messages.
std::string AsJsonWouldShow(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t w = 1;
    AppendRune(&out, DecodeRune(s, i, &w));
    i += w;
  }
  return out;
}

struct Verdict {
  bool ok = false;
  std::string text;  // canonical form, or the error without the API's prefix
};

class PrometheusParser {
 public:
  bool Start() {
    dir_ = std::make_unique<vigie::testing::TempDir>();
    std::string config = dir_->path() + "/prometheus.yml";
    std::ofstream(config) << "global: {}\n";
    port_ = vigie::testing::FreeTcpPort();
    auto child = vigie::testing::ChildProcess::Start(
        {"prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir_->path() + "/data",
         "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
        dir_->path() + "/log");
    if (!child.ok()) return false;
    child_ = std::make_unique<vigie::testing::ChildProcess>(std::move(child).value());
    return vigie::testing::WaitForHttpOk(port_, "/-/ready", 30000);
  }

  Verdict Format(std::string_view query) {
    return Call("/api/v1/format_query?query=" + UrlEncode(query), "query");
  }
  // Selectors go through /api/v1/series; an empty result or the emptiness check means parsed.
  Verdict Selector(std::string_view selector) {
    Verdict v = Call("/api/v1/series?match[]=" + UrlEncode(selector), "match[]");
    if (!v.ok && v.text.find("non-empty matcher") != std::string::npos) v = {true, ""};
    if (v.ok) v.text.clear();
    return v;
  }
  std::string Log() const { return child_ ? child_->Log() : ""; }

 private:
  Verdict Call(const std::string& path, const std::string& param) {
    auto body = vigie::testing::HttpGetBody(port_, path);
    if (!body.ok()) return {false, "HTTP: " + body.error().message()};
    auto j = nlohmann::json::parse(*body, nullptr, false);
    if (j.is_discarded()) return {false, "bad JSON: " + *body};
    if (j.value("status", "") == "success") {
      return {true, j["data"].is_string() ? j["data"].get<std::string>() : ""};
    }
    std::string err = j.value("error", "");
    std::string prefix = "invalid parameter \"" + param + "\": ";
    if (err.rfind(prefix, 0) == 0) err.erase(0, prefix.size());
    return {false, err};
  }

  std::unique_ptr<vigie::testing::TempDir> dir_;
  std::unique_ptr<vigie::testing::ChildProcess> child_;
  int port_ = 0;
};

Verdict Ours(std::string_view query) {
  auto r = ParseExpr(query);
  if (!r.ok()) return {false, AsJsonWouldShow(r.error().message())};
  return {true, Prettify(**r)};
}

Verdict OursSelector(std::string_view selector) {
  auto r = ParseMetricSelector(selector);
  if (!r.ok()) return {false, AsJsonWouldShow(r.error().message())};
  return {true, ""};
}

// Where our printer deliberately differs (docs/promql-parser.md): both parse, and ours keeps a
// modifier, a matcher or an unsigned Inf that Prometheus's printer loses.
bool KnownPrinterDeviation(const Verdict& theirs, const Verdict& ours) {
  if (!theirs.ok || !ours.ok) return false;
  for (const char* marker :
       {"ignoring () group_left", "ignoring () group_right", "__name__=\"\"", "Inf ^"}) {
    if (ours.text.find(marker) != std::string::npos) return true;
  }
  return false;
}

class PromqlParserVsPrometheus : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!vigie::testing::HaveProgram("prometheus")) GTEST_SKIP() << "prometheus not installed";
    ASSERT_TRUE(prom_.Start()) << prom_.Log();
  }
  PrometheusParser prom_;
};

TEST_F(PromqlParserVsPrometheus, GeneratedQueriesParseAndFailAlike) {
  testgen::QueryGenerator gen(42);
  int total = 0, same = 0, deviations = 0, valid = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string q = i % 3 == 0 ? gen.Expr() : i % 3 == 1 ? gen.Mutate(gen.Expr()) : gen.Chaos();
    Verdict theirs = prom_.Format(q);
    ASSERT_EQ(theirs.text.rfind("HTTP: ", 0), std::string::npos) << theirs.text;
    Verdict ours = Ours(q);
    ++total;
    valid += theirs.ok;
    if (theirs.ok == ours.ok && theirs.text == ours.text) {
      ++same;
    } else if (KnownPrinterDeviation(theirs, ours)) {
      ++deviations;
    } else {
      ADD_FAILURE() << "query: " << q << "\nprometheus: " << theirs.ok << " " << theirs.text
                    << "\nours:       " << ours.ok << " " << ours.text;
    }
  }
  std::printf(
      "promql parser vs prometheus: %d/%d identical, %d known printer deviations, "
      "%d valid queries\n",
      same, total, deviations, valid);
  EXPECT_GT(valid, 800);
}

TEST_F(PromqlParserVsPrometheus, SelectorsParseAndFailAlike) {
  testgen::QueryGenerator gen(43);
  int total = 0, same = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string q = i % 2 == 0 ? gen.Chaos() : gen.Mutate(gen.Expr());
    Verdict theirs = prom_.Selector(q);
    Verdict ours = OursSelector(q);
    ++total;
    if (theirs.ok == ours.ok && theirs.text == ours.text) {
      ++same;
    } else {
      ADD_FAILURE() << "selector: " << q << "\nprometheus: " << theirs.ok << " " << theirs.text
                    << "\nours:       " << ours.ok << " " << ours.text;
    }
  }
  std::printf("metric selectors vs prometheus: %d/%d identical\n", same, total);
}

}  // namespace
}  // namespace vigie::promql::parser
