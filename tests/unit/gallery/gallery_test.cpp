#include "gallery/gallery.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "lib/temp_dir.h"

namespace vigie::gallery {
namespace {

GalleryOptions Opts(const std::string& dir) {
  GalleryOptions o;
  o.data_dir = dir;
  o.workers = 2;
  o.db_pool = 2;
  o.thumb_cache_bytes = 1 << 20;
  o.max_upload_bytes = 4 << 20;
  return o;
}

TEST(ImageCodec, GeneratedImagesAreDistinctAndDecode) {
  auto a = GenerateImage(1, 64, 48, ImageFormat::kJpeg);
  auto b = GenerateImage(2, 64, 48, ImageFormat::kJpeg);
  auto p = GenerateImage(3, 64, 48, ImageFormat::kPng);
  ASSERT_TRUE(a.ok() && b.ok() && p.ok());
  EXPECT_NE(*a, *b);
  auto info = InspectImage(*p);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->format, ImageFormat::kPng);
  EXPECT_EQ(info->width, 64);
  EXPECT_EQ(info->height, 48);
  auto thumb = RenderThumbnail(*a, 16);
  ASSERT_TRUE(thumb.ok());
  auto tinfo = InspectImage(*thumb);
  ASSERT_TRUE(tinfo.ok());
  EXPECT_EQ(tinfo->format, ImageFormat::kJpeg);
  EXPECT_EQ(std::max(tinfo->width, tinfo->height), 16);
}

TEST(ImageCodec, RejectsNonImagesAndTruncatedImages) {
  auto r = InspectImage("GIF89a not supported");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("not a JPEG, PNG or WebP"), std::string::npos);
  auto jpeg = GenerateImage(7, 64, 64, ImageFormat::kJpeg);
  ASSERT_TRUE(jpeg.ok());
  auto truncated = InspectImage(std::string_view(*jpeg).substr(0, jpeg->size() / 2));
  EXPECT_FALSE(truncated.ok());
}

TEST(Gallery, UploadListThumbDelete) {
  testing::TempDir dir;
  auto g = Gallery::Open(Opts(dir.path()));
  ASSERT_TRUE(g.ok()) << g.error().message();
  ASSERT_TRUE((*g)->Seed(3).ok());
  EXPECT_EQ(*(*g)->Count(), 3);
  auto list = (*g)->List(1, 2);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_GT((*list)[0].id, (*list)[1].id);  // newest first
  int64_t id = (*list)[0].id;
  auto thumb = (*g)->Thumbnail(id, 64);
  ASSERT_TRUE(thumb.ok()) << thumb.error().message();
  EXPECT_TRUE(InspectImage(*thumb->jpeg).ok());
  auto again = (*g)->Thumbnail(id, 64);  // from the memory cache: same bytes
  EXPECT_EQ(*again->jpeg, *thumb->jpeg);
  auto orig = (*g)->Original(id);
  ASSERT_TRUE(orig.ok());
  EXPECT_EQ(static_cast<int64_t>(orig->bytes.size()), orig->record.bytes);
  EXPECT_TRUE(*(*g)->Delete(id));
  EXPECT_FALSE(*(*g)->Delete(id));
  EXPECT_EQ((*g)->Original(id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(*(*g)->Count(), 2);
}

TEST(Gallery, UploadValidation) {
  testing::TempDir dir;
  auto o = Opts(dir.path());
  o.max_upload_bytes = 1000;
  auto g = Gallery::Open(o);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->Upload(std::string(1001, 'x'), "big").error().code(),
            ErrorCode::kResourceExhausted);
  EXPECT_EQ((*g)->Upload("hello", "t.jpg").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*(*g)->Count(), 0);
}

TEST(Gallery, RepairRemovesOrphansBothWays) {
  testing::TempDir dir;
  {
    auto g = Gallery::Open(Opts(dir.path()));
    ASSERT_TRUE((*g)->Seed(2).ok());
    auto list = (*g)->List(1, 10);
    // A row whose file vanished, and an old file without a row.
    std::filesystem::remove(dir.path() + "/images/" + (*list)[0].file_key);
    std::ofstream(dir.path() + "/images/deadbeef") << "orphan";
    auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
    std::filesystem::last_write_time(dir.path() + "/images/deadbeef", old);
    std::ofstream(dir.path() + "/images/fresh") << "upload in progress";
  }
  auto g = Gallery::Open(Opts(dir.path()));
  auto report = (*g)->Repair();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows_without_file_removed, 1);
  EXPECT_EQ(report->orphan_files_removed, 1);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/images/fresh"));  // too young to judge
  EXPECT_EQ(*(*g)->Count(), 1);
}

TEST(Gallery, TwoProcessesWorthOfWritersShareADataDir) {
  testing::TempDir dir;
  auto a = Gallery::Open(Opts(dir.path()));
  auto b = Gallery::Open(Opts(dir.path()));
  ASSERT_TRUE(a.ok() && b.ok());
  auto img = GenerateImage(9, 32, 32, ImageFormat::kJpeg);
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<int64_t> ids;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Gallery& g = t % 2 ? **a : **b;
      for (int i = 0; i < 10; ++i) {
        auto r = g.Upload(*img, "x.jpg");
        ASSERT_TRUE(r.ok()) << r.error().message();
        std::lock_guard lock(mu);
        EXPECT_TRUE(ids.insert(r->id).second);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), 40u);
  EXPECT_EQ(*(*a)->Count(), 40);
}

}  // namespace
}  // namespace vigie::gallery
