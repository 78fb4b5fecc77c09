// FileCache: handles kept between scrapes, closed when unused, a budget, missing files.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "collect/cgroup/file_cache.h"
#include "lib/temp_dir.h"

namespace vigie::collect::cgroup {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
}

TEST(CgroupFileCache, KeepsHandlesAndRereadsFromStart) {
  testing::TempDir dir;
  Write(dir.Join("a"), "one\n");
  FileCache cache(fs::Real(), 8);
  std::string out;
  ASSERT_TRUE(*cache.Read(dir.Join("a"), &out));
  EXPECT_EQ(out, "one\n");
  EXPECT_EQ(cache.open_files(), 1u);
  Write(dir.Join("a"), "two, longer\n");  // same inode, rewritten in place
  ASSERT_TRUE(*cache.Read(dir.Join("a"), &out));
  EXPECT_EQ(out, "two, longer\n");
  EXPECT_EQ(cache.open_files(), 1u);
}

// A file replaced by a rename stands in for cgroup v1's cgroup.procs, whose kept handle repeats
// an old pid list: only a fresh open sees the new content.
TEST(CgroupFileCache, RepeatingFilesAreReopenedUnlessKept) {
  testing::TempDir dir;
  Write(dir.Join("procs"), "old\n");
  FileCache cache(fs::Real(), 8);
  CachedFile f;
  f.set_repeating();
  auto scrape = [&](bool keep) -> std::string {
    cache.Prefetch();
    if (keep) cache.KeepPrevious(f);
    cache.PrefetchDeferred();
    EXPECT_EQ(cache.prefetched(), 0u) << "read again at once, the handle would repeat itself";
    auto r = cache.Read(f, dir.path(), "procs");
    cache.EndScrape();
    return r.ok() && *r != nullptr ? **r : "(none)";
  };
  EXPECT_EQ(scrape(false), "old\n");
  Write(dir.Join("new"), "new\n");
  ASSERT_EQ(std::rename(dir.Join("new").c_str(), dir.Join("procs").c_str()), 0);
  // The caller knows the content cannot have changed: kept, not read.
  EXPECT_EQ(scrape(true), "old\n");
  // Otherwise opened afresh (the kept handle would still say "old").
  EXPECT_EQ(scrape(false), "new\n");
  EXPECT_EQ(cache.open_files(), 1u);
}

TEST(CgroupFileCache, DeferredFilesAreReadSecondUnlessKept) {
  if (ReadBatch::Create() == nullptr) GTEST_SKIP() << "io_uring is not available here";
  testing::TempDir dir;
  Write(dir.Join("first"), "1\n");
  Write(dir.Join("deferred"), "a\n");
  FileCache cache(fs::Real(), 8);
  CachedFile first, deferred;
  deferred.set_deferred();
  auto read = [&](CachedFile& f, const char* name) {
    auto r = cache.Read(f, dir.path(), name);
    return r.ok() && *r != nullptr ? **r : std::string("(none)");
  };
  cache.Prefetch();
  EXPECT_EQ(read(first, "first"), "1\n");
  EXPECT_EQ(read(deferred, "deferred"), "a\n");
  cache.EndScrape();

  Write(dir.Join("first"), "2\n");
  Write(dir.Join("deferred"), "b\n");
  cache.Prefetch();
  EXPECT_EQ(cache.prefetched(), 1u) << "only the file that is not deferred";
  ASSERT_NE(cache.Prefetched(first), nullptr);
  EXPECT_EQ(*cache.Prefetched(first), "2\n");
  EXPECT_EQ(read(first, "first"), "2\n");
  EXPECT_EQ(cache.Prefetched(deferred), nullptr);
  cache.KeepPrevious(deferred);
  cache.PrefetchDeferred();
  EXPECT_EQ(cache.prefetched(), 1u) << "a kept file is not read";
  EXPECT_EQ(read(deferred, "deferred"), "a\n");
  cache.EndScrape();

  cache.Prefetch();
  cache.PrefetchDeferred();
  EXPECT_EQ(cache.prefetched(), 2u);
  EXPECT_EQ(read(first, "first"), "2\n");
  EXPECT_EQ(read(deferred, "deferred"), "b\n");
  EXPECT_EQ(cache.open_files(), 2u);
}

TEST(CgroupFileCache, MissingFilesAndUnusedHandles) {
  testing::TempDir dir;
  Write(dir.Join("a"), "a");
  Write(dir.Join("b"), "b");
  FileCache cache(fs::Real(), 8);
  std::string out;
  auto missing = cache.Read(dir.Join("nope"), &out);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(*missing);
  ASSERT_TRUE(*cache.Read(dir.Join("a"), &out));
  ASSERT_TRUE(*cache.Read(dir.Join("b"), &out));
  cache.EndScrape();
  EXPECT_EQ(cache.open_files(), 2u);
  ASSERT_TRUE(*cache.Read(dir.Join("a"), &out));  // "b" not read in this scrape
  cache.EndScrape();
  EXPECT_EQ(cache.open_files(), 1u);
}

TEST(CgroupFileCache, BudgetFallsBackToPlainReads) {
  testing::TempDir dir;
  Write(dir.Join("a"), "a");
  Write(dir.Join("b"), "b");
  FileCache cache(fs::Real(), 1);
  std::string out;
  ASSERT_TRUE(*cache.Read(dir.Join("a"), &out));
  ASSERT_TRUE(*cache.Read(dir.Join("b"), &out));
  EXPECT_EQ(out, "b");
  EXPECT_EQ(cache.open_files(), 1u);
  FileCache none(fs::Real(), 0);
  ASSERT_TRUE(*none.Read(dir.Join("a"), &out));
  EXPECT_EQ(out, "a");
  EXPECT_EQ(none.open_files(), 0u);
}

TEST(CgroupFileCache, ProcFileOfExitedProcessIsNotFound) {
  // A /proc/<pid> file stays bound to its process: once it exits, reads say "not found".
  pid_t pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  ASSERT_GT(pid, 0);
  FileCache cache(fs::Real(), 8);
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  std::string out;
  ASSERT_TRUE(*cache.Read(path, &out));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  auto r = cache.Read(path, &out);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_FALSE(*r);
  EXPECT_EQ(cache.open_files(), 0u);
}

TEST(CgroupFileCache, DefaultBudgetFollowsTheFileLimit) {
  size_t n = DefaultMaxOpenFiles();
  EXPECT_LE(n, size_t{1} << 20);
}

}  // namespace
}  // namespace vigie::collect::cgroup
