#include "gallery/vips_loader.h"

#include <gtest/gtest.h>

#include <string>

namespace vigie::gallery {
namespace {

TEST(VipsLoader, LoadsTheLibraryAndItsFunctions) {
  auto v = Vips();
  ASSERT_TRUE(v.ok()) << v.error().message();
  EXPECT_EQ((*v)->version(0), VIPS_MAJOR_VERSION);
  // A variadic call through its pointer: a 2x1 grey image of 10 and 30 averages to 20.
  const unsigned char pixels[2] = {10, 30};
  VipsImage* img = (*v)->image_new_from_memory(pixels, sizeof pixels, 2, 1, 1, VIPS_FORMAT_UCHAR);
  ASSERT_NE(img, nullptr);
  double avg = 0;
  ASSERT_EQ((*v)->avg(img, &avg, nullptr), 0);
  EXPECT_DOUBLE_EQ(avg, 20);
  (*v)->object_unref(img);
  // The same table on every call.
  auto again = Vips();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *v);
}

TEST(VipsLoader, MissingLibraryIsAClearError) {
  auto v = OpenVipsApi("libvips-not-installed.so.42");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(v.error().message().find("cannot load libvips-not-installed.so.42"), std::string::npos)
      << v.error().message();
}

TEST(VipsLoader, LibraryWithoutTheFunctionsIsAClearError) {
  auto v = OpenVipsApi("libz.so.1");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message().find("lacks functions vigie needs (vips_version"),
            std::string::npos)
      << v.error().message();
}

}  // namespace
}  // namespace vigie::gallery
