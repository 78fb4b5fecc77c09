// Table-driven tests of the 0.0.4 text format: what each input parses to.
#include <gtest/gtest.h>

#include "parser_test_util.h"

namespace vigie::expfmt {
namespace {

using testing::Dump;

struct Case {
  const char* name;
  const char* input;
  const char* want;
};

TEST(ParserText004Test, Table) {
  const Case cases[] = {
      {"empty input", "", ""},
      {"only blank lines", "\n\n  \n\t\n", ""},
      {"plain sample", "up 1\n", "series up{} 1\n"},
      {"no final newline", "up 1", "series up{} 1\n"},
      {"colon in name", "job:rate5m 0.5\n", "series job:rate5m{} 0.5\n"},
      {"labels", "a{x=\"1\",y=\"2\"} 3\n", "series a{x=\"1\", y=\"2\"} 3\n"},
      {"labels sorted", "a{y=\"2\",x=\"1\"} 3\n", "series a{x=\"1\", y=\"2\"} 3\n"},
      {"empty braces", "a{} 3\n", "series a{} 3\n"},
      {"trailing comma", "a{x=\"1\",} 3\n", "series a{x=\"1\"} 3\n"},
      {"blanks everywhere", "  a \t{ x = \"1\" , y=\"2\" , }\t 3 \t 42 \n",
       "series a{x=\"1\", y=\"2\"} 3 @42\n"},
      {"no blank after brace", "a{x=\"1\"}3\n", "series a{x=\"1\"} 3\n"},
      {"empty label value dropped", "a{x=\"\",y=\"2\"} 1\n", "series a{y=\"2\"} 1\n"},
      {"escaped quote", "a{x=\"say \\\"hi\\\"\"} 1\n", "series a{x=\"say \\\"hi\\\"\"} 1\n"},
      {"escaped backslash", "a{x=\"C:\\\\dir\"} 1\n", "series a{x=\"C:\\\\dir\"} 1\n"},
      {"escaped newline", "a{x=\"l1\\nl2\"} 1\n", "series a{x=\"l1\\nl2\"} 1\n"},
      {"unknown escape kept", "a{x=\"\\t\\q\"} 1\n", "series a{x=\"\\\\t\\\\q\"} 1\n"},
      {"double backslash then n", "a{x=\"\\\\n\"} 1\n", "series a{x=\"\\\\n\"} 1\n"},
      {"raw newline in value", "a{x=\"l1\nl2\"} 1\nb 2\n",
       "series a{x=\"l1\\nl2\"} 1\nseries b{} 2\n"},
      {"utf-8 value", "a{x=\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"} 1\n",
       "series a{x=\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"} 1\n"},
      {"escaped multibyte", "a{x=\"\\\xc3\xa9\"} 1\n", "series a{x=\"\\\\\xc3\xa9\"} 1\n"},
      {"value braces and commas", "a{x=\"{a=\\\"b\\\",}\"} 1\n",
       "series a{x=\"{a=\\\"b\\\",}\"} 1\n"},
      {"timestamp", "a 1 1700000000123\n", "series a{} 1 @1700000000123\n"},
      {"timestamp zero", "a 1 0\n", "series a{} 1 @0\n"},
      {"NaN", "a NaN\n", "series a{} NaN\n"},
      {"nan lowercase", "a nan\n", "series a{} NaN\n"},
      {"+Inf", "a +Inf\n", "series a{} +Inf\n"},
      {"-Inf", "a -Inf\n", "series a{} -Inf\n"},
      {"Inf", "a Inf\n", "series a{} +Inf\n"},
      {"exponent", "a 1.5e+06\n", "series a{} 1500000\n"},
      {"small exponent", "a 1.5e-07\n", "series a{} 1.5e-07\n"},
      {"negative zero", "a -0\n", "series a{} -0\n"},
      {"leading dot", "a .5\n", "series a{} 0.5\n"},
      {"big integer", "a 12345678901234567890\n", "series a{} 1.2345678901234567e+19\n"},
      {"help", "# HELP a Some help.\n", "help a Some help.\n"},
      {"help escapes", "# HELP a x\\\\y\\nz \\\"q\\\" \\t\n", "help a x\\y\nz \\\"q\\\" \\t\n"},
      {"help extra blanks kept", "# HELP a   two  spaces\n", "help a   two  spaces\n"},
      {"help tab separated", "#\tHELP\ta\tx\n", "help a x\n"},
      {"help empty", "# HELP a\n", "help a \n"},
      {"help empty with space", "# HELP a \n", "help a \n"},
      {"help utf-8", "# HELP a caf\xc3\xa9\n", "help a caf\xc3\xa9\n"},
      {"types",
       "# TYPE a counter\n# TYPE b gauge\n# TYPE c histogram\n# TYPE d summary\n# TYPE e untyped\n",
       "type a counter\ntype b gauge\ntype c histogram\ntype d summary\ntype e untyped\n"},
      {"comment", "# just a comment\n", "comment # just a comment\n"},
      {"comment without space", "#HELP a b\n", "comment #HELP a b\n"},
      {"comment with HELP but no name", "# HELP\n", "comment # HELP\n"},
      {"HELPER is a comment", "# HELPER a b\n", "comment # HELPER a b\n"},
      {"bare hash", "#\n", "comment #\n"},
      {"indented sample", "   a 1\n", "series a{} 1\n"},
      {"node exporter style",
       "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
       "# TYPE node_cpu_seconds_total counter\n"
       "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 2.13587742e+06\n"
       "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 15321.36\n",
       "help node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
       "type node_cpu_seconds_total counter\n"
       "series node_cpu_seconds_total{cpu=\"0\", mode=\"idle\"} 2.13587742e+06\n"
       "series node_cpu_seconds_total{cpu=\"0\", mode=\"user\"} 15321.36\n"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Dump(c.input, Format::kText004), c.want) << c.name;
  }
}

TEST(ParserText004Test, SeriesKeepsRawTextAndLabelAccessors) {
  Parser p("# TYPE x gauge\nx{b=\"2\",a=\"q\\\"\"} 7 99\n", Format::kText004);
  ASSERT_EQ(*p.Next(), Entry::kType);
  EXPECT_EQ(p.line(), 1u);
  ASSERT_EQ(*p.Next(), Entry::kSeries);
  EXPECT_EQ(p.line(), 2u);
  EXPECT_EQ(p.MetricName(), "x");
  EXPECT_EQ(p.Series(), "x{b=\"2\",a=\"q\\\"\"}");
  EXPECT_EQ(p.Value(), 7);
  EXPECT_EQ(p.TimestampMs(), 99);
  ASSERT_EQ(p.LabelCount(), 2u);
  EXPECT_EQ(p.LabelName(0), "b");
  EXPECT_EQ(p.LabelName(1), "a");
  EXPECT_EQ(p.RawLabelValue(1), "q\\\"");
  EXPECT_EQ(p.LabelValue(1), "q\"");
  Labels labels;
  p.FillLabels(&labels);
  EXPECT_EQ(labels, (Labels{{"__name__", "x"}, {"a", "q\""}, {"b", "2"}}));
  EXPECT_EQ(*p.Next(), Entry::kEof);
  EXPECT_EQ(*p.Next(), Entry::kEof);
}

TEST(ParserText004Test, SeriesWithoutLabelsIsTheName) {
  Parser p("metric   5\n", Format::kText004);
  ASSERT_EQ(*p.Next(), Entry::kSeries);
  EXPECT_EQ(p.Series(), "metric");
  EXPECT_FALSE(p.TimestampMs().has_value());
}

}  // namespace
}  // namespace vigie::expfmt
