#include "load/scenario.h"

#include <gtest/gtest.h>

#include "load/runner.h"

namespace vigie::load {
namespace {

TEST(Scenario, ParsesJourneysStepsAndCaptures) {
  auto s = ParseScenario(R"(
think_time: 250ms
headers: {X-Client: test}
journeys:
  - name: browse
    weight: 3
    steps:
      - name: list
        get: /api/images?limit=5
        capture: {id: "images[*].id"}
      - get: /images/${id}/thumb
        repeat: [2, 4]
  - name: upload
    steps:
      - post: /api/images
        body: generated_image
        probability: 0.5
)");
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_DOUBLE_EQ(s->think_time_mean_s, 0.25);
  ASSERT_EQ(s->journeys.size(), 2u);
  EXPECT_EQ(s->journeys[0].weight, 3);
  EXPECT_EQ(s->journeys[0].steps[0].captures[0].json_path, "images[*].id");
  EXPECT_EQ(s->journeys[0].steps[1].name, "GET /images/${id}/thumb");
  EXPECT_EQ(s->journeys[0].steps[1].repeat_max, 4);
  EXPECT_TRUE(s->journeys[1].steps[0].generated_image_body);
  EXPECT_EQ(s->journeys[1].steps[0].method, "POST");
}

TEST(Scenario, ErrorsNameTheProblemAndLine) {
  auto unknown = ParseScenario("journeys:\n  - steps:\n      - get: /\n        colour: red\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("unknown step field \"colour\""), std::string::npos);
  EXPECT_NE(unknown.error().message().find("line 4"), std::string::npos);
  EXPECT_FALSE(ParseScenario("journeys: []").ok());
  EXPECT_FALSE(ParseScenario("journeys:\n  - steps:\n      - get: no-slash\n").ok());
  EXPECT_FALSE(
      ParseScenario("journeys:\n  - steps:\n      - get: /\n        repeat: [5, 2]\n").ok());
  EXPECT_FALSE(ParseScenario("{{{").ok());
  EXPECT_FALSE(ParseScenario("think_time: soon\njourneys:\n  - steps:\n      - get: /\n").ok());
}

TEST(Scenario, ExpandPicksCapturedValues) {
  std::mt19937_64 rng(1);
  Vars vars{{"id", {"7", "9"}}};
  for (int i = 0; i < 20; ++i) {
    auto e = Expand("/images/${id}/thumb", vars, rng);
    ASSERT_TRUE(e.ok());
    EXPECT_TRUE(*e == "/images/7/thumb" || *e == "/images/9/thumb") << *e;
  }
  EXPECT_EQ(Expand("/x/${nope}", vars, rng).error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(Expand("/x/${id", vars, rng).ok());
}

TEST(Scenario, JsonCapturePaths) {
  std::string body = R"({"images":[{"id":3,"name":"a"},{"id":5}],"total":2,"nested":{"k":"v"}})";
  EXPECT_EQ(*JsonCapture(body, "images[*].id"), (std::vector<std::string>{"3", "5"}));
  EXPECT_EQ(*JsonCapture(body, "images[1].id"), (std::vector<std::string>{"5"}));
  EXPECT_EQ(*JsonCapture(body, "nested.k"), (std::vector<std::string>{"v"}));
  EXPECT_TRUE(JsonCapture(body, "missing[*].id")->empty());
  EXPECT_FALSE(JsonCapture("not json", "a").ok());
}

TEST(Stage, Parse) {
  auto s = ParseStage("30s:10");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->duration.count(), 30000);
  EXPECT_EQ(s->target, 10);
  EXPECT_FALSE(ParseStage("30s").ok());
  EXPECT_FALSE(ParseStage("x:10").ok());
  EXPECT_FALSE(ParseStage("1m:-3").ok());
}

}  // namespace
}  // namespace vigie::load
