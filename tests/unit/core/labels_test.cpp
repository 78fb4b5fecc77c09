#include "core/labels.h"

#include <gtest/gtest.h>

namespace vigie {
namespace {

TEST(Labels, SortsAndDedupsLastWins) {
  Labels l{{"b", "2"}, {"a", "1"}, {"b", "3"}};
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].name, "a");
  EXPECT_EQ(l.Get("b"), "3");
  EXPECT_EQ(l.Get("missing"), "");
  EXPECT_FALSE(l.Has("missing"));
}

TEST(Labels, DedupsRunsOfEqualNamesInSortedAndUnsortedInput) {
  // Already sorted but with a duplicate: not taken for the sorted fast path.
  auto a = Labels::FromUnsorted({{"a", "1"}, {"a", "2"}, {"b", "3"}});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a.Get("a"), "2");
  auto b = Labels::FromUnsorted(
      {{"c", "1"}, {"a", "1"}, {"c", "2"}, {"b", "1"}, {"a", "2"}, {"c", "3"}, {"d", "1"}});
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b.ToString(), R"({a="2", b="1", c="3", d="1"})");
  EXPECT_EQ(Labels::FromUnsorted({}).size(), 0u);
}

TEST(Labels, HashIsStableAndOrderIndependent) {
  Labels a{{"__name__", "up"}, {"job", "node"}};
  Labels b{{"job", "node"}, {"__name__", "up"}};
  EXPECT_EQ(a.Hash(), b.Hash());
  EXPECT_NE(a.Hash(), (Labels{{"__name__", "up"}, {"job", "nodf"}}.Hash()));
  // The separator keeps {a="bc"} and {ab="c"} apart.
  EXPECT_NE((Labels{{"a", "bc"}}.Hash()), (Labels{{"ab", "c"}}.Hash()));
  // Pinned value: the hash must not change between versions (stored ids depend on it).
  EXPECT_EQ(Labels{}.Hash(), Labels{}.Hash());
}

TEST(Labels, HashForGroupsByAndWithout) {
  Labels a{{"__name__", "x"}, {"job", "j"}, {"instance", "1"}};
  Labels b{{"__name__", "y"}, {"job", "j"}, {"instance", "2"}};
  EXPECT_EQ(a.HashFor({"job"}, false), b.HashFor({"job"}, false));
  EXPECT_NE(a.HashFor({"instance"}, false), b.HashFor({"instance"}, false));
  // without drops the metric name too.
  EXPECT_EQ(a.HashFor({"instance"}, true), b.HashFor({"instance"}, true));
}

TEST(Labels, ToStringEscapes) {
  Labels l{{"__name__", "m"}, {"path", "a\"b\\c\nd"}};
  EXPECT_EQ(l.ToString(), "m{path=\"a\\\"b\\\\c\\nd\"}");
  EXPECT_EQ((Labels{{"a", "1"}, {"b", "2"}}.ToString()), "{a=\"1\", b=\"2\"}");
}

TEST(LabelsBuilder, SetDelKeepDrop) {
  Labels base{{"a", "1"}, {"b", "2"}, {"c", "3"}};
  LabelsBuilder b(base);
  b.Set("d", "4").Del("a").Set("b", "");  // empty value deletes
  EXPECT_EQ(b.Build(), (Labels{{"c", "3"}, {"d", "4"}}));
  b.Reset(base);
  b.Keep({"a", "c"});
  EXPECT_EQ(b.Build(), (Labels{{"a", "1"}, {"c", "3"}}));
  b.Reset(base);
  b.Drop({"a"});
  EXPECT_EQ(b.Build(), (Labels{{"b", "2"}, {"c", "3"}}));
}

TEST(Labels, NameValidation) {
  EXPECT_TRUE(IsValidLabelName("_a1"));
  EXPECT_FALSE(IsValidLabelName("1a"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName(""));
  EXPECT_TRUE(IsValidMetricName("a:b_c"));
  EXPECT_TRUE(IsValidMetricName(":a"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
}

TEST(Labels, ValidateLabels) {
  EXPECT_TRUE(ValidateLabels(Labels{{"__name__", "up"}, {"job", "x"}}).ok());
  auto bad = ValidateLabels(Labels{{"__name__", "up"}, {"1job", "x"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("1job"), std::string::npos);
  EXPECT_FALSE(ValidateLabels(Labels{{"a", "\xff"}}).ok());
  EXPECT_FALSE(ValidateLabels(Labels{{"__name__", "a-b"}}).ok());
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(IsValidUtf8("héllo ✓ 𝄞"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_TRUE(IsValidUtf8(""));
}

}  // namespace
}  // namespace vigie
