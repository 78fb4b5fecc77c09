// Malformed inputs: each yields an error naming the line, the column and what was expected.
#include <gtest/gtest.h>

#include "parser_test_util.h"

namespace vigie::expfmt {
namespace {

using testing::Dump;

struct Case {
  const char* name;
  const char* input;
  const char* want_error;  // the whole message
};

void Check(const Case& c, Format format) {
  std::string got = Dump(c.input, format);
  size_t pos = got.find("error: ");
  ASSERT_NE(pos, std::string::npos) << c.name << ": no error; parsed as\n" << got;
  EXPECT_EQ(got.substr(pos + 7), c.want_error) << c.name;
}

TEST(ParserErrorsTest, Text004) {
  const Case cases[] = {
      {"missing value", "a\n",
       "line 1, column 2: expected the sample value after \"a\", got end of line"},
      {"missing value at eof", "a",
       "line 1, column 2: expected the sample value after \"a\", got end of input"},
      {"bad value", "a 1x\n",
       "line 1, column 3: invalid sample value \"1x\": expected a float such as 1, -2.5e3, NaN, "
       "+Inf or -Inf"},
      {"hex value", "a 0x1p3\n",
       "line 1, column 3: invalid sample value \"0x1p3\": expected a float such as 1, -2.5e3, NaN, "
       "+Inf or -Inf"},
      {"value overflow", "a 1e999\n", "line 1, column 3: sample value \"1e999\" is out of range"},
      {"carriage return", "a 1\r\n",
       "line 1, column 3: invalid sample value \"1\\x0d\": expected a float such as 1, -2.5e3, "
       "NaN, +Inf or -Inf"},
      {"bad timestamp", "a 1 +5\n",
       "line 1, column 5: invalid timestamp \"+5\": expected milliseconds since the epoch as "
       "digits"},
      {"float timestamp", "x 1 1.5\n",
       "line 1, column 5: invalid timestamp \"1.5\": expected milliseconds since the epoch as "
       "digits"},
      {"timestamp overflow", "a 1 99999999999999999999\n",
       "line 1, column 5: timestamp \"99999999999999999999\" is out of range"},
      {"junk after timestamp", "a 1 2 3\n",
       "line 1, column 7: expected the end of the line, got \"3\""},
      {"missing equals", "ok 1\na{job \"x\"} 1\n",
       "line 2, column 7: expected '=' after label name \"job\", got \"\\\"x\\\"} 1\""},
      {"missing quote", "a{job=x} 1\n",
       "line 1, column 7: expected '\"' to open the value of label \"job\", got \"x} 1\""},
      {"bad label name", "a{1x=\"y\"} 1\n",
       "line 1, column 3: expected a label name or '}', got \"1x=\\\"y\\\"} 1\""},
      {"unterminated value", "a{x=\"abc} 1\n",
       "line 2, column 1: unterminated value of label \"x\": expected a closing '\"' before the "
       "end of input"},
      {"missing comma", "a{x=\"1\" y=\"2\"} 1\n",
       "line 1, column 9: expected ',' or '}' after the value of label \"x\", got \"y=\\\"2\\\"} "
       "1\""},
      {"unclosed braces", "a{x=\"1\"\n",
       "line 1, column 8: expected ',' or '}' after the value of label \"x\", got end of line"},
      {"duplicate label", "a{x=\"1\",y=\"2\",x=\"3\"} 1\n",
       "line 1, column 15: duplicate label name \"x\""},
      {"__name__ label", "a{__name__=\"b\"} 1\n",
       "line 1, column 3: label \"__name__\" repeats the metric name \"a\""},
      {"invalid utf-8 value", "a{x=\"\xff\"} 1\n",
       "line 1, column 6: invalid UTF-8 in the value of label \"x\""},
      {"overlong utf-8", "a{x=\"\xc0\xaf\"} 1\n",
       "line 1, column 6: invalid UTF-8 in the value of label \"x\""},
      {"surrogate utf-8", "a{x=\"\xed\xa0\x80\"} 1\n",
       "line 1, column 6: invalid UTF-8 in the value of label \"x\""},
      {"truncated utf-8", "a{x=\"\xe2\x82\"} 1\n",
       "line 1, column 6: invalid UTF-8 in the value of label \"x\""},
      {"backslash newline", "a{x=\"\\\n\"} 1\n",
       "line 1, column 6: a backslash may not end a line inside the value of label \"x\""},
      {"line count across raw newline", "a{x=\"1\n2\", y} 1\n",
       "line 2, column 6: expected '=' after label name \"y\", got \"} 1\""},
      {"invalid utf-8 help", "# HELP a \xfe\n", "line 1, column 10: invalid UTF-8 in help text"},
      {"invalid utf-8 comment", "# c \xfe\n", "line 1, column 5: invalid UTF-8 in comment"},
      {"help without name", "# HELP  \n",
       "line 1, column 9: expected a metric name after HELP, got end of line"},
      {"bad type", "# TYPE a gauges\n",
       "line 1, column 10: invalid metric type \"gauges\": expected counter, gauge, histogram, "
       "summary or untyped"},
      {"OpenMetrics type in 0.0.4", "# TYPE a unknown\n",
       "line 1, column 10: invalid metric type \"unknown\": expected counter, gauge, histogram, "
       "summary or untyped"},
      {"type with trailing blank", "# TYPE a counter \n",
       "line 1, column 10: invalid metric type \"counter \": expected counter, gauge, histogram, "
       "summary or untyped"},
      {"odd char after meta name", "# HELP a-b x\n",
       "line 1, column 9: expected a space after the metric name, got \"-b x\""},
      {"starts with brace", "{a=\"b\"} 1\n",
       "line 1, column 1: expected a metric name or '#', got \"{a=\\\"b\\\"} 1\""},
      {"starts with digit", "\n\n1a 1\n",
       "line 3, column 1: expected a metric name or '#', got \"1a 1\""},
      {"brace after value", "a 1{\n",
       "line 1, column 4: invalid timestamp \"{\": expected milliseconds since the epoch as "
       "digits"},
  };
  for (const Case& c : cases) Check(c, Format::kText004);
}

TEST(ParserErrorsTest, OpenMetrics) {
  const Case cases[] = {
      {"no EOF", "a 1\n",
       "line 2, column 1: unexpected end of input: OpenMetrics must end with \"# EOF\""},
      {"empty input", "",
       "line 1, column 1: unexpected end of input: OpenMetrics must end with \"# EOF\""},
      {"no newline before end", "a 1",
       "line 1, column 4: unexpected end of input: OpenMetrics must end with \"# EOF\""},
      {"data after EOF", "# EOF\na 1\n",
       "line 1, column 7: unexpected data after \"# EOF\" (it must be the last line)"},
      {"blank after EOF", "# EOF\n\n",
       "line 1, column 7: unexpected data after \"# EOF\" (it must be the last line)"},
      {"blank line", "a 1\n\n# EOF\n", "line 2, column 1: blank line (OpenMetrics allows none)"},
      {"comment", "# hello\n# EOF\n",
       "line 1, column 3: expected HELP, TYPE, UNIT or EOF after \"# \" (OpenMetrics has no other "
       "comments), got \"hello\""},
      {"hash without space", "#EOF\n", "line 1, column 2: expected a space after '#', got \"EOF\""},
      {"two spaces before value", "a  1\n# EOF\n",
       "line 1, column 3: expected the sample value after \"a\", got \" 1\""},
      {"tab separator", "a\t1\n# EOF\n",
       "line 1, column 2: expected a space and the sample value after \"a\", got \"\\x091\""},
      {"blank in labels", "a{x=\"1\", y=\"2\"} 1\n# EOF\n",
       "line 1, column 9: expected a label name or '}', got \" y=\\\"2\\\"} 1\""},
      {"raw newline in value", "a{x=\"1\n\"} 1\n# EOF\n",
       "line 1, column 7: line break inside the value of label \"x\" (write it as \\n)"},
      {"trailing space", "a 1 \n# EOF\n",
       "line 1, column 5: expected a timestamp after the space, got end of line"},
      {"bad timestamp", "a 1 NaN\n# EOF\n",
       "line 1, column 5: invalid timestamp \"NaN\": expected seconds since the epoch such as "
       "1700000000.123"},
      {"junk after timestamp", "a 1 2 3\n# EOF\n",
       "line 1, column 6: expected the end of the line, got \" 3\""},
      {"bad exemplar value", "a 1 # {x=\"y\"} abc\n# EOF\n",
       "line 1, column 15: invalid exemplar value \"abc\""},
      {"exemplar without value", "a 1 # {x=\"y\"}\n# EOF\n",
       "line 1, column 14: expected a space and the exemplar value, got end of line"},
      {"bad exemplar timestamp", "a 1 # {} 1 x\n# EOF\n",
       "line 1, column 12: invalid exemplar timestamp \"x\""},
      {"bad exemplar label", "a 1 # {1=\"y\"} 1\n# EOF\n",
       "line 1, column 8: expected a label name or '}', got \"1=\\\"y\\\"} 1\""},
      {"help without space", "# HELP a\n# EOF\n",
       "line 1, column 9: expected a space after the metric name, got end of line"},
      {"bad type", "# TYPE a untyped\n# EOF\n",
       "line 1, column 10: invalid metric type \"untyped\": expected counter, gauge, histogram, "
       "gaugehistogram, summary, info, stateset or unknown"},
      {"unit not suffix", "# UNIT a_bytes seconds\n# EOF\n",
       "line 1, column 16: unit \"seconds\" is not a suffix \"_seconds\" of metric name "
       "\"a_bytes\""},
      {"unit without underscore", "# UNIT abytes bytes\n# EOF\n",
       "line 1, column 15: unit \"bytes\" is not a suffix \"_bytes\" of metric name \"abytes\""},
      {"type after samples", "a 1\n# TYPE a gauge\n# EOF\n",
       "line 2, column 8: TYPE for \"a\" comes after its samples (metadata must come first)"},
      {"counter type after samples", "a_total 1\n# TYPE a counter\n# EOF\n",
       "line 2, column 8: TYPE for \"a\" comes after its samples (metadata must come first)"},
      {"help after samples", "a 1\n# HELP a x\n# EOF\n",
       "line 2, column 8: HELP for \"a\" comes after its samples (metadata must come first)"},
      {"unit after samples", "b 1\na_bytes 1\n# UNIT a_bytes bytes\n# EOF\n",
       "line 3, column 8: UNIT for \"a_bytes\" comes after its samples (metadata must come first)"},
      {"duplicate type", "# TYPE a gauge\n# TYPE a gauge\n# EOF\n",
       "line 2, column 8: duplicate TYPE for \"a\""},
      {"unterminated metadata", "# HELP a b",
       "line 1, column 11: unexpected end of input: OpenMetrics must end with \"# EOF\""},
      {"invalid utf-8 help", "# HELP a \xc3\n# EOF\n",
       "line 1, column 10: invalid UTF-8 in metadata text"},
      {"duplicate label", "a{x=\"1\",x=\"1\"} 1\n# EOF\n",
       "line 1, column 9: duplicate label name \"x\""},
  };
  for (const Case& c : cases) Check(c, Format::kOpenMetrics1);
}

TEST(ParserErrorsTest, DuplicateAmongManyLabels) {
  for (int n : {5, 40, 5000}) {
    std::string line = "m{";
    for (int i = 0; i < n; ++i) line += "l" + std::to_string(n - i) + "=\"v\",";
    size_t column = line.size() + 1;
    line += "l3=\"again\"} 1\n";
    EXPECT_EQ(Dump(line, Format::kText004),
              "error: line 1, column " + std::to_string(column) + ": duplicate label name \"l3\"")
        << n;
  }
}

TEST(ParserErrorsTest, ErrorIsSticky) {
  Parser p("a{\nb 1\n", Format::kText004);
  auto first = p.Next();
  ASSERT_FALSE(first.ok());
  auto second = p.Next();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(first.error().message(), second.error().message());
}

}  // namespace
}  // namespace vigie::expfmt
