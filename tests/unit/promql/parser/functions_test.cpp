#include "promql/parser/functions.h"

#include <gtest/gtest.h>

#include <set>

#include "promql/parser/parser.h"

namespace vigie::promql::parser {
namespace {

TEST(Functions, TableIsCompleteSortedAndUnique) {
  auto all = AllFunctions();
  EXPECT_EQ(all.size(), 70u);  // every function of Prometheus 2.42
  std::set<FunctionId> ids;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(all[i - 1].name, all[i].name);
    }
    EXPECT_TRUE(ids.insert(all[i].id).second) << all[i].name;
    EXPECT_EQ(FindFunction(all[i].name), &all[i]);
  }
  EXPECT_EQ(FindFunction("nope"), nullptr);
  EXPECT_EQ(FindFunction("Rate"), nullptr);  // case-sensitive
}

TEST(Functions, Signatures) {
  const Function* rate = FindFunction("rate");
  ASSERT_TRUE(rate);
  EXPECT_EQ(rate->arg_types, (std::vector<ValueType>{ValueType::kMatrix}));
  EXPECT_EQ(rate->return_type, ValueType::kVector);
  EXPECT_EQ(rate->MinArgs(), 1u);
  EXPECT_EQ(rate->MaxArgs(), 1u);

  const Function* round = FindFunction("round");
  EXPECT_EQ(round->MinArgs(), 1u);
  EXPECT_EQ(round->MaxArgs(), 2u);
  EXPECT_EQ(round->ArgType(1), ValueType::kScalar);

  const Function* hour = FindFunction("hour");
  EXPECT_EQ(hour->MinArgs(), 0u);
  EXPECT_EQ(hour->MaxArgs(), 1u);
  EXPECT_TRUE(hour->at_modifier_unsafe);

  const Function* join = FindFunction("label_join");
  EXPECT_EQ(join->MinArgs(), 3u);
  EXPECT_EQ(join->MaxArgs(), SIZE_MAX);
  EXPECT_EQ(join->ArgType(7), ValueType::kString);

  EXPECT_EQ(FindFunction("time")->return_type, ValueType::kScalar);
  EXPECT_EQ(FindFunction("scalar")->return_type, ValueType::kScalar);
  EXPECT_EQ(FindFunction("pi")->MaxArgs(), 0u);
  EXPECT_FALSE(FindFunction("abs")->at_modifier_unsafe);
  EXPECT_TRUE(FindFunction("timestamp")->at_modifier_unsafe);
  EXPECT_TRUE(FindFunction("predict_linear")->at_modifier_unsafe);
}

// Every function accepts arguments of its declared types and counts, and rejects one too many.
TEST(Functions, EveryFunctionTypeChecks) {
  for (const Function& f : AllFunctions()) {
    auto arg = [](ValueType t) -> std::string {
      switch (t) {
        case ValueType::kScalar:
          return "1";
        case ValueType::kVector:
          return "x";
        case ValueType::kMatrix:
          return "x[5m]";
        case ValueType::kString:
          return "\"s\"";
        default:
          return "?";
      }
    };
    std::string args;
    for (size_t i = 0; i < f.MinArgs(); ++i) args += (i ? ", " : "") + arg(f.ArgType(i));
    std::string q = std::string(f.name) + "(" + args + ")";
    auto r = ParseExpr(q);
    EXPECT_TRUE(r.ok()) << q << ": " << (r.ok() ? "" : r.error().message());
    if (f.MaxArgs() != SIZE_MAX) {
      std::string too_many = std::string(f.name) + "(";
      for (size_t i = 0; i <= f.MaxArgs(); ++i) too_many += (i ? ", " : "") + arg(f.ArgType(i));
      too_many += ")";
      EXPECT_FALSE(ParseExpr(too_many).ok()) << too_many;
    }
  }
}

}  // namespace
}  // namespace vigie::promql::parser
