#include "lib/promql_script.h"

#include <re2/re2.h>

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "promql/engine.h"
#include "promql/parser/functions.h"
#include "promql/parser/parser.h"
#include "promql/parser/printer.h"
#include "storage/value.h"
#include "tsdb/head.h"

namespace vigie::testing {

namespace {

using promql::parser::Expr;

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

Error LineError(int line, const std::string& msg) {
  return InvalidArgument("line " + std::to_string(line) + ": " + msg);
}

// A value as written in a series line: a number, or `stale`.
std::optional<double> ParseNumber(const std::string& s) {
  if (s == "stale") return storage::kStaleNaN;
  std::string l;
  for (char c : s) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (l == "nan") return std::nan("");
  if (l == "inf" || l == "+inf") return INFINITY;
  if (l == "-inf") return -INFINITY;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// One token of a series line: "_", "_xN", "v", "vxN", "v+dxN", "v-dxN".
Status ExpandToken(const std::string& tok, std::vector<std::optional<double>>* out) {
  std::string head = tok;
  long times = -1;
  size_t x = tok.rfind('x');
  if (x != std::string::npos && x + 1 < tok.size() &&
      tok.find_first_not_of("0123456789", x + 1) == std::string::npos) {
    head = tok.substr(0, x);
    times = std::stol(tok.substr(x + 1));
  }
  if (head == "_") {
    long n = times < 0 ? 1 : times;
    for (long i = 0; i < n; ++i) out->push_back(std::nullopt);
    return OkStatus();
  }
  if (times < 0) {
    auto v = ParseNumber(head);
    if (!v) return InvalidArgument("bad value '" + tok + "'");
    out->push_back(*v);
    return OkStatus();
  }
  // Split "a+b" / "a-b" at a sign that is not the leading one or part of an exponent.
  size_t op = std::string::npos;
  for (size_t i = 1; i < head.size(); ++i) {
    if ((head[i] == '+' || head[i] == '-') && head[i - 1] != 'e' && head[i - 1] != 'E') {
      op = i;
      break;
    }
  }
  std::optional<double> start, delta = 0.0;
  if (op == std::string::npos) {
    start = ParseNumber(head);
  } else {
    start = ParseNumber(head.substr(0, op));
    delta = ParseNumber(head.substr(op));
  }
  if (!start || !delta) return InvalidArgument("bad value '" + tok + "'");
  double v = *start;
  out->push_back(v);
  for (long i = 1; i <= times; ++i) {
    v += *delta;
    out->push_back(v);
  }
  return OkStatus();
}

// `metric{a="b"} values...` -> labels and the expanded values.
Status ParseSeriesLine(const std::string& line, Labels* labels,
                       std::vector<std::optional<double>>* values) {
  size_t i = 0;
  while (i < line.size() &&
         (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' || line[i] == ':')) {
    ++i;
  }
  if (i < line.size() && line[i] == '{') {
    bool quoted = false;
    for (++i; i < line.size(); ++i) {
      char c = line[i];
      if (quoted) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '}') {
        ++i;
        break;
      }
    }
  }
  std::string sel = line.substr(0, i);
  std::string rest = Trim(line.substr(i));
  if (sel == "{}") {
    *labels = Labels();
  } else {
    auto ms = promql::parser::ParseMetricSelector(sel);
    if (!ms.ok()) return InvalidArgument("bad series '" + sel + "': " + ms.error().message());
    std::vector<Label> ls;
    for (const auto& m : *ms) {
      if (m.type() != promql::parser::MatchType::kEqual) {
        return InvalidArgument("series '" + sel + "' must use = only");
      }
      ls.push_back({m.name(), m.value()});
    }
    *labels = Labels::FromUnsorted(std::move(ls));
  }
  std::istringstream in(rest);
  std::string tok;
  while (in >> tok) VIGIE_RETURN_IF_ERROR(ExpandToken(tok, values));
  return OkStatus();
}

bool AlmostEqual(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double kEpsilon = 0.000001;
  constexpr double kMinNormal = 2.2250738585072014e-308;
  double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || diff < kMinNormal) return diff < kEpsilon * kMinNormal;
  return diff / (std::fabs(a) + std::fabs(b)) < kEpsilon;
}

std::string Fmt(double v) {
  std::ostringstream o;
  o.precision(17);
  o << v;
  return o.str();
}

struct Expected {
  bool fail = false;
  bool ordered = false;
  std::optional<std::string> fail_message, fail_regexp;
  std::optional<double> scalar;
  std::optional<std::string> string;
  // Series in the order written, each with its values (one for instant vectors).
  std::vector<std::pair<Labels, std::vector<std::optional<double>>>> series;
};

std::string DescribeVector(const promql::Vector& v) {
  std::string out;
  for (const auto& s : v) out += "\n    " + s.metric.ToString() + " " + Fmt(s.v);
  return out.empty() ? " (empty)" : out;
}

Status CompareVector(const promql::Vector& got, const Expected& exp) {
  std::map<Labels, size_t> pos;
  for (size_t i = 0; i < exp.series.size(); ++i) pos[exp.series[i].first] = i;
  std::vector<bool> seen(exp.series.size());
  for (size_t i = 0; i < got.size(); ++i) {
    auto it = pos.find(got[i].metric);
    if (it == pos.end()) {
      return InvalidArgument("unexpected series " + got[i].metric.ToString() + " " + Fmt(got[i].v) +
                             " in result:" + DescribeVector(got));
    }
    if (exp.ordered && it->second != i) {
      return InvalidArgument("series " + got[i].metric.ToString() + " at position " +
                             std::to_string(i + 1) + ", expected at " +
                             std::to_string(it->second + 1) + ":" + DescribeVector(got));
    }
    const auto& want = exp.series[it->second].second;
    if (want.size() != 1 || !want[0]) return InvalidArgument("expected line needs one value");
    if (!AlmostEqual(*want[0], got[i].v)) {
      return InvalidArgument("expected " + Fmt(*want[0]) + " for " + got[i].metric.ToString() +
                             " but got " + Fmt(got[i].v));
    }
    if (seen[it->second]) return InvalidArgument("series twice: " + got[i].metric.ToString());
    seen[it->second] = true;
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) {
      return InvalidArgument("expected series " + exp.series[i].first.ToString() +
                             " not found in result:" + DescribeVector(got));
    }
  }
  return OkStatus();
}

// Matrix results: compares series sets and, per series, the values in order (timestamps are
// those of the data for range selectors, of the steps for range queries).
Status CompareMatrix(const promql::Matrix& got, const Expected& exp,
                     const std::vector<int64_t>* steps) {
  std::map<Labels, const promql::Series*> by;
  for (const auto& s : got) by[s.metric] = &s;
  if (by.size() != exp.series.size()) {
    std::string names;
    for (const auto& s : got) names += " " + s.metric.ToString();
    return InvalidArgument("expected " + std::to_string(exp.series.size()) + " series, got " +
                           std::to_string(got.size()) + ":" + names);
  }
  for (const auto& [labels, want] : exp.series) {
    auto it = by.find(labels);
    if (it == by.end()) return InvalidArgument("expected series " + labels.ToString() + " missing");
    const auto& pts = it->second->points;
    std::vector<std::optional<double>> have;
    if (steps != nullptr) {
      size_t j = 0;
      for (int64_t t : *steps) {
        if (j < pts.size() && pts[j].t == t) {
          have.push_back(pts[j++].v);
        } else {
          have.push_back(std::nullopt);
        }
      }
    } else {
      for (const auto& p : pts) have.push_back(p.v);
    }
    bool ok = have.size() == want.size();
    for (size_t i = 0; ok && i < have.size(); ++i) {
      ok = have[i].has_value() == want[i].has_value() &&
           (!have[i] || AlmostEqual(*have[i], *want[i]));
    }
    if (!ok) {
      std::string h, w;
      for (const auto& v : have) h += " " + (v ? Fmt(*v) : "_");
      for (const auto& v : want) w += " " + (v ? Fmt(*v) : "_");
      return InvalidArgument("series " + labels.ToString() + ": expected" + w + ", got" + h);
    }
  }
  return OkStatus();
}

Status CompareResult(const promql::QueryResult& r, const Expected& exp) {
  switch (r.kind()) {
    case promql::ValueKind::kScalar: {
      double v = std::get<promql::Scalar>(r.value).v;
      if (!exp.scalar) return InvalidArgument("got scalar " + Fmt(v) + ", expected no scalar");
      if (!AlmostEqual(*exp.scalar, v)) {
        return InvalidArgument("expected scalar " + Fmt(*exp.scalar) + " but got " + Fmt(v));
      }
      return OkStatus();
    }
    case promql::ValueKind::kString: {
      const auto& s = std::get<promql::String>(r.value).v;
      if (!exp.string || *exp.string != s)
        return InvalidArgument("unexpected string \"" + s + "\"");
      return OkStatus();
    }
    case promql::ValueKind::kVector:
      if (exp.scalar) return InvalidArgument("expected a scalar, got a vector");
      return CompareVector(std::get<promql::Vector>(r.value), exp);
    case promql::ValueKind::kMatrix:
      return CompareMatrix(std::get<promql::Matrix>(r.value), exp, nullptr);
  }
  return OkStatus();
}

// Prometheus's atModifierTestCases: the query with @ <t> on every selector and subquery not
// inside a subquery, unless a function depends on the evaluation time.
void SetAt(Expr& e, int64_t t, bool under_subquery) {
  namespace p = promql::parser;
  if (!under_subquery) {
    auto set = [t](p::TimeModifiers& m) {
      // Like Prometheus's runner, an unresolved start()/end() is replaced too.
      if (!m.at) {
        m.at = t;
        m.anchor = p::AtAnchor::kNone;
      }
    };
    if (auto* vs = e.As<p::VectorSelector>()) set(vs->modifiers);
    if (auto* ms = e.As<p::MatrixSelector>()) set(ms->selector.modifiers);
    if (auto* sq = e.As<p::SubqueryExpr>()) {
      set(sq->modifiers);
      under_subquery = true;
    }
  }
  for (Expr* c : p::MutableChildren(e)) SetAt(*c, t, under_subquery);
}

bool HasUnsafeFunction(const Expr& e) {
  bool unsafe = false;
  promql::parser::Inspect(e, [&](const Expr& n, const std::vector<const Expr*>&) {
    if (const auto* c = n.As<promql::parser::Call>())
      unsafe = unsafe || c->func->at_modifier_unsafe;
    return true;
  });
  return unsafe;
}

class Runner {
 public:
  explicit Runner(const PromqlScriptOptions& opts)
      : opts_(opts),
        engine_(promql::EngineOptions{.max_samples = opts.max_samples,
                                      .timeout = 100'000,
                                      .max_concurrency = 4,
                                      .lookback_delta = opts.lookback_delta_ms,
                                      .default_subquery_step = opts.default_subquery_step_ms}) {
    Clear();
  }

  void Clear() {
    head_.reset();
    metrics_ = std::make_unique<tsdb::HeadMetrics>();
    head_ = std::make_unique<tsdb::Head>(tsdb::HeadOptions{}, nullptr, metrics_.get());
  }

  Status Load(int64_t step, const std::vector<std::pair<int, std::string>>& lines) {
    auto app = head_->NewAppender();
    for (const auto& [no, line] : lines) {
      Labels labels;
      std::vector<std::optional<double>> values;
      if (Status st = ParseSeriesLine(line, &labels, &values); !st.ok()) {
        return LineError(no, st.error().message());
      }
      for (size_t i = 0; i < values.size(); ++i) {
        if (!values[i]) continue;
        auto r = app->Append(0, labels, static_cast<int64_t>(i) * step, *values[i]);
        if (!r.ok()) return LineError(no, "append: " + r.error().message());
      }
    }
    return app->Commit();
  }

  Status CheckInstant(int line, const std::string& query, int64_t t, const Expected& exp,
                      PromqlScriptStats* stats) {
    std::vector<std::pair<std::string, int64_t>> queries = {{query, t}};
    if (opts_.extra_checks) {
      auto parsed = promql::parser::ParseExpr(query);
      if (parsed.ok() && !HasUnsafeFunction(**parsed) &&
          (*parsed)->Type() != promql::parser::ValueType::kString) {
        SetAt(**parsed, t, false);
        std::string with_at = promql::parser::ToString(**parsed);
        std::vector<int64_t> times = t == 0 ? std::vector<int64_t>{-1000, 0, 1000}
                                            : std::vector<int64_t>{-10 * t, 0, t / 5, t, 10 * t};
        for (int64_t et : times) queries.push_back({with_at, et});
      }
    }
    for (const auto& [q, et] : queries) {
      ++stats->queries;
      auto r = engine_.InstantQuery(*head_, q, et);
      std::string where = "line " + std::to_string(line) + ": " + q + " at " + std::to_string(et);
      if (!r.ok()) {
        if (exp.fail) {
          if (exp.fail_message && r.error().message() != *exp.fail_message) {
            return InvalidArgument(where + ": error \"" + r.error().message() + "\", expected \"" +
                                   *exp.fail_message + "\"");
          }
          if (exp.fail_regexp && !RE2::PartialMatch(r.error().message(), *exp.fail_regexp)) {
            return InvalidArgument(where + ": error \"" + r.error().message() +
                                   "\" does not match " + *exp.fail_regexp);
          }
          continue;
        }
        return InvalidArgument(where + ": unexpected error: " + r.error().message());
      }
      if (exp.fail) return InvalidArgument(where + ": expected an error, got none");
      if (Status st = CompareResult(*r, exp); !st.ok()) {
        return InvalidArgument(where + ": " + st.error().message());
      }
      // start() and end() resolve to the range's ends in range mode: not comparable.
      if (!opts_.extra_checks || exp.ordered || q.find("start()") != std::string::npos ||
          q.find("end()") != std::string::npos) {
        continue;
      }
      if (r->kind() != promql::ValueKind::kVector && r->kind() != promql::ValueKind::kScalar) {
        continue;
      }
      ++stats->queries;
      auto rr = engine_.RangeQuery(*head_, q, et - 60'000, et + 60'000, 60'000);
      if (!rr.ok()) {
        return InvalidArgument(where + " in range mode: unexpected error: " + rr.error().message());
      }
      promql::Vector at_t;
      for (const auto& s : std::get<promql::Matrix>(rr->value)) {
        for (const auto& p : s.points) {
          if (p.t == et) at_t.push_back({s.metric, p.t, p.v});
        }
      }
      Status st;
      if (r->kind() == promql::ValueKind::kScalar) {
        if (at_t.empty()) return InvalidArgument(where + " in range mode: no scalar at t");
        promql::QueryResult sr{promql::Scalar{et, at_t[0].v}, {}};
        st = CompareResult(sr, exp);
      } else {
        st = CompareVector(at_t, exp);
      }
      if (!st.ok()) return InvalidArgument(where + " in range mode: " + st.error().message());
    }
    return OkStatus();
  }

  Status CheckRange(int line, const std::string& query, int64_t start, int64_t end, int64_t step,
                    const Expected& exp, PromqlScriptStats* stats) {
    ++stats->queries;
    std::string where = "line " + std::to_string(line) + ": " + query;
    auto r = engine_.RangeQuery(*head_, query, start, end, step);
    if (!r.ok()) {
      if (exp.fail) return OkStatus();
      return InvalidArgument(where + ": unexpected error: " + r.error().message());
    }
    if (exp.fail) return InvalidArgument(where + ": expected an error, got none");
    std::vector<int64_t> steps;
    for (int64_t t = start; t <= end; t += step) steps.push_back(t);
    if (Status st = CompareMatrix(std::get<promql::Matrix>(r->value), exp, &steps); !st.ok()) {
      return InvalidArgument(where + ": " + st.error().message());
    }
    return OkStatus();
  }

 private:
  PromqlScriptOptions opts_;
  promql::Engine engine_;
  std::unique_ptr<tsdb::HeadMetrics> metrics_;
  std::unique_ptr<tsdb::Head> head_;
};

Result<int64_t> ParseTime(const std::string& s) {
  auto d = promql::parser::ParsePromDuration(s);
  if (!d.ok()) return InvalidArgument("bad time '" + s + "'");
  return *d;
}

}  // namespace

Result<PromqlScriptStats> RunPromqlScript(std::string_view script,
                                          const PromqlScriptOptions& opts) {
  std::vector<std::string> lines;
  {
    std::string cur;
    std::istringstream in{std::string(script)};
    while (std::getline(in, cur)) {
      std::string t = Trim(cur);
      if (!t.empty() && t[0] == '#') t.clear();
      lines.push_back(t);
    }
  }
  static const RE2 kLoad(R"(load\s+(\S+))");
  static const RE2 kEvalInstant(R"(eval(?:_(fail|ordered))?\s+instant\s+(?:at\s+(\S+?))?\s+(.+))");
  static const RE2 kEvalRange(
      R"(eval(?:_(fail))?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+))");

  Runner runner(opts);
  PromqlScriptStats stats;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    const int no = static_cast<int>(i) + 1;
    if (l.empty()) continue;
    // The block of non-empty lines following a command.
    auto block = [&]() {
      std::vector<std::pair<int, std::string>> out;
      while (i + 1 < lines.size() && !lines[i + 1].empty()) {
        ++i;
        out.push_back({static_cast<int>(i) + 1, lines[i]});
      }
      return out;
    };
    std::string a, b, c, d, e;
    if (l == "clear") {
      runner.Clear();
    } else if (RE2::FullMatch(l, kLoad, &a)) {
      auto step = ParseTime(a);
      if (!step.ok()) return LineError(no, step.error().message());
      ++stats.loads;
      VIGIE_RETURN_IF_ERROR(runner.Load(*step, block()));
    } else if (RE2::FullMatch(l, kEvalInstant, &a, &b, &c) ||
               RE2::FullMatch(l, kEvalRange, &a, &b, &c, &d, &e)) {
      const bool range = l.find(" range ") != std::string::npos &&
                         RE2::FullMatch(l, kEvalRange, &a, &b, &c, &d, &e);
      ++stats.evals;
      Expected exp;
      exp.fail = a == "fail";
      exp.ordered = a == "ordered";
      for (const auto& [lno, el] : block()) {
        if (el.rfind("expected_fail_message ", 0) == 0) {
          exp.fail_message = el.substr(22);
          continue;
        }
        if (el.rfind("expected_fail_regexp ", 0) == 0) {
          exp.fail_regexp = el.substr(21);
          continue;
        }
        if (el.size() >= 2 && el.front() == '"' && el.back() == '"') {
          exp.string = el.substr(1, el.size() - 2);
          continue;
        }
        if (auto v = ParseNumber(el); v && !range) {
          exp.scalar = *v;
          continue;
        }
        Labels labels;
        std::vector<std::optional<double>> values;
        if (Status st = ParseSeriesLine(el, &labels, &values); !st.ok()) {
          return LineError(lno, st.error().message());
        }
        exp.series.push_back({std::move(labels), std::move(values)});
      }
      if (range) {
        auto start = ParseTime(b), end = ParseTime(c), step = ParseTime(d);
        if (!start.ok() || !end.ok() || !step.ok()) return LineError(no, "bad range times");
        VIGIE_RETURN_IF_ERROR(runner.CheckRange(no, e, *start, *end, *step, exp, &stats));
      } else {
        auto t = ParseTime(b.empty() ? "0" : b);
        if (!t.ok()) return LineError(no, t.error().message());
        VIGIE_RETURN_IF_ERROR(runner.CheckInstant(no, c, *t, exp, &stats));
      }
    } else {
      return LineError(no, "invalid command '" + l + "'");
    }
  }
  return stats;
}

}  // namespace vigie::testing
