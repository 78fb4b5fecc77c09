#include "gallery/lru_cache.h"

#include <gtest/gtest.h>

namespace vigie::gallery {
namespace {

std::shared_ptr<const std::string> Val(size_t n) {
  return std::make_shared<const std::string>(n, 'x');
}

TEST(ByteLruCache, EvictsLeastRecentlyUsedByBytes) {
  ByteLruCache c(100);
  c.Put("a", Val(40));
  c.Put("b", Val(40));
  ASSERT_TRUE(c.Get("a"));  // a is now most recent
  c.Put("c", Val(40));      // evicts b
  EXPECT_TRUE(c.Get("a"));
  EXPECT_FALSE(c.Get("b"));
  EXPECT_TRUE(c.Get("c"));
  EXPECT_LE(c.bytes(), 100u);
  c.Put("huge", Val(101));  // larger than the cache: not stored, nothing evicted
  EXPECT_FALSE(c.Get("huge"));
  EXPECT_EQ(c.entries(), 2u);
  c.Put("a", Val(10));  // replace keeps accounting right
  EXPECT_EQ(c.bytes(), 50u);
  c.Erase("a");
  EXPECT_EQ(c.bytes(), 40u);
}

}  // namespace
}  // namespace vigie::gallery
