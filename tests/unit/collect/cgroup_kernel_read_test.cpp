// Whole reads of kernel files without the confirming empty read, one by one and batched.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "collect/cgroup/file_cache.h"
#include "collect/cgroup/kernel_read.h"
#include "core/fs.h"
#include "lib/temp_dir.h"

namespace vigie::collect::cgroup {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
}

std::string Slurp(const std::string& path) {
  auto r = fs::Real().ReadFile(path);
  EXPECT_TRUE(r.ok()) << path;
  return r.ok() ? *r : "";
}

TEST(CgroupKernelRead, ShortSmallReadIsTheEnd) {
  EXPECT_TRUE(ReadReachedEnd(0, 4096));
  EXPECT_TRUE(ReadReachedEnd(100, 4096));
  EXPECT_TRUE(ReadReachedEnd(kSurelyComplete, 16384));
  // A seq_file stops short of a full page when the next record does not fit: read on.
  EXPECT_FALSE(ReadReachedEnd(4000, 16384));
  EXPECT_FALSE(ReadReachedEnd(4096, 4096));
}

TEST(CgroupKernelRead, WholeFilesOneByOne) {
  testing::TempDir dir;
  std::string big(40000, 'x');
  for (size_t i = 0; i < big.size(); i += 80) big[i] = '\n';
  Write(dir.Join("big"), big);
  Write(dir.Join("small"), "12345\n");
  std::vector<char> scratch;
  std::string out;
  for (const std::string& path :
       {dir.Join("big"), dir.Join("small"), std::string("/proc/self/stat"),
        std::string("/proc/self/status")}) {
    SCOPED_TRACE(path);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ReadWholeFile(fd, &scratch, &out), 0);
    if (path.starts_with("/proc")) {
      EXPECT_FALSE(out.empty());
      EXPECT_EQ(out.back(), '\n');
    } else {
      EXPECT_EQ(out, Slurp(path));
    }
    ::close(fd);
  }
}

TEST(CgroupKernelRead, BatchMatchesPlainReads) {
  auto batch = ReadBatch::Create();
  if (batch == nullptr) GTEST_SKIP() << "io_uring is not available here";
  testing::TempDir dir;
  std::vector<std::string> paths;
  for (int i = 0; i < 70; ++i) {  // more than one ring's worth
    paths.push_back(dir.Join("f" + std::to_string(i)));
    Write(paths.back(), std::string(static_cast<size_t>(i) * 97 + 1, 'a' + i % 26));
  }
  paths.push_back(dir.Join("big"));
  Write(paths.back(), std::string(10000, 'b'));  // longer than a ring slot
  paths.push_back("/proc/self/status");          // procfs: no poll, goes through io-wq
  std::vector<int> fds;
  std::vector<std::string> outs(paths.size());
  std::vector<ReadBatch::Item> items;
  for (size_t i = 0; i < paths.size(); ++i) {
    fds.push_back(::open(paths[i].c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_GE(fds.back(), 0);
    items.push_back({fds.back(), &outs[i], -1});
  }
  ASSERT_TRUE(batch->Run(&items));
  for (size_t i = 0; i < paths.size(); ++i) {
    SCOPED_TRACE(paths[i]);
    EXPECT_EQ(items[i].error, 0);
    if (paths[i].starts_with("/proc")) {
      EXPECT_NE(outs[i].find("VmRSS"), std::string::npos);
    } else {
      EXPECT_EQ(outs[i], Slurp(paths[i]));
    }
  }
  // A descriptor that is not readable gives its error, not a failed batch.
  int bad = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::string out;
  std::vector<ReadBatch::Item> one = {{bad, &out, 0}};
  ASSERT_TRUE(batch->Run(&one));
  EXPECT_NE(one[0].error, 0);
  for (int fd : fds) ::close(fd);
  ::close(bad);
}

TEST(CgroupKernelRead, PrefetchServesTheNextScrape) {
  testing::TempDir dir;
  Write(dir.Join("a"), "one\n");
  Write(dir.Join("b"), "two\n");
  FileCache cache(fs::Real(), 8);
  CachedFile a, b;
  ASSERT_EQ(**cache.Read(a, dir.path(), "a"), "one\n");
  ASSERT_EQ(**cache.Read(b, dir.path(), "b"), "two\n");
  CachedFile missing;
  EXPECT_EQ(*cache.Read(missing, dir.path(), "missing"), nullptr);
  EXPECT_FALSE(missing.is_open());
  cache.EndScrape();
  Write(dir.Join("a"), "uno\n");  // rewritten in place, as the kernel regenerates its files
  cache.Prefetch();
  if (cache.prefetched() == 0) GTEST_SKIP() << "io_uring is not available here";
  EXPECT_EQ(cache.prefetched(), 2u);
  EXPECT_EQ(**cache.Read(a, dir.path(), "a"), "uno\n");
  EXPECT_EQ(**cache.Read(b, dir.path(), "b"), "two\n");
  // Not read during a scrape: closed at its end, reopened when read again.
  cache.EndScrape();
  EXPECT_EQ(cache.open_files(), 2u);
  ASSERT_EQ(**cache.Read(a, dir.path(), "a"), "uno\n");
  cache.EndScrape();
  EXPECT_EQ(cache.open_files(), 1u);
  EXPECT_FALSE(b.is_open());
  EXPECT_EQ(**cache.Read(b, dir.path(), "b"), "two\n");
  EXPECT_TRUE(b.is_open());
}

}  // namespace
}  // namespace vigie::collect::cgroup
