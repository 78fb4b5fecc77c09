// Reliability on the real file system: a child process ingests hard (with background
// compaction, WAL segment cuts and checkpoints going on) and is killed with SIGKILL; the
// reopened database must hold every acknowledged sample exactly once and start without error.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "lib/temp_dir.h"
#include "storage/list_series.h"
#include "tsdb/db.h"
#include "tsdb/wal/wal.h"

namespace vigie::tsdb {
namespace {

constexpr int kSeries = 50;
constexpr int64_t kStep = 1000;

Options CrashOpts(const std::string& dir) {
  Options o;
  o.dir = dir;
  o.min_block_duration_ms = 60 * kStep;  // a block every 60 batches
  o.compaction_interval_ms = 20;         // compactions + checkpoints during ingestion
  o.wal_segment_size = 64 * 1024;        // many segment cuts
  o.wal_sync_interval_ms = 10;
  o.retention_ms = 0;
  return o;
}

Labels SeriesLabels(int s) { return {{"__name__", "crash_total"}, {"s", std::to_string(s)}}; }

[[noreturn]] void ChildWriter(const std::string& dir, int ack_fd, int64_t start) {
  auto db = DB::Open(CrashOpts(dir));
  if (!db.ok()) _exit(3);
  for (int64_t i = start;; ++i) {
    auto app = (*db)->NewAppender();
    for (int s = 0; s < kSeries; ++s) {
      if (!app->Append(0, SeriesLabels(s), i * kStep, static_cast<double>(i * (s + 1))).ok())
        _exit(4);
    }
    if (!app->Commit().ok()) _exit(5);
    // Acknowledge batch i only after Commit returned.
    if (write(ack_fd, &i, sizeof i) != sizeof i) _exit(6);
  }
}

int64_t RunAndKill(const std::string& dir, int64_t min_acks, int64_t start = 0) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    ChildWriter(dir, fds[1], start);
  }
  close(fds[1]);
  int64_t last = -1, v;
  while (last < min_acks && read(fds[0], &v, sizeof v) == sizeof v) last = v;
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "child exited by itself with " << WEXITSTATUS(status);
  while (read(fds[0], &v, sizeof v) == sizeof v) last = v;  // acks sent before the kill
  close(fds[0]);
  return last;
}

// Every series holds batches first..n contiguously (n >= last_ack), values intact, no
// duplicates.
void ExpectAllAcked(DB& db, int64_t last_ack, int64_t first = 0, int64_t end = INT64_MAX / kStep) {
  auto q = db.NewQuerier(INT64_MIN, INT64_MAX);
  ASSERT_TRUE(q.ok());
  std::vector<storage::Matcher> ms{
      storage::Matcher::MustMake(storage::MatchType::kEqual, "__name__", "crash_total")};
  auto set = (*q)->Select(true, nullptr, ms);
  auto all = storage::ReadAll(*set);
  ASSERT_TRUE(all.ok()) << all.error().message();
  ASSERT_EQ(all->size(), static_cast<size_t>(kSeries));
  for (const auto& s : *all) {
    int idx = std::stoi(std::string(s.labels().Get("s")));
    const auto& smp = s.samples();
    size_t k = 0;
    while (k < smp.size() && smp[k].t < first * kStep) ++k;
    ASSERT_GE(static_cast<int64_t>(smp.size() - k), last_ack - first + 1) << s.labels().ToString();
    for (int64_t i = first; k < smp.size() && smp[k].t < end * kStep; ++k, ++i) {
      ASSERT_EQ(smp[k].t, i * kStep) << s.labels().ToString();
      ASSERT_EQ(smp[k].v, static_cast<double>(i * (idx + 1)));
    }
  }
}

TEST(Crash, Kill9DuringIngestionLosesNothingAcknowledged) {
  testing::TempDir tmp;
  int64_t acked = RunAndKill(tmp.path(), 3000);
  ASSERT_GE(acked, 3000);
  auto db = DB::Open(CrashOpts(tmp.path()));
  ASSERT_TRUE(db.ok()) << db.error().message();
  EXPECT_FALSE((*db)->Blocks().empty());  // compactions happened while ingesting
  ExpectAllAcked(**db, acked);
  EXPECT_EQ((*db)->metrics().head.wal_unknown_refs.Get(), 0u);
  ASSERT_TRUE((*db)->Close().ok());

  // A second crash on top of the recovered state, continuing a little later in time.
  int64_t first = acked + 10;
  int64_t acked2 = RunAndKill(tmp.path(), first + 300, first);
  db = DB::Open(CrashOpts(tmp.path()));
  ASSERT_TRUE(db.ok()) << db.error().message();
  ExpectAllAcked(**db, acked, 0, first);
  ExpectAllAcked(**db, acked2, first);
}

TEST(Crash, TornAndCorruptWalTailIsRepairedOnStart) {
  testing::TempDir tmp;
  int64_t acked = RunAndKill(tmp.path(), 200);
  auto wal_dir = tmp.path() + "/wal";
  auto segs = wal::ListSegments(fs::Real(), wal_dir);
  ASSERT_TRUE(segs.ok() && !segs->empty());
  // Damage the newest non-empty segment: flip a byte near its end and cut the last bytes.
  std::string victim;
  for (auto it = segs->rbegin(); it != segs->rend(); ++it) {
    auto p = wal_dir + "/" + wal::SegmentName(*it);
    if (*fs::Real().FileSize(p) > 100) {
      victim = p;
      break;
    }
  }
  ASSERT_FALSE(victim.empty());
  auto data = *fs::Real().ReadFile(victim);
  data[data.size() - 40] ^= 0x5a;
  data.resize(data.size() - 7);
  ASSERT_TRUE((*fs::Real().OpenWritable(victim, true))->Append(data).ok());

  auto db = DB::Open(CrashOpts(tmp.path()));
  ASSERT_TRUE(db.ok()) << db.error().message();
  EXPECT_EQ((*db)->metrics().wal.corruptions.Get(), 1u);
  // What precedes the damage is intact; the last batches may be gone (they were damaged).
  auto q = (*db)->NewQuerier(INT64_MIN, INT64_MAX);
  std::vector<storage::Matcher> ms{
      storage::Matcher::MustMake(storage::MatchType::kEqual, "__name__", "crash_total")};
  auto set = (*q)->Select(true, nullptr, ms);
  auto all = storage::ReadAll(*set);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(kSeries));
  for (const auto& s : *all) {
    for (size_t i = 0; i < s.samples().size(); ++i) {
      ASSERT_EQ(s.samples()[i].t, static_cast<int64_t>(i) * kStep);
    }
    EXPECT_GE(static_cast<int64_t>(s.samples().size()), acked - 30);
  }
  // Appending continues after the repair, and a restart is clean.
  auto app = (*db)->NewAppender();
  ASSERT_TRUE(app->Append(0, SeriesLabels(0), (acked + 100) * kStep, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  // Appenders and queriers must not outlive their DB.
  app.reset();
  set.reset();
  q->reset();
  ASSERT_TRUE((*db)->Close().ok());
  db = DB::Open(CrashOpts(tmp.path()));
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->metrics().wal.corruptions.Get(), 0u);
}

}  // namespace
}  // namespace vigie::tsdb
