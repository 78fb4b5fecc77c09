// The query corpus of the PromQL differential test: templates over every function, operator,
// aggregation, modifier and matcher (in the spirit of the PromQL compliance tester).
#include <string>
#include <vector>

#include "promql_differential.h"

namespace vigie::testing::promql_diff {

namespace {

// Seconds, for @ modifiers inside the data.
std::string At(int64_t offset_minutes) {
  return std::to_string(kStartMs / 1000 + offset_minutes * 60);
}

void Add(std::vector<Query>* q, const std::string& area, const std::string& expr) {
  q->push_back({expr, area, false});
}
void AddError(std::vector<Query>* q, const std::string& area, const std::string& expr) {
  q->push_back({expr, area, true});
}

}  // namespace

std::vector<Query> Corpus() {
  std::vector<Query> q;

  // --- Selectors and matchers.
  const std::vector<std::string> selectors = {
      "http_requests_total",
      "http_requests_total{job=\"api\"}",
      "http_requests_total{status=~\"5..\"}",
      "http_requests_total{method!=\"get\", job=~\"api|web\"}",
      "http_requests_total{instance!~\"1|2\", status=\"200\"}",
      "{__name__=~\"http_requests_total|up\", job=\"db\"}",
      "{__name__=\"up\"}",
      "node_memory_free_bytes",
      "temperature_celsius",
      "temperature_celsius{room=~\"a|c\"}",
      "up",
      "build_info",
      "request_duration_seconds_bucket{job=\"web\", le=~\"0.1|\\\\+Inf\"}",
      "request_duration_seconds_count",
      "nonexistent_metric",
      "up{job=~\".*\"}",
      "up{job=~\"a.*\"}",
      "up{job!~\"\"}",
      "http_requests_total{job=\"api\", job=~\"a.+\"}",
  };
  for (const auto& s : selectors) {
    Add(&q, "selector", s);
    Add(&q, "offset", s + " offset 10m");
  }
  Add(&q, "offset", "up offset -5m");
  Add(&q, "offset", "up offset 1h30m");
  Add(&q, "at", "up @ " + At(60));
  Add(&q, "at", "up @ " + At(60) + " offset 5m");
  Add(&q, "at", "temperature_celsius @ start()");
  Add(&q, "at", "temperature_celsius @ end()");
  Add(&q, "at", "temperature_celsius offset 1m @ end()");
  Add(&q, "range selector", "up[5m]");
  Add(&q, "range selector", "temperature_celsius{room=\"c\"}[3m] offset 10m");
  Add(&q, "range selector", "up[2m] @ " + At(90));

  // --- Range-vector functions over counters and gauges, at several ranges.
  const std::vector<std::string> range_funcs = {"rate",
                                                "increase",
                                                "delta",
                                                "irate",
                                                "idelta",
                                                "deriv",
                                                "changes",
                                                "resets",
                                                "avg_over_time",
                                                "min_over_time",
                                                "max_over_time",
                                                "sum_over_time",
                                                "count_over_time",
                                                "stddev_over_time",
                                                "stdvar_over_time",
                                                "last_over_time",
                                                "present_over_time",
                                                "absent_over_time"};
  const std::vector<std::string> ranges = {"1m", "5m", "15m"};
  for (const auto& f : range_funcs) {
    for (const auto& r : ranges) {
      Add(&q, f, f + "(http_requests_total{job=~\"api|db\"}[" + r + "])");
      Add(&q, f, f + "(temperature_celsius[" + r + "])");
    }
    Add(&q, f, f + "(up[10m] offset 3m)");
    Add(&q, f, f + "(nonexistent_metric{job=\"x\"}[5m])");
  }
  for (const auto& v : {"0", "0.5", "0.9", "1", "-1", "1.5"}) {
    Add(&q, "quantile_over_time",
        std::string("quantile_over_time(") + v + ", temperature_celsius[10m])");
  }
  Add(&q, "quantile_over_time", "quantile_over_time(0.75, http_requests_total{job=\"web\"}[5m])");
  for (const auto& d : {"60", "600", "-300"}) {
    Add(&q, "predict_linear",
        std::string("predict_linear(node_memory_free_bytes[10m], ") + d + ")");
    Add(&q, "predict_linear", std::string("predict_linear(temperature_celsius[5m], ") + d + ")");
  }
  Add(&q, "holt_winters", "holt_winters(node_memory_free_bytes[10m], 0.3, 0.7)");
  Add(&q, "holt_winters", "holt_winters(temperature_celsius[15m], 0.5, 0.1)");
  Add(&q, "holt_winters", "holt_winters(http_requests_total{job=\"api\"}[5m], 0.9, 0.9)");
  AddError(&q, "holt_winters", "holt_winters(temperature_celsius[15m], 1.5, 0.1)");

  // --- Instant-vector functions.
  for (const auto& f : {"abs",  "ceil",  "floor", "exp",   "sqrt",  "ln",    "log2", "log10",
                        "sgn",  "round", "sin",   "cos",   "tan",   "asin",  "acos", "atan",
                        "sinh", "cosh",  "tanh",  "asinh", "acosh", "atanh", "deg",  "rad"}) {
    Add(&q, f, std::string(f) + "(temperature_celsius)");
    Add(&q, f, std::string(f) + "(temperature_celsius / 40)");
  }
  Add(&q, "round", "round(temperature_celsius, 0.5)");
  Add(&q, "round", "round(node_memory_free_bytes, 1e6)");
  Add(&q, "clamp", "clamp(temperature_celsius, 0, 20)");
  Add(&q, "clamp", "clamp(temperature_celsius, 20, 0)");
  Add(&q, "clamp_min", "clamp_min(temperature_celsius, 19)");
  Add(&q, "clamp_max", "clamp_max(temperature_celsius, 19)");
  Add(&q, "timestamp", "timestamp(up)");
  Add(&q, "timestamp", "timestamp(up offset 1m)");
  Add(&q, "timestamp", "timestamp(up @ " + At(30) + ")");
  Add(&q, "timestamp", "timestamp(sum by (job) (up))");
  Add(&q, "timestamp", "timestamp(http_requests_total{job=\"web\", instance=\"0\"})");
  for (const auto& f : {"year", "month", "day_of_month", "day_of_week", "day_of_year", "hour",
                        "minute", "days_in_month"}) {
    Add(&q, f, std::string(f) + "()");
    Add(&q, f, std::string(f) + "(timestamp(up{instance=\"0\"}))");
    Add(&q, f, std::string(f) + "(node_memory_free_bytes / 4)");
  }
  Add(&q, "sort", "sort(node_memory_free_bytes)");
  Add(&q, "sort", "sort(temperature_celsius)");
  Add(&q, "sort_desc", "sort_desc(node_memory_free_bytes)");
  Add(&q, "sort_desc", "sort_desc(rate(http_requests_total[5m]))");
  Add(&q, "label_replace", "label_replace(up, \"host\", \"h-$1\", \"instance\", \"(.*)\")");
  Add(&q, "label_replace", "label_replace(up, \"job\", \"$2/$1\", \"job\", \"(.)(.*)\")");
  Add(&q, "label_replace", "label_replace(up, \"x\", \"$1\", \"job\", \"nomatch(.*)\")");
  Add(&q, "label_replace", "label_replace(up, \"instance\", \"\", \"instance\", \".*\")");
  AddError(&q, "label_replace", "label_replace(up, \"x\", \"$1\", \"job\", \"(\")");
  AddError(&q, "label_replace",
           "label_replace(up{job=\"api\"}, \"instance\", \"same\", \"instance\", \".*\")");
  Add(&q, "label_join", "label_join(up, \"id\", \":\", \"job\", \"instance\")");
  Add(&q, "label_join", "label_join(build_info, \"v\", \"\", \"version\")");
  Add(&q, "absent", "absent(up)");
  Add(&q, "absent", "absent(nonexistent_metric{job=\"a\", env=~\"p.*\"})");
  Add(&q, "absent", "absent(up{job=\"nope\"})");
  Add(&q, "absent", "absent(sum(nonexistent_metric))");
  Add(&q, "absent_over_time", "absent_over_time(nonexistent_metric{job=\"a\"}[5m])");
  Add(&q, "absent_over_time",
      "absent_over_time(http_requests_total{job=\"db\", instance=\"1\"}[10m])");
  Add(&q, "scalar", "scalar(up{job=\"api\", instance=\"0\"})");
  Add(&q, "scalar", "scalar(up)");
  Add(&q, "scalar", "up * scalar(build_info{job=\"db\"})");
  Add(&q, "vector", "vector(1)");
  Add(&q, "vector", "vector(time())");
  Add(&q, "time", "time()");
  Add(&q, "time", "time() - timestamp(up)");
  Add(&q, "pi", "pi()");
  Add(&q, "histogram_quantile", "histogram_quantile(0.9, request_duration_seconds_bucket)");
  for (const auto& v : {"0", "0.5", "0.99", "1", "-0.5", "1.5"}) {
    Add(&q, "histogram_quantile",
        std::string("histogram_quantile(") + v +
            ", sum by (le) (rate(request_duration_seconds_bucket[5m])))");
  }
  Add(&q, "histogram_quantile",
      "histogram_quantile(0.9, sum by (job, le) (rate(request_duration_seconds_bucket[10m])))");
  Add(&q, "histogram_quantile",
      "histogram_quantile(0.5, rate(request_duration_seconds_bucket{le!=\"+Inf\"}[5m]))");
  Add(&q, "histogram_quantile",
      "histogram_quantile(0.5, sum without (instance) "
      "(increase(request_duration_seconds_bucket[15m])))");
  for (const auto& f : {"histogram_count", "histogram_sum"}) {
    Add(&q, f, std::string(f) + "(request_duration_seconds_count)");
  }
  Add(&q, "histogram_fraction", "histogram_fraction(0, 0.5, request_duration_seconds_count)");

  // --- Aggregations with grouping.
  const std::vector<std::string> groupings = {"", " by (job)", " without (instance)",
                                              " by (job, method)", " without (instance, status)"};
  for (const auto& op : {"sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"}) {
    for (const auto& g : groupings) {
      Add(&q, op, std::string(op) + g + " (rate(http_requests_total[5m]))");
    }
    Add(&q, op, std::string(op) + " by (job) (node_memory_free_bytes)");
    Add(&q, op, std::string(op) + "(temperature_celsius)");
  }
  for (const auto& op : {"topk", "bottomk"}) {
    for (const auto& k : {"1", "3", "0", "100"}) {
      Add(&q, op, std::string(op) + "(" + k + ", node_memory_free_bytes)");
    }
    Add(&q, op, std::string(op) + " by (job) (2, rate(http_requests_total[5m]))");
    Add(&q, op, std::string(op) + " without (instance) (1, http_requests_total)");
    Add(&q, op, std::string(op) + "(2, temperature_celsius)");
    AddError(&q, op, std::string(op) + "(1e30, up)");
  }
  for (const auto& v : {"0", "0.25", "0.5", "0.95", "1", "2", "-1"}) {
    Add(&q, "quantile", std::string("quantile(") + v + ", node_memory_free_bytes)");
  }
  Add(&q, "quantile", "quantile by (job) (0.9, rate(http_requests_total[5m]))");
  Add(&q, "quantile", "quantile(0.5, temperature_celsius)");
  Add(&q, "count_values", "count_values(\"value\", up)");
  Add(&q, "count_values", "count_values by (job) (\"value\", up)");
  Add(&q, "count_values", "count_values without (instance) (\"v\", up)");
  Add(&q, "count_values", "count_values(\"t\", round(temperature_celsius))");
  Add(&q, "count_values", "count_values(\"job\", build_info)");
  AddError(&q, "count_values", "count_values(\"1bad\", up)");
  Add(&q, "aggregation", "sum(sum by (job) (up))");
  Add(&q, "aggregation", "max by (job) (sum by (job, instance) (rate(http_requests_total[5m])))");
  Add(&q, "aggregation", "sum by (__name__) ({__name__=~\"up|build_info\"})");

  // --- Binary operators.
  const std::vector<std::string> arith = {"+", "-", "*", "/", "%", "^", "atan2"};
  const std::vector<std::string> cmp = {"==", "!=", ">", "<", ">=", "<="};
  for (const auto& op : arith) {
    Add(&q, "arithmetic", "temperature_celsius " + op + " 2");
    Add(&q, "arithmetic", "3 " + op + " temperature_celsius");
    Add(&q, "arithmetic",
        "rate(http_requests_total{status=\"500\"}[5m]) " + op +
            " ignoring(status) rate(http_requests_total{status=\"200\"}[5m])");
    Add(&q, "arithmetic", "2 " + op + " 3");
  }
  for (const auto& op : cmp) {
    Add(&q, "comparison", "temperature_celsius " + op + " 19");
    Add(&q, "comparison", "19 " + op + " temperature_celsius");
    Add(&q, "comparison", "temperature_celsius " + op + " bool 19");
    Add(&q, "comparison", "up " + op + " on(job, instance) up offset 5m");
    Add(&q, "comparison", "up " + op + " bool on(job, instance) up offset 5m");
    Add(&q, "comparison", "1 " + op + " bool 2");
  }
  Add(&q, "matching", "http_requests_total / on(job) group_left(version) build_info");
  Add(&q, "matching", "build_info * on(job) group_right(version) up");
  Add(&q, "matching",
      "sum by (job, instance) (rate(http_requests_total[5m])) / on(job, instance) up");
  Add(&q, "matching",
      "rate(http_requests_total[5m]) / ignoring(method, status) group_left node_memory_free_bytes");
  Add(&q, "matching",
      "node_memory_free_bytes / ignoring(instance) group_left max by (job) "
      "(node_memory_free_bytes)");
  Add(&q, "matching",
      "node_memory_free_bytes > on(job) group_left avg by (job) (node_memory_free_bytes)");
  Add(&q, "matching", "up == bool on(job) group_left build_info");
  AddError(&q, "matching", "http_requests_total / on(job) build_info");
  AddError(&q, "matching", "build_info / on(job) http_requests_total");
  AddError(&q, "matching", "up + on() node_memory_free_bytes");
  AddError(&q, "matching", "http_requests_total + on(job, instance) group_left up + on(job) up");
  for (const auto& op : {"and", "or", "unless"}) {
    Add(&q, "set", std::string("up ") + op + " up offset 30m");
    Add(&q, "set", std::string("up == 1 ") + op + " on(job) up == 0");
    Add(&q, "set", std::string("http_requests_total ") + op + " ignoring(method, status) up");
    Add(&q, "set", std::string("temperature_celsius > 19 ") + op + " temperature_celsius < 21");
    Add(&q, "set", std::string("nonexistent_metric ") + op + " up");
    Add(&q, "set", std::string("up ") + op + " nonexistent_metric");
  }
  Add(&q, "precedence", "up + 1 * 2 > 2 and up or build_info");
  Add(&q, "precedence", "-up ^ 2");
  Add(&q, "precedence", "2 ^ 3 ^ 2 - temperature_celsius");
  Add(&q, "unary", "-temperature_celsius");
  Add(&q, "unary", "-(-node_memory_free_bytes)");
  AddError(&q, "unary", "-{__name__=~\"up|node_memory_free_bytes\", job=\"api\"}");
  Add(&q, "nan", "temperature_celsius != temperature_celsius");
  Add(&q, "nan", "temperature_celsius / 0");
  Add(&q, "nan", "(temperature_celsius - temperature_celsius) / 0");
  Add(&q, "nan", "sum(temperature_celsius)");

  // --- Subqueries.
  Add(&q, "subquery", "max_over_time(rate(http_requests_total[5m])[30m:1m])");
  Add(&q, "subquery", "max_over_time(rate(http_requests_total[5m])[30m:])");
  Add(&q, "subquery", "avg_over_time(temperature_celsius[20m:30s])");
  Add(&q, "subquery", "min_over_time(sum by (job) (up)[1h:5m] offset 10m)");
  Add(&q, "subquery", "rate(node_memory_free_bytes[10m:1m])");
  Add(&q, "subquery", "deriv(avg_over_time(temperature_celsius[5m])[15m:45s])");
  Add(&q, "subquery", "sum_over_time(sum_over_time(up[5m:1m])[20m:7m])");
  Add(&q, "subquery", "count_over_time(up[17m:3m])");
  Add(&q, "subquery", "last_over_time(up[10m:1m])");
  Add(&q, "subquery", "quantile_over_time(0.5, temperature_celsius[30m:2m])");
  Add(&q, "subquery", "absent_over_time(nonexistent_metric[10m:1m])");
  Add(&q, "subquery", "increase(http_requests_total{job=\"api\"}[20m:2m] @ " + At(120) + ")");
  Add(&q, "subquery", "max_over_time((time() - timestamp(up))[10m:1m])");
  Add(&q, "subquery", "up[10m:2m]");
  Add(&q, "subquery", "rate(http_requests_total{job=\"web\"}[5m])[15m:5m]");

  // --- @ modifier.
  Add(&q, "at", "rate(http_requests_total[5m] @ " + At(100) + ")");
  Add(&q, "at", "sum(rate(http_requests_total[5m] @ " + At(100) + " offset 10m))");
  Add(&q, "at", "rate(http_requests_total[5m] @ start())");
  Add(&q, "at", "rate(http_requests_total[5m] @ end())");
  Add(&q, "at", "topk(2, node_memory_free_bytes @ " + At(60) + ")");
  Add(&q, "at", "node_memory_free_bytes and topk(2, node_memory_free_bytes @ " + At(60) + ")");
  Add(&q, "at", "max_over_time(up[30m:5m] @ " + At(150) + ")");
  Add(&q, "at", "up @ " + At(100) + " - up");
  Add(&q, "at", "time() - up @ " + At(100));

  // --- Edge cases: step invariance, negative offsets, NaN/Inf arithmetic, odd arguments.
  const std::string t100 = At(100);
  for (const auto& e : std::vector<std::string>{
           "rate(http_requests_total[1m] offset -1m)",
           "up @ end() offset -2m",
           "max_over_time(up[10m:1m] offset -5m)",
           "sum_over_time(up[5m:1m] @ start())",
           "predict_linear(node_memory_free_bytes[5m] @ " + t100 + ", 60)",
           "timestamp(up @ " + t100 + " offset 5m)",
           "holt_winters(temperature_celsius[10m] @ " + t100 + ", 0.5, 0.5)",
           "(up @ " + t100 + ")[10m:1m]",
           "rate((node_memory_free_bytes @ " + t100 + ")[5m:1m])",
           "sum_over_time(vector(1)[5m:1m])",
           "absent(up @ " + t100 + ")",
           "-up @ " + t100,
           "(temperature_celsius[5m] @ " + t100 + ")",
           "scalar(up{job=\"api\", instance=\"1\"} @ " + t100 + ")",
           "sort(up @ " + t100 + ")",
           "label_replace(up @ " + t100 + ", \"a\", \"$1\", \"job\", \"(.*)\")",
           "count_values(\"x\", temperature_celsius)",
           "changes(temperature_celsius[30m])",
           "topk(3, temperature_celsius)",
           "bottomk(3, temperature_celsius)",
           "max by (le) (request_duration_seconds_bucket)",
           "sum by (job) (rate(http_requests_total[5m])) / on() group_left "
           "sum(rate(http_requests_total[5m]))",
           "irate(up[1m:15s])",
           "resets(up[1h:1m])",
           "deriv(node_memory_free_bytes[1h])",
           "predict_linear(node_memory_free_bytes[1h], 3600)",
           "avg_over_time(node_memory_free_bytes[1h])",
           "stddev_over_time(node_memory_free_bytes[30m])",
           "round(temperature_celsius, -1)",
           "round(temperature_celsius, 0)",
           "clamp_min(temperature_celsius, NaN)",
           "ln(-temperature_celsius)",
           "exp(node_memory_free_bytes)",
           "up ^ -1",
           "0 ^ -1",
           "(-8) ^ (1/3)",
           "temperature_celsius % -3",
           "-7 % 0",
           "temperature_celsius atan2 on(room) temperature_celsius offset 1h",
           "year(vector(1e11))",
           "day_of_week(vector(-86400 * 365.25 * 100))",
           "month(vector(0.999))",
           "sum_over_time((time() - 1.7e9)[5m:1m])",
           "count_over_time((up == 0)[30m:30s])",
           "max_over_time(max by (job) (up)[30m:10m] @ end())",
           "increase(request_duration_seconds_count[1h] @ start())",
           "rate(http_requests_total{job=\"web\", instance=\"0\", method=\"post\", "
           "status=\"500\"}[30m])",
           "last_over_time(http_requests_total{job=\"db\", instance=\"1\"}[1h])",
           "http_requests_total{job=\"db\", instance=\"1\"} offset 1h",
           "delta(temperature_celsius{room=\"c\"}[20m])",
           "quantile(0.5, temperature_celsius)",
           "stddev(temperature_celsius)",
           "avg(temperature_celsius)",
           "temperature_celsius == bool temperature_celsius",
           "group(temperature_celsius) by (room)",
           "count(count by (job) (up))",
           "sum(up) + sum(build_info)",
           "sum(up) == bool 9",
           "vector(1) and on() up{job=\"api\", instance=\"0\"} == 1",
           "sum by (job) (up) unless on(job) build_info{version=\"2.0\"}",
       }) {
    Add(&q, "edge", e);
  }
  AddError(&q, "edge", "time()[5m:1m]");
  AddError(&q, "edge", "vector(time() @ " + t100 + ")");

  // --- Invalid queries: parse and type errors.
  for (const auto& bad : {"sum(",           "rate(up)",
                          "up +",           "1 + ",
                          "up[5m] + 1",     "rate(up[5m])[5m]",
                          "sum by (job)",   "unknown_func(up)",
                          "up{job=~\"(\"}", "{job=~\".*\"}",
                          "up offset",      "label_join(up)",
                          "topk(up, up)",   "count_values(1, up)",
                          "up @ foo()",     "\"a\" + 1",
                          "up and 1",       "1 and up",
                          "up[5m:1m:1m]",   "sum(up) by (",
                          "up{=\"x\"}",     "histogram_quantile(up)"}) {
    AddError(&q, "invalid", bad);
  }
  return q;
}

}  // namespace vigie::testing::promql_diff
