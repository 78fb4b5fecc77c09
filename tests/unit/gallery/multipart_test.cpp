#include "gallery/multipart.h"

#include <gtest/gtest.h>

namespace vigie::gallery {
namespace {

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data; charset=x; boundary=\"a b\""), "a b");
  EXPECT_FALSE(MultipartBoundary("image/png").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'x')).ok());
}

TEST(Multipart, ParsesFieldsAndFiles) {
  std::string body =
      "preamble\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
      "hello\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a\\\"b.png\"\r\n"
      "Content-Type: image/png\r\n\r\n"
      "\x89PNG\r\n--not-the-boundary\r\n"
      "--XyZ--\r\n";
  auto parts = ParseMultipart(body, "XyZ");
  ASSERT_TRUE(parts.ok()) << parts.error().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "title");
  EXPECT_EQ((*parts)[0].body, "hello");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "a\"b.png");
  EXPECT_EQ((*parts)[1].content_type, "image/png");
  EXPECT_EQ((*parts)[1].body, "\x89PNG\r\n--not-the-boundary");
}

TEST(Multipart, MalformedInputsAreErrors) {
  const char* bad[] = {
      "",
      "no boundary here",
      "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
      "--B\r\nno-colon-line\r\n\r\nx\r\n--B--",
      "--Bgarbage",
      "--B\r\nContent-Disposition: form-data\r\n",  // headers never end
  };
  for (const char* b : bad) {
    auto r = ParseMultipart(b, "B");
    EXPECT_FALSE(r.ok()) << b;
  }
}

TEST(Multipart, PartLimitIsEnforced) {
  std::string body;
  for (int i = 0; i < 10; ++i) body += "--B\r\n\r\nx\r\n";
  body += "--B--";
  EXPECT_TRUE(ParseMultipart(body, "B", 10).ok());
  auto r = ParseMultipart(body, "B", 9);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("more than 9"), std::string::npos);
}

}  // namespace
}  // namespace vigie::gallery
