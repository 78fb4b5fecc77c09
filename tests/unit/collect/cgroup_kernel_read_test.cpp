// Whole reads of kernel files without the confirming empty read, one by one and batched.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
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
  for (int i = 0; i < 300; ++i) {  // more than one ring's worth
    paths.push_back(dir.Join("f" + std::to_string(i)));
    Write(paths.back(), std::string(static_cast<size_t>(i % 40) * 97 + 1, 'a' + i % 26));
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
  // Read again after they changed: a read asks for about the previous length, so files that
  // grew by more than that room (or shrank, or went from short to a whole slot) still come
  // back whole.
  for (int i = 0; i < 300; ++i) {
    size_t size = i % 3 == 0 ? static_cast<size_t>(i % 40) * 97 + 1 + 3000 : i % 3 == 1 ? 5 : 4096;
    Write(paths[static_cast<size_t>(i)], std::string(size, 'A' + i % 26));
  }
  ASSERT_TRUE(batch->Run(&items));
  for (size_t i = 0; i < 300; ++i) {
    SCOPED_TRACE(paths[i]);
    EXPECT_EQ(items[i].error, 0);
    EXPECT_EQ(outs[i], Slurp(paths[i]));
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

// Files with fixed lines are read asking for exactly their previous length; every change
// such a file can see must still come back whole: same length, longer (a value gains a digit,
// the cut falling inside a line or at a line break), shorter, and blkio's "Total" files gaining
// or losing a device line.
TEST(CgroupKernelRead, FixedLineFilesReadWholeWhateverTheirNewLength) {
  auto batch = ReadBatch::Create();
  if (batch == nullptr) GTEST_SKIP() << "io_uring is not available here";
  testing::TempDir dir;
  struct Case {
    std::string before, after;
  };
  const std::vector<Case> cases = {
      {"123\n", "456\n"},                             // same length
      {"999\n", "1000\n"},                            // a digit more: cut inside the line
      {"1000\n", "999\n"},                            // shorter
      {"user 5\nsystem 7\n", "user 50\nsystem 7\n"},  // cut inside the last line
      {"user 5\nsystem 7\n", "user 5\nsystem 70\n"},  // cut before its line break
      {"a 1\nb 2\nc 3\n", "a 1\nb 22\nc 3\n"},        // cut at a line break, key c
      {"Total 0\n", "8:0 Read 1\nTotal 1\n"},         // blkio: a device appears
      {"8:0 Read 1\nTotal 1\n", "Total 0\n"},         // and goes
      {"8:0 Read 1\nTotal 1\n", "8:0 Read 1\n8:16 Read 2\nTotal 3\n"},
      {"8:0 Read 1\nTotal 11\n", "8:0 Read 12\nTotal 1\n"},   // same length, same lines
      {"a 1\nb 2\nc 3\n", "a 123456789\nb 2\nc 3\n"},         // cut at a line break, 1 line
      {"8:0 R 1\nTotal 1\n", "8:0 R 1\n8:1 R 2\nTotal 3\n"},  // cut at a break, same count
      {std::string(5000, 'x') + "\n", "short\n"},             // was longer than a slot
  };
  std::vector<std::string> outs(cases.size());
  std::vector<int> fds;
  std::vector<ReadBatch::Item> items;
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string path = dir.Join("f" + std::to_string(i));
    Write(path, cases[i].before);
    fds.push_back(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_GE(fds.back(), 0);
    items.push_back({fds.back(), &outs[i], -1, /*fixed_lines=*/true});
  }
  ASSERT_TRUE(batch->Run(&items));
  for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(outs[i], cases[i].before) << i;
  for (size_t i = 0; i < cases.size(); ++i)
    Write(dir.Join("f" + std::to_string(i)), cases[i].after);
  for (auto& it : items) it.error = -1;
  ASSERT_TRUE(batch->Run(&items));
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(items[i].error, 0) << i;
    EXPECT_EQ(outs[i], cases[i].after) << i;
  }
  for (int fd : fds) ::close(fd);
}

// The same on kernel files, whose content the kernel regenerates on every read: the batch's
// answer equals a plain read's twice in a row (the second asks for the first's length).
TEST(CgroupKernelRead, FixedLineKernelFilesMatchPlainReads) {
  auto batch = ReadBatch::Create();
  if (batch == nullptr) GTEST_SKIP() << "io_uring is not available here";
  std::vector<std::string> paths;
  for (const char* p :
       {"/sys/fs/cgroup/memory/memory.stat", "/sys/fs/cgroup/cpuacct/cpuacct.stat",
        "/sys/fs/cgroup/memory.stat", "/sys/fs/cgroup/cpu.stat", "/proc/self/cgroup"}) {
    if (::access(p, R_OK) == 0) paths.push_back(p);
  }
  if (paths.empty()) GTEST_SKIP() << "no cgroup files to read here";
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    std::string out;
    for (int round = 0; round < 2; ++round) {
      std::vector<ReadBatch::Item> one = {{fd, &out, -1, true}};
      ASSERT_TRUE(batch->Run(&one));
      EXPECT_EQ(one[0].error, 0);
      // Counters move between the two reads; the keys and the line count do not.
      std::string plain = Slurp(path);
      EXPECT_EQ(std::count(out.begin(), out.end(), '\n'),
                std::count(plain.begin(), plain.end(), '\n'));
      EXPECT_EQ(out.substr(0, out.find(' ')), plain.substr(0, plain.find(' ')));
      ASSERT_FALSE(out.empty());
      EXPECT_EQ(out.back(), '\n');
    }
    ::close(fd);
  }
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
