// Random PromQL queries for property and differential tests: mostly well-formed expressions over
// every construct of the language, plus single-edit mutations that exercise the error paths.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace vigie::promql::parser::testgen {

class QueryGenerator {
 public:
  explicit QueryGenerator(uint32_t seed) : rng_(seed) {}

  std::string Expr(int depth = 0) {
    int r = Uniform(0, 99);
    if (depth > 3 || r < 25) return Leaf();
    if (r < 35) return Modifiers(Selector() + "[" + Pick(kDurations) + "]");
    if (r < 52)
      return Expr(depth + 1) + " " + Pick(kBinOps) + BinModifiers() + " " + Expr(depth + 1);
    if (r < 58) return std::string(Uniform(0, 1) ? "-" : "+") + Expr(depth + 1);
    if (r < 66) return "(" + Expr(depth + 1) + ")";
    if (r < 78) return Pick(kFuncs) + "(" + Args(depth, Uniform(0, 3)) + ")";
    if (r < 90) {
      std::string agg = Pick(kAggs), grouping;
      if (Uniform(0, 1))
        grouping = std::string(Uniform(0, 1) ? "by" : "without") + " (" + Labels() + ")";
      std::string args = Args(depth, Uniform(1, 2));
      return Uniform(0, 1) ? agg + " " + grouping + " (" + args + ")"
                           : agg + "(" + args + ") " + grouping;
    }
    return Modifiers(Expr(depth + 1) + "[" + Pick(kDurations) + ":" +
                     (Uniform(0, 1) ? Pick(kDurations) : "") + "]");
  }

  // A short random string over PromQL's characters and words (stresses the lexer).
  std::string Chaos() {
    std::string out;
    int n = Uniform(1, 14);
    for (int i = 0; i < n; ++i) out += Pick(kChaos);
    return out;
  }

  // Deletes, inserts or replaces one piece of a query.
  std::string Mutate(const std::string& q) {
    if (q.empty()) return q;
    std::string out = q;
    size_t i = static_cast<size_t>(Uniform(0, static_cast<int>(q.size()) - 1));
    switch (Uniform(0, 2)) {
      case 0:
        out.erase(i, static_cast<size_t>(Uniform(1, 3)));
        break;
      case 1:
        out.insert(i, Pick(kNoise));
        break;
      default:
        out[i] = Pick(kNoise)[0];
        break;
    }
    return out;
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <size_t N>
  std::string Pick(const char* const (&options)[N]) {
    return options[Uniform(0, static_cast<int>(N) - 1)];
  }

  std::string Labels() {
    std::string out;
    int n = Uniform(0, 2);
    for (int i = 0; i < n; ++i) out += (i ? ", " : "") + Pick(kLabels);
    return out;
  }
  std::string Selector() {
    std::string matchers = "{";
    int n = Uniform(0, 3);
    for (int i = 0; i < n; ++i) {
      matchers += (i ? ", " : "") + Pick(kLabels) + Pick(kMatchOps) + Pick(kStrings);
    }
    matchers += "}";
    switch (Uniform(0, 2)) {
      case 0:
        return Pick(kMetrics);
      case 1:
        return Pick(kMetrics) + matchers;
      default:
        return matchers;
    }
  }
  std::string Modifiers(std::string s) {
    if (Uniform(0, 4) == 0)
      s += std::string(" offset ") + (Uniform(0, 1) ? "-" : "") + Pick(kDurations);
    if (Uniform(0, 5) == 0) s += " @ " + Pick(kTimestamps);
    return s;
  }
  std::string Leaf() {
    int r = Uniform(0, 9);
    if (r < 6) return Modifiers(Selector());
    if (r < 8) return Pick(kNumbers);
    return Pick(kStrings);
  }
  std::string BinModifiers() {
    std::string m;
    if (Uniform(0, 4) == 0) m += " bool";
    if (Uniform(0, 2) == 0) {
      m += std::string(Uniform(0, 1) ? " on" : " ignoring") + "(" + Labels() + ")";
      if (Uniform(0, 2) == 0) {
        m += Uniform(0, 1) ? " group_left" : " group_right";
        if (Uniform(0, 1)) m += "(" + Labels() + ")";
      }
    }
    return m;
  }
  std::string Args(int depth, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += (i ? ", " : "") + Expr(depth + 1);
    return out;
  }

  static constexpr const char* kMetrics[] = {
      "up", "node_cpu_seconds_total", "a:b", "sum", "by", "start", "offset", "and"};
  static constexpr const char* kLabels[] = {"job", "instance", "__name__", "le", "on", "sum"};
  static constexpr const char* kMatchOps[] = {"=", "!=", "=~", "!~"};
  static constexpr const char* kStrings[] = {"\"x\"",   "'y'",  "`z`",       "\"a\\nb\"",
                                             "\"v.*\"", "\"\"", "\"(a|b)\"", "\"\\u00e9\\\"\""};
  static constexpr const char* kDurations[] = {"5m", "1h", "30s", "1h30m", "100ms",
                                               "1d", "2w", "1y",  "90m"};
  static constexpr const char* kTimestamps[] = {"100", "-5.5", "start()", "end()", "1e3", "1.0005"};
  static constexpr const char* kNumbers[] = {"1",  "0.5", "1e3", "0x1f", "Inf",  "NaN",
                                             "-1", ".5",  "5.",  "0755", "1e-7", "123456789"};
  static constexpr const char* kBinOps[] = {"+",  "-", "*", "/",  "%",  "^",   "atan2", "==",
                                            "!=", ">", "<", ">=", "<=", "and", "or",    "unless"};
  static constexpr const char* kFuncs[] = {"rate",
                                           "abs",
                                           "round",
                                           "clamp",
                                           "label_replace",
                                           "label_join",
                                           "time",
                                           "hour",
                                           "vector",
                                           "scalar",
                                           "histogram_quantile",
                                           "absent",
                                           "quantile_over_time",
                                           "holt_winters",
                                           "nosuch"};
  static constexpr const char* kAggs[] = {"sum",  "avg",     "count",        "min",
                                          "max",  "group",   "stddev",       "stdvar",
                                          "topk", "bottomk", "count_values", "quantile"};
  static constexpr const char* kNoise[] = {
      "(", ")",    ",",  "{", "}", "[",  "]", "5m", "1",  "x",    ":",          "=",     "\"s\"",
      "+", "bool", "on", "@", "#", "\n", "'", "`",  "\\", "\xff", "group_left", "offset"};

  static constexpr const char* kChaos[] = {
      "a",      "b",     "x",        "_",    ":",  "0",  "1",     "9",          ".",     "e",
      "E",      "+",     "-",        "*",    "/",  "%",  "^",     "=",          "!",     "~",
      "<",      ">",     "(",        ")",    "{",  "}",  "[",     "]",          ",",     "@",
      "\"",     "'",     "`",        "\\",   " ",  "\n", "#",     "sum",        "by",    "on",
      "offset", "bool",  "inf",      "nan",  "5m", "0x", "1h30m", "group_left", "start", "end",
      "\\x",    "\\u00", "\xc3\xa9", "\xff", "ms", "y",  "rate",  "topk"};

  std::mt19937 rng_;
};

}  // namespace vigie::promql::parser::testgen
