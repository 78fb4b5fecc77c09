#include "core/fs.h"

#include <gtest/gtest.h>

#include "lib/temp_dir.h"

namespace vigie::fs {
namespace {

void Exercise(FileSystem& f, const std::string& root) {
  ASSERT_TRUE(f.MkdirAll(Join(root, "a/b")).ok());
  {
    auto w = f.OpenWritable(Join(root, "a/b/x"), true);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("hello ").ok());
    ASSERT_TRUE((*w)->Append("world").ok());
    ASSERT_TRUE((*w)->Sync().ok());
    EXPECT_EQ((*w)->Size(), 11u);
    ASSERT_TRUE((*w)->Close().ok());
  }
  EXPECT_EQ(*f.ReadFile(Join(root, "a/b/x")), "hello world");
  EXPECT_EQ(*f.ReadAt(Join(root, "a/b/x"), 6, 100), "world");
  EXPECT_EQ(*f.FileSize(Join(root, "a/b/x")), 11u);
  ASSERT_TRUE(f.Truncate(Join(root, "a/b/x"), 5).ok());
  EXPECT_EQ(*f.ReadFile(Join(root, "a/b/x")), "hello");
  ASSERT_TRUE(f.WriteFileAtomic(Join(root, "a/meta.json"), "{}").ok());
  auto ls = f.ListDir(Join(root, "a"));
  ASSERT_TRUE(ls.ok());
  EXPECT_EQ(ls->size(), 2u);  // b/ and meta.json, no leftover .tmp
  ASSERT_TRUE(f.Rename(Join(root, "a/b"), Join(root, "a/c")).ok());
  EXPECT_EQ(*f.ReadFile(Join(root, "a/c/x")), "hello");
  EXPECT_FALSE(f.Exists(Join(root, "a/b/x")));
  auto missing = f.ReadFile(Join(root, "nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(f.RemoveAll(Join(root, "a")).ok());
  EXPECT_FALSE(f.Exists(Join(root, "a/c/x")));
}

TEST(FileSystem, Real) {
  testing::TempDir dir;
  Exercise(Real(), dir.path());
}

TEST(FileSystem, Memory) {
  auto m = NewMemory();
  ASSERT_TRUE(m->MkdirAll("/root").ok());
  Exercise(*m, "/root");
}

TEST(FileSystem, FaultInjectionFailsChosenOps) {
  auto m = NewMemory();
  ASSERT_TRUE(m->MkdirAll("/d").ok());
  auto faulty = NewFaultInjecting(*m, [](std::string_view op, const std::string& p) {
    return op == "sync" && p.find("wal") != std::string::npos;
  });
  auto w = faulty->OpenWritable("/d/wal", true);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE((*w)->Append("x").ok());
  auto st = (*w)->Sync();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("injected"), std::string::npos);
  auto w2 = faulty->OpenWritable("/d/other", true);
  EXPECT_TRUE((*w2)->Sync().ok());
}

}  // namespace
}  // namespace vigie::fs
