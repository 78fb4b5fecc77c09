// Replays the fuzzer's seed corpus and every input that once made it fail
// (tests/unit/expfmt/fuzz_regressions/, one file per fixed bug) through the fuzzer's checks.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/expfmt_parse_check.h"

namespace vigie::expfmt {
namespace {

void ReplayDir(const std::filesystem::path& dir) {
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(fuzz::CheckInput(ss.str()), "") << entry.path();
    ++files;
  }
  EXPECT_GT(files, 0) << dir;
}

TEST(FuzzRegressionsTest, PastCrashes) {
  ReplayDir(std::filesystem::path(VIGIE_SOURCE_DIR) / "tests/unit/expfmt/fuzz_regressions");
}

TEST(FuzzRegressionsTest, SeedCorpus) {
  ReplayDir(std::filesystem::path(VIGIE_SOURCE_DIR) / "tests/fuzz/corpus/expfmt_parse");
}

}  // namespace
}  // namespace vigie::expfmt
