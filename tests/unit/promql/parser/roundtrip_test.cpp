// Property test over generated queries: whatever parses prints to a form that parses back to an
// equal tree and prints identically; whatever does not parse fails with a positioned message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "promql/parser/parser.h"
#include "promql/parser/printer.h"
#include "unit/promql/parser/query_generator.h"

namespace vigie::promql::parser {
namespace {

using testgen::QueryGenerator;

void CheckRoundTrip(const std::string& q, int* parsed_count) {
  auto first = ParseExpr(q);
  if (!first.ok()) {
    const std::string& msg = first.error().message();
    EXPECT_NE(msg.find(": parse error: "), std::string::npos) << q << "\n" << msg;
    return;
  }
  ++*parsed_count;
  std::string printed = ToString(**first);
  auto second = ParseExpr(printed);
  ASSERT_TRUE(second.ok()) << "query: " << q << "\nprinted: " << printed
                           << "\nerror: " << second.error().message();
  EXPECT_TRUE(Equal(**first, **second)) << "query: " << q << "\nprinted: " << printed;
  EXPECT_EQ(ToString(**second), printed) << "query: " << q;
  auto pretty = ParseExpr(Prettify(**first));
  ASSERT_TRUE(pretty.ok()) << "query: " << q << "\npretty: " << Prettify(**first);
  EXPECT_TRUE(Equal(**first, **pretty)) << "query: " << q;
}

TEST(RoundTrip, GeneratedQueries) {
  QueryGenerator gen(20240601);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) CheckRoundTrip(gen.Expr(), &parsed);
  EXPECT_GT(parsed, 5000);  // the generator must keep producing mostly valid queries
}

TEST(RoundTrip, MutatedQueries) {
  QueryGenerator gen(7);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string q = gen.Mutate(gen.Expr());
    if (i % 3 == 0) q = gen.Mutate(q);
    CheckRoundTrip(q, &parsed);
  }
  EXPECT_GT(parsed, 1000);
}

TEST(RoundTrip, ChaosStrings) {
  QueryGenerator gen(99);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) CheckRoundTrip(gen.Chaos(), &parsed);
  EXPECT_GT(parsed, 100);
}

}  // namespace
}  // namespace vigie::promql::parser
