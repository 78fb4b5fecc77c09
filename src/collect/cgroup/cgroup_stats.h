// container_tasks_state straight from the kernel: the taskstats generic netlink family answers
// CGROUPSTATS_CMD_GET with the number of tasks (threads) of a cgroup in each scheduler state,
// the same source cAdvisor's load reader uses. One request per cgroup, all of them in one
// sendmsg and their answers in one recvmmsg: two system calls per scrape instead of a
// /proc/<pid>/stat read per process (and a task directory listing per multi-threaded one).
//
// The family exists only in the host's network namespace (and only with CONFIG_TASKSTATS):
// where it is missing, Open() returns null and the collector reads /proc instead.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "collect/cgroup/stats.h"
#include "core/result.h"

namespace vigie::collect::cgroup {

class CgroupStatsClient {
 public:
  // Null when the taskstats family cannot be reached.
  static std::unique_ptr<CgroupStatsClient> Open();
  ~CgroupStatsClient();
  CgroupStatsClient(const CgroupStatsClient&) = delete;
  CgroupStatsClient& operator=(const CgroupStatsClient&) = delete;

  // Task counts of the cgroups whose directories are open at `dir_fds`: (*out)[i] is valid when
  // (*ok)[i] is true (the kernel refuses a directory that is not a cgroup, or one removed
  // meanwhile). An error means the socket failed; nothing is valid then.
  Status Query(const std::vector<int>& dir_fds, std::vector<TaskStates>* out,
               std::vector<uint8_t>* ok);

 private:
  CgroupStatsClient(int fd, uint16_t family);
  Status QueryChunk(const int* fds, size_t n, TaskStates* out, uint8_t* ok);

  int fd_;
  uint16_t family_;
  uint32_t seq_ = 0;
  // Kept between queries: a large allocation in the middle of a scrape makes glibc consolidate
  // all the small blocks the previous scrape freed, which then cost more to allocate again.
  std::vector<char> send_;
  std::vector<char> recv_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iov_;
};

}  // namespace vigie::collect::cgroup
