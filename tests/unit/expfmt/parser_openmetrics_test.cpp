// Table-driven tests of OpenMetrics 1.0 text: what each input parses to.
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

TEST(ParserOpenMetricsTest, Table) {
  const Case cases[] = {
      {"only EOF", "# EOF\n", ""},
      {"EOF without newline", "# EOF", ""},
      {"plain sample", "up 1\n# EOF\n", "series up{} 1\n"},
      {"labels", "a{x=\"1\",y=\"2\"} 3\n# EOF\n", "series a{x=\"1\", y=\"2\"} 3\n"},
      {"trailing comma", "a{x=\"1\",} 3\n# EOF\n", "series a{x=\"1\"} 3\n"},
      {"empty braces", "a{} 3\n# EOF\n", "series a{} 3\n"},
      {"escapes", "a{x=\"\\\\ \\\" \\n\"} 1\n# EOF\n", "series a{x=\"\\\\ \\\" \\n\"} 1\n"},
      {"float timestamp", "a 1 1700000000.123\n# EOF\n", "series a{} 1 @1700000000123\n"},
      {"integer timestamp", "a 1 1700000000\n# EOF\n", "series a{} 1 @1700000000000\n"},
      {"negative timestamp", "a 1 -1.5\n# EOF\n", "series a{} 1 @-1500\n"},
      {"exponent timestamp", "a 1 1.7e9\n# EOF\n", "series a{} 1 @1700000000000\n"},
      {"NaN +Inf -Inf", "a NaN\nb +Inf\nc -Inf\n# EOF\n",
       "series a{} NaN\nseries b{} +Inf\nseries c{} -Inf\n"},
      {"help escapes", "# HELP a x\\\\y\\nz \\\"q\\\" \\t\n# EOF\n", "help a x\\y\nz \"q\" \\t\n"},
      {"help empty", "# HELP a \n# EOF\n", "help a \n"},
      {"help keeps blanks", "# HELP a  two\n# EOF\n", "help a  two\n"},
      {"types",
       "# TYPE a counter\n# TYPE b gauge\n# TYPE c histogram\n# TYPE d gaugehistogram\n"
       "# TYPE e summary\n# TYPE f info\n# TYPE g stateset\n# TYPE h unknown\n# EOF\n",
       "type a counter\ntype b gauge\ntype c histogram\ntype d gaugehistogram\n"
       "type e summary\ntype f info\ntype g stateset\ntype h unknown\n"},
      {"unit", "# TYPE a_seconds gauge\n# UNIT a_seconds seconds\na_seconds 1\n# EOF\n",
       "type a_seconds gauge\nunit a_seconds seconds\nseries a_seconds{} 1\n"},
      {"empty unit", "# UNIT a \n# EOF\n", "unit a \n"},
      {"counter family",
       "# HELP rq Requests.\n# TYPE rq counter\nrq_total{code=\"200\"} 5\n"
       "rq_created{code=\"200\"} 1.7e9\n# EOF\n",
       "help rq Requests.\ntype rq counter\nseries rq_total{code=\"200\"} 5\n"
       "series rq_created{code=\"200\"} 1700000000\n"},
      {"exemplar",
       "# TYPE h histogram\nh_bucket{le=\"1\"} 2 # {trace_id=\"abc\"} 0.5 1700000000.5\n"
       "h_bucket{le=\"+Inf\"} 3 # {} 7\nh_count 3 1700000000 # {a=\"b\"} 1\n# EOF\n",
       "type h histogram\nseries h_bucket{le=\"1\"} 2\nseries h_bucket{le=\"+Inf\"} 3\n"
       "series h_count{} 3 @1700000000000\n"},
      {"same name again after samples (client_golang gauge + counter)",
       "# TYPE m_bytes gauge\nm_bytes 1\n# TYPE m_bytes counter\nm_bytes_total 2\n# EOF\n",
       "type m_bytes gauge\nseries m_bytes{} 1\ntype m_bytes counter\nseries m_bytes_total{} 2\n"},
      {"utf-8", "a{x=\"\xe2\x82\xac\"} 1\n# HELP b \xc3\xa9\n# EOF\n",
       "series a{x=\"\xe2\x82\xac\"} 1\nhelp b \xc3\xa9\n"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Dump(c.input, Format::kOpenMetrics1), c.want) << c.name;
  }
}

TEST(ParserOpenMetricsTest, EofIsSticky) {
  Parser p("a 1\n# EOF\n", Format::kOpenMetrics1);
  ASSERT_EQ(*p.Next(), Entry::kSeries);
  EXPECT_EQ(*p.Next(), Entry::kEof);
  EXPECT_EQ(*p.Next(), Entry::kEof);
}

}  // namespace
}  // namespace vigie::expfmt
