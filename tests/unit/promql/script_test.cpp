// Runs every data-driven PromQL script in tests/promql/ as its own test case.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lib/promql_script.h"

namespace vigie::testing {
namespace {

std::vector<std::string> Scripts() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(VIGIE_SOURCE_DIR "/tests/promql")) {
    if (e.path().extension() == ".test") out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class PromqlScript : public ::testing::TestWithParam<std::string> {};

TEST_P(PromqlScript, Run) {
  std::ifstream in(VIGIE_SOURCE_DIR "/tests/promql/" + GetParam() + ".test");
  ASSERT_TRUE(in) << GetParam();
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = RunPromqlScript(ss.str());
  ASSERT_TRUE(r.ok()) << GetParam() << ".test " << r.error().message();
  EXPECT_GT(r->evals, 0);
}

INSTANTIATE_TEST_SUITE_P(Scripts, PromqlScript, ::testing::ValuesIn(Scripts()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace vigie::testing
