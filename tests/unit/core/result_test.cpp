#include "core/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace vigie {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  VIGIE_ASSIGN_OR_RETURN(int h, Half(x));
  VIGIE_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status Check(int x) {
  VIGIE_RETURN_IF_ERROR(Half(x));
  return OkStatus();
}

TEST(Result, ValueAndErrorPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "odd: 3");
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Check(2).ok());
  EXPECT_FALSE(Check(3).ok());
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.ok());
  auto p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(Error, WrapAddsContext) {
  auto e = NotFound("no such file").Wrap("loading rules.yml");
  EXPECT_EQ(e.message(), "loading rules.yml: no such file");
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace vigie
