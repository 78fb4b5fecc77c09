#include "collect/node/file_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "lib/temp_dir.h"

namespace vigie::collect::node {
namespace {

void Overwrite(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;  // same inode, like a kernel file changing
}

TEST(FileReader, RereadsAnOpenFileFromTheStart) {
  testing::TempDir dir;
  std::string path = dir.Join("stat");
  Overwrite(path, "first\n");
  FileReader r(&fs::Real());
  auto a = r.Read(path);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "first\n");
  Overwrite(path, "second, longer than the first\n");
  auto b = r.Read(path);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "second, longer than the first\n");
  EXPECT_EQ(r.open_files(), 1u);
}

TEST(FileReader, ReadsFilesLargerThanTheFirstBuffer) {
  testing::TempDir dir;
  std::string path = dir.Join("big");
  std::string big(100000, 'x');
  Overwrite(path, big);
  FileReader r(&fs::Real());
  auto a = r.Read(path);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size(), big.size());
}

TEST(FileReader, MissingFileIsNotFoundAndNotKept) {
  testing::TempDir dir;
  FileReader r(&fs::Real());
  auto a = r.Read(dir.Join("nope"));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(a.error().message().find("nope"), std::string::npos);
  EXPECT_EQ(r.open_files(), 0u);
  Overwrite(dir.Join("nope"), "now here");
  auto b = r.Read(dir.Join("nope"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "now here");
}

TEST(FileReader, SweepClosesFilesNotReadSinceTheLastSweep) {
  testing::TempDir dir;
  Overwrite(dir.Join("a"), "a");
  Overwrite(dir.Join("b"), "b");
  FileReader r(&fs::Real());
  ASSERT_TRUE(r.Read(dir.Join("a")).ok());
  ASSERT_TRUE(r.Read(dir.Join("b")).ok());
  r.Sweep();
  EXPECT_EQ(r.open_files(), 2u);
  ASSERT_TRUE(r.Read(dir.Join("a")).ok());
  r.Sweep();  // b was not read in this round: closed
  EXPECT_EQ(r.open_files(), 1u);
}

TEST(FileReader, OtherFileSystemsGoThroughReadFile) {
  auto mem = fs::NewMemory();
  ASSERT_TRUE(mem->MkdirAll("/proc").ok());
  ASSERT_TRUE(mem->WriteFileAtomic("/proc/loadavg", "1 2 3").ok());
  FileReader r(mem.get());
  auto a = r.Read("/proc/loadavg");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "1 2 3");
  ASSERT_TRUE(mem->WriteFileAtomic("/proc/loadavg", "4 5 6").ok());
  auto b = r.Read("/proc/loadavg");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "4 5 6");
}

// The reason for keeping descriptors: procfs regenerates a file on each read from offset 0.
TEST(FileReader, ProcFilesChangeBetweenReads) {
  FileReader r(&fs::Real());
  auto a = r.Read("/proc/self/stat");
  ASSERT_TRUE(a.ok());
  std::string first(*a);
  std::vector<char> touch(8 << 20, 1);  // page faults move minflt
  ASSERT_EQ(touch[12345], 1);
  auto b = r.Read("/proc/self/stat");
  ASSERT_TRUE(b.ok());
  EXPECT_NE(first, std::string(*b));
}

}  // namespace
}  // namespace vigie::collect::node
