#include "scrape/relabel.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "scrape/md5.h"

namespace vigie::scrape {
namespace {

// Terse builder for test tables: fields not given keep Prometheus's defaults.
struct Rule {
  std::vector<std::string> source = {};
  std::string regex = "(.*)";
  std::string target = {};
  std::string replacement = "$1";
  RelabelAction action = RelabelAction::kReplace;
  uint64_t modulus = 0;
  std::string separator = ";";

  RelabelConfig Build() const {
    RelabelConfig c;
    c.source_labels = source;
    auto re = RelabelRegex::Compile(regex);
    EXPECT_TRUE(re.ok()) << regex;
    if (re.ok()) c.regex = *re;
    c.target_label = target;
    c.replacement = replacement;
    c.action = action;
    c.modulus = modulus;
    c.separator = separator;
    return c;
  }
};

struct Case {
  std::string name;
  Labels input;
  std::vector<Rule> rules;
  std::optional<Labels> want;  // nullopt: dropped
};

using A = RelabelAction;

std::vector<Case> Cases() {
  return {
      {"replace_with_group_refs",
       {{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
       {{.source = {"a"}, .regex = "f(.*)", .target = "d", .replacement = "ch${1}-ch${1}"}},
       Labels{{"a", "foo"}, {"b", "bar"}, {"c", "baz"}, {"d", "choo-choo"}}},
      {"chained_replaces_see_earlier_results",
       {{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
       {{.source = {"a", "b"}, .regex = "f(.*);(.*)r", .target = "a", .replacement = "b${1}${2}m"},
        {.source = {"c", "a"},
         .regex = "(b).*b(.*)ba(.*)",
         .target = "d",
         .replacement = "$1$2$2$3"}},
       Labels{{"a", "boobam"}, {"b", "bar"}, {"c", "baz"}, {"d", "boooom"}}},
      {"drop_stops_processing",
       {{"a", "foo"}},
       {{.source = {"a"}, .regex = ".*o.*", .action = A::kDrop},
        {.source = {"a"}, .regex = "f(.*)", .target = "d", .replacement = "ch$1-ch$1"}},
       std::nullopt},
      {"replace_inner_group",
       {{"a", "abc"}},
       {{.source = {"a"}, .regex = ".*(b).*", .target = "d"}},
       Labels{{"a", "abc"}, {"d", "b"}}},
      {"drop_no_match_keeps",
       {{"a", "foo"}},
       {{.source = {"a"}, .regex = "no-match", .action = A::kDrop}},
       Labels{{"a", "foo"}}},
      {"drop_regex_is_anchored",
       {{"a", "foo"}},
       {{.source = {"a"}, .regex = "f|o", .action = A::kDrop}},
       Labels{{"a", "foo"}}},
      {"keep_no_match_drops",
       {{"a", "foo"}},
       {{.source = {"a"}, .regex = "no-match", .action = A::kKeep}},
       std::nullopt},
      {"keep_match",
       {{"a", "foo"}},
       {{.source = {"a"}, .regex = "f.*", .action = A::kKeep}},
       Labels{{"a", "foo"}}},
      {"keep_empty_source_matches_empty_regex",
       {{"a", "foo"}},
       {{.source = {"b"}, .regex = "", .action = A::kKeep}},
       Labels{{"a", "foo"}}},
      {"replace_no_match_no_change",
       {{"a", "boo"}},
       {{.source = {"a"}, .regex = "f", .target = "b", .replacement = "bar"}},
       Labels{{"a", "boo"}}},
      {"target_from_group_empty_replacement_deletes",
       {{"a", "foo"}, {"f", "baz"}},
       {{.source = {"a"}, .regex = "(f).*", .target = "$1", .replacement = "$2"}},
       Labels{{"a", "foo"}}},
      {"hashmod",
       {{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
       {{.source = {"c"}, .target = "d", .action = A::kHashMod, .modulus = 1000}},
       Labels{{"a", "foo"}, {"b", "bar"}, {"c", "baz"}, {"d", "976"}}},
      {"hashmod_newline",
       {{"a", "foo\nbar"}},
       {{.source = {"a"}, .target = "b", .action = A::kHashMod, .modulus = 1000}},
       Labels{{"a", "foo\nbar"}, {"b", "734"}}},
      {"labelmap",
       {{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
       {{.regex = "(b.*)", .replacement = "bar_${1}", .action = A::kLabelMap}},
       Labels{{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}, {"bar_b1", "bar"}, {"bar_b2", "baz"}}},
      {"labelmap_meta_prefix",
       {{"a", "foo"}, {"__meta_my_bar", "aaa"}, {"__meta_my_baz", "bbb"}, {"__meta_other", "ccc"}},
       {{.regex = "__meta_(my.*)", .replacement = "${1}", .action = A::kLabelMap}},
       Labels{{"a", "foo"},
              {"__meta_my_bar", "aaa"},
              {"__meta_my_baz", "bbb"},
              {"__meta_other", "ccc"},
              {"my_bar", "aaa"},
              {"my_baz", "bbb"}}},
      {"target_from_group",
       {{"a", "some-name-value"}},
       {{.source = {"a"},
         .regex = "some-([^-]+)-([^,]+)",
         .target = "${1}",
         .replacement = "${2}"}},
       Labels{{"a", "some-name-value"}, {"name", "value"}}},
      {"missing_group_gives_empty_replacement_which_deletes",
       {{"a", "some-name-value"}},
       {{.source = {"a"},
         .regex = "some-([^-]+)-([^,]+)",
         .target = "${1}",
         .replacement = "${3}"}},
       Labels{{"a", "some-name-value"}}},
      {"missing_group_in_target_gives_invalid_name",
       {{"a", "some-name-0"}},
       {{.source = {"a"}, .regex = "some-([^-]+)-([^,]+)", .target = "${3}", .replacement = "${1}"},
        {.source = {"a"},
         .regex = "some-([^-]+)(-[^,]+)",
         .target = "${3}",
         .replacement = "${1}"}},
       Labels{{"a", "some-name-0"}}},
      {"sd_tags",
       {{"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"}},
       {{.source = {"__meta_sd_tags"},
         .regex = "(?:.+,|^)path:(/[^,]+).*",
         .target = "__metrics_path__",
         .replacement = "${1}"},
        {.source = {"__meta_sd_tags"},
         .regex = "(?:.+,|^)job:([^,]+).*",
         .target = "job",
         .replacement = "${1}"},
        {.source = {"__meta_sd_tags"},
         .regex = "(?:.+,|^)label:([^=]+)=([^,]+).*",
         .target = "${1}",
         .replacement = "${2}"}},
       Labels{{"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"},
              {"__metrics_path__", "/secret"},
              {"job", "some-job"},
              {"foo", "bar"}}},
      {"labeldrop_then_replace_then_keep",
       {{"__meta_port_name", "foo"}, {"__meta_annotation_port", "9091"}},
       {{.regex = "^__meta_port_name$", .action = A::kLabelDrop},
        {.source = {"__meta_annotation_port"},
         .regex = "(.+)",
         .target = "__meta_port_name",
         .replacement = "metrics"},
        {.source = {"__meta_port_name"}, .regex = "^metrics$", .action = A::kKeep}},
       Labels{{"__meta_annotation_port", "9091"}, {"__meta_port_name", "metrics"}}},
      {"labelkeep",
       {{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
       {{.regex = "(b.*)", .action = A::kLabelKeep}},
       Labels{{"b1", "bar"}, {"b2", "baz"}}},
      {"labeldrop",
       {{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
       {{.regex = "(b.*)", .action = A::kLabelDrop}},
       Labels{{"a", "foo"}}},
      {"upper_and_lower",
       {{"foo", "bAr123Foo"}},
       {{.source = {"foo"}, .target = "foo_uppercase", .action = A::kUppercase},
        {.source = {"foo"}, .target = "foo_lowercase", .action = A::kLowercase}},
       Labels{
           {"foo", "bAr123Foo"}, {"foo_lowercase", "bar123foo"}, {"foo_uppercase", "BAR123FOO"}}},
      {"keepequal_equal_keeps",
       {{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}},
       {{.source = {"__tmp_port"}, .target = "__port1", .action = A::kKeepEqual}},
       Labels{{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}}},
      {"dropequal_equal_drops",
       {{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}},
       {{.source = {"__tmp_port"}, .target = "__port1", .action = A::kDropEqual}},
       std::nullopt},
      {"dropequal_different_keeps",
       {{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}},
       {{.source = {"__tmp_port"}, .target = "__port2", .action = A::kDropEqual}},
       Labels{{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}}},
      {"keepequal_different_drops",
       {{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}},
       {{.source = {"__tmp_port"}, .target = "__port2", .action = A::kKeepEqual}},
       std::nullopt},
      {"dot_matches_newline",
       {{"a", "line1\nline2"}},
       {{.source = {"a"}, .regex = "line1.*line2", .target = "d", .replacement = "match${1}"}},
       Labels{{"a", "line1\nline2"}, {"d", "match"}}},
      {"named_groups_both_syntaxes",
       {{"a", "line1\nline2"}},
       {{.source = {"a"},
         .regex = "(line1).*(?<second>line2)",
         .target = "label1_${1}",
         .replacement = "val_${second}"},
        {.source = {"a"},
         .regex = "(line1).*(?P<second>line2)",
         .target = "label2_$1",
         .replacement = "val_$second"}},
       Labels{{"a", "line1\nline2"}, {"label1_line1", "val_line2"}, {"label2_line1", "val_line2"}}},
      {"set_constant_on_empty_source",
       {{"a", "x"}},
       {{.target = "env", .replacement = "prod"}},
       Labels{{"a", "x"}, {"env", "prod"}}},
      {"empty_replacement_deletes_target",
       {{"a", "x"}, {"b", "y"}},
       {{.source = {"a"}, .target = "b", .replacement = ""}},
       Labels{{"a", "x"}}},
      {"custom_separator",
       {{"a", "x"}, {"b", "y"}},
       {{.source = {"a", "b"}, .target = "c", .separator = "-"}},
       Labels{{"a", "x"}, {"b", "y"}, {"c", "x-y"}}},
      {"dollar_dollar_is_literal",
       {{"a", "x"}},
       {{.source = {"a"}, .target = "b", .replacement = "$$1"}},
       Labels{{"a", "x"}, {"b", "$1"}}},
      {"dollar_name_takes_longest_word",
       {{"a", "x"}},
       {{.source = {"a"}, .target = "b", .replacement = "$1_y"}},
       Labels{{"a", "x"}}},
      {"swarm_service_name_to_job",
       {{"__meta_dockerswarm_service_name", "mon_node-exporter"},
        {"__meta_dockerswarm_node_hostname", "n1"}},
       {{.source = {"__meta_dockerswarm_service_name"},
         .regex = ".*node-exporter",
         .action = A::kKeep},
        {.source = {"__meta_dockerswarm_node_hostname"}, .target = "node_name"}},
       Labels{{"__meta_dockerswarm_node_hostname", "n1"},
              {"__meta_dockerswarm_service_name", "mon_node-exporter"},
              {"node_name", "n1"}}},
  };
}

TEST(RelabelTest, Table) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    std::vector<RelabelConfig> cfgs;
    for (const Rule& r : c.rules) {
      cfgs.push_back(r.Build());
      Status st = cfgs.back().Validate();
      ASSERT_TRUE(st.ok()) << st.error().message();
    }
    auto got = Relabel(c.input, cfgs);
    ASSERT_EQ(got.has_value(), c.want.has_value());
    if (got) {
      EXPECT_EQ(got->ToString(), c.want->ToString());
    }
  }
}

TEST(RelabelTest, ValidationMessages) {
  struct V {
    Rule rule;
    std::string want;
  };
  const std::vector<V> cases = {
      {{.target = ""}, "relabel configuration for replace action requires 'target_label' value"},
      {{.target = "x", .action = A::kHashMod},
       "relabel configuration for hashmod requires non-zero modulus"},
      {{.target = "", .action = A::kLowercase},
       "relabel configuration for lowercase action requires 'target_label' value"},
      {{.target = "1bad"}, "\"1bad\" is invalid 'target_label' for replace action"},
      {{.target = "a-${1}"}, "\"a-${1}\" is invalid 'target_label' for replace action"},
      {{.target = "a", .replacement = "x", .action = A::kUppercase},
       "'replacement' can not be set for uppercase action"},
      {{.replacement = "-${1}", .action = A::kLabelMap},
       "\"-${1}\" is invalid 'replacement' for labelmap action"},
      {{.target = "bad-name", .action = A::kHashMod, .modulus = 2},
       "\"bad-name\" is invalid 'target_label' for hashmod action"},
      {{.source = {"a"}, .regex = "x", .target = "b", .action = A::kKeepEqual},
       "keepequal action requires only 'source_labels' and `target_label`, and no other fields"},
      {{.source = {"a"}, .target = "b", .action = A::kDropEqual, .separator = ","},
       "dropequal action requires only 'source_labels' and `target_label`, and no other fields"},
      {{.source = {"a"}, .action = A::kLabelKeep},
       "labelkeep action requires only 'regex', and no other fields"},
      {{.target = "x", .action = A::kLabelDrop},
       "labeldrop action requires only 'regex', and no other fields"},
  };
  for (const V& v : cases) {
    SCOPED_TRACE(v.want);
    Status s = v.rule.Build().Validate();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message(), v.want);
  }
  // Valid: templated target and labelmap with a reference.
  EXPECT_TRUE((Rule{.target = "${1}_x"}).Build().Validate().ok());
  EXPECT_TRUE((Rule{.target = "__tmp_$1"}).Build().Validate().ok());
}

TEST(RelabelTest, Actions) {
  EXPECT_EQ(*ParseRelabelAction("Replace"), A::kReplace);
  EXPECT_EQ(*ParseRelabelAction("LABELKEEP"), A::kLabelKeep);
  EXPECT_EQ(*ParseRelabelAction("keepequal"), A::kKeepEqual);
  auto bad = ParseRelabelAction("explode");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "unknown relabel action \"explode\"");
  for (auto a : {A::kReplace, A::kKeep, A::kDrop, A::kKeepEqual, A::kDropEqual, A::kHashMod,
                 A::kLabelMap, A::kLabelDrop, A::kLabelKeep, A::kLowercase, A::kUppercase}) {
    EXPECT_EQ(*ParseRelabelAction(RelabelActionName(a)), a);
  }
}

TEST(RelabelRegexTest, AnchoredAndErrors) {
  auto re = RelabelRegex::Compile("a|b");
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE(re->Matches("a"));
  EXPECT_FALSE(re->Matches("ab"));
  EXPECT_EQ(re->source(), "a|b");
  auto bad = RelabelRegex::Compile("a(b");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("\"a(b\" is not a valid regex"), std::string::npos);
  // Lookarounds are not RE2 (nor Go) syntax.
  EXPECT_FALSE(RelabelRegex::Compile("(?=x)").ok());
  EXPECT_TRUE(RelabelRegex().IsDefault());
  EXPECT_TRUE(RelabelRegex().Matches("anything\nat all"));
}

TEST(RelabelRegexTest, ExpandLikeGo) {
  auto re = RelabelRegex::Compile("(?P<first>a+)(b*)(c)?");
  ASSERT_TRUE(re.ok());
  std::vector<std::string_view> g;
  ASSERT_TRUE(re->Match("aab", &g));
  auto expand = [&](std::string_view t) {
    std::string out;
    re->Expand(t, g, &out);
    return out;
  };
  EXPECT_EQ(expand("$1"), "aa");
  EXPECT_EQ(expand("${first}-$2"), "aa-b");
  EXPECT_EQ(expand("$3"), "");        // unmatched optional group
  EXPECT_EQ(expand("$9"), "");        // no such group
  EXPECT_EQ(expand("$1x"), "");       // group "1x" does not exist
  EXPECT_EQ(expand("${1}x"), "aax");  // braces end the name
  EXPECT_EQ(expand("$$"), "$");
  EXPECT_EQ(expand("a$"), "a$");    // dangling $ is literal
  EXPECT_EQ(expand("${1"), "${1");  // unterminated brace is literal
  EXPECT_EQ(expand("$01"), "");     // leading zero: a name, not a number
  EXPECT_EQ(expand("$0"), "aab");
}

TEST(Md5Test, KnownDigests) {
  auto hex = [](std::string_view s) {
    std::string out;
    char buf[3];
    for (uint8_t b : Md5(s)) {
      std::snprintf(buf, sizeof buf, "%02x", b);
      out += buf;
    }
    return out;
  };
  EXPECT_EQ(hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex("The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
  // Lengths around the 56/64-byte padding boundaries.
  EXPECT_EQ(hex(std::string(55, 'a')), "ef1772b6dff9a122358552954ad0df65");
  EXPECT_EQ(hex(std::string(56, 'a')), "3b0c8ac703f828b04c6c197006d17218");
  EXPECT_EQ(hex(std::string(64, 'a')), "014842d480b571495a4a0363793f7367");
}

}  // namespace
}  // namespace vigie::scrape
