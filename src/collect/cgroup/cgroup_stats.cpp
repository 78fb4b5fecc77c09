#include "collect/cgroup/cgroup_stats.h"

#include <errno.h>
#include <linux/cgroupstats.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace vigie::collect::cgroup {

namespace {

constexpr size_t kChunk = 128;       // requests per sendmsg
constexpr size_t kRequestSize = 64;  // nlmsghdr + genlmsghdr + one u32 attribute, aligned
constexpr size_t kReplySize = 256;   // nlmsghdr + genlmsghdr + struct cgroupstats, with room

// Appends a generic netlink request: header, command, and one attribute.
size_t PutRequest(char* p, uint16_t type, uint32_t seq, uint8_t cmd, uint8_t version, uint16_t attr,
                  const void* value, size_t value_len) {
  auto* n = reinterpret_cast<nlmsghdr*>(p);
  std::memset(p, 0, NLMSG_LENGTH(GENL_HDRLEN) + NLA_HDRLEN + NLA_ALIGN(value_len));
  n->nlmsg_type = type;
  n->nlmsg_flags = NLM_F_REQUEST;
  n->nlmsg_seq = seq;
  auto* g = static_cast<genlmsghdr*>(NLMSG_DATA(n));
  g->cmd = cmd;
  g->version = version;
  auto* a = reinterpret_cast<nlattr*>(reinterpret_cast<char*>(g) + GENL_HDRLEN);
  a->nla_type = attr;
  a->nla_len = static_cast<uint16_t>(NLA_HDRLEN + value_len);
  std::memcpy(reinterpret_cast<char*>(a) + NLA_HDRLEN, value, value_len);
  n->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
  return NLMSG_ALIGN(n->nlmsg_len);
}

// The payload of attribute `type` in a generic netlink message, or null.
const char* FindAttr(const nlmsghdr* n, uint16_t type, size_t min_len) {
  const char* p = static_cast<const char*>(NLMSG_DATA(n)) + GENL_HDRLEN;
  const char* end = reinterpret_cast<const char*>(n) + n->nlmsg_len;
  while (p + NLA_HDRLEN <= end) {
    const auto* a = reinterpret_cast<const nlattr*>(p);
    if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end) return nullptr;
    if ((a->nla_type & NLA_TYPE_MASK) == type &&
        static_cast<size_t>(a->nla_len - NLA_HDRLEN) >= min_len) {
      return p + NLA_HDRLEN;
    }
    p += NLA_ALIGN(a->nla_len);
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<CgroupStatsClient> CgroupStatsClient::Open() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
  if (fd < 0) return nullptr;
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  timeval timeout{1, 0};  // the kernel answers at once; never hang a scrape on a lost reply
  int rcvbuf = 256 << 10;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) {
    ::close(fd);
    return nullptr;
  }
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);  // best effort
  char req[128];
  size_t len = PutRequest(req, GENL_ID_CTRL, 1, CTRL_CMD_GETFAMILY, 1, CTRL_ATTR_FAMILY_NAME,
                          TASKSTATS_GENL_NAME, sizeof TASKSTATS_GENL_NAME);
  if (::send(fd, req, len, 0) != static_cast<ssize_t>(len)) {
    ::close(fd);
    return nullptr;
  }
  char buf[4096];
  ssize_t got;
  do {
    got = ::recv(fd, buf, sizeof buf, 0);
  } while (got < 0 && errno == EINTR);
  const auto* n = reinterpret_cast<const nlmsghdr*>(buf);
  if (got < static_cast<ssize_t>(NLMSG_HDRLEN) || !NLMSG_OK(n, static_cast<size_t>(got)) ||
      n->nlmsg_type != GENL_ID_CTRL) {
    ::close(fd);  // NLMSG_ERROR (ENOENT): no taskstats family in this network namespace
    return nullptr;
  }
  const char* id = FindAttr(n, CTRL_ATTR_FAMILY_ID, sizeof(uint16_t));
  if (id == nullptr) {
    ::close(fd);
    return nullptr;
  }
  uint16_t family = 0;
  std::memcpy(&family, id, sizeof family);
  return std::unique_ptr<CgroupStatsClient>(new CgroupStatsClient(fd, family));
}

CgroupStatsClient::CgroupStatsClient(int fd, uint16_t family) : fd_(fd), family_(family) {}

CgroupStatsClient::~CgroupStatsClient() { ::close(fd_); }

Status CgroupStatsClient::Query(const std::vector<int>& dir_fds, std::vector<TaskStates>* out,
                                std::vector<uint8_t>* ok) {
  out->assign(dir_fds.size(), TaskStates{});
  ok->assign(dir_fds.size(), 0);
  for (size_t start = 0; start < dir_fds.size(); start += kChunk) {
    size_t n = std::min(kChunk, dir_fds.size() - start);
    VIGIE_RETURN_IF_ERROR(
        QueryChunk(dir_fds.data() + start, n, out->data() + start, ok->data() + start));
  }
  return OkStatus();
}

Status CgroupStatsClient::QueryChunk(const int* fds, size_t n, TaskStates* out, uint8_t* ok) {
  send_.resize(n * kRequestSize);
  const uint32_t base = seq_ + 1;
  size_t len = 0;
  for (size_t i = 0; i < n; ++i) {
    auto fd = static_cast<uint32_t>(fds[i]);
    len += PutRequest(send_.data() + len, family_, base + static_cast<uint32_t>(i),
                      CGROUPSTATS_CMD_GET, TASKSTATS_GENL_VERSION, CGROUPSTATS_CMD_ATTR_FD, &fd,
                      sizeof fd);
  }
  seq_ += static_cast<uint32_t>(n);
  ssize_t sent;
  do {
    sent = ::send(fd_, send_.data(), len, 0);
  } while (sent < 0 && errno == EINTR);
  if (sent != static_cast<ssize_t>(len)) {
    return IoError(std::string("taskstats netlink send: ") + std::strerror(errno));
  }

  // Every request gets one answer: the statistics, or an error (not a cgroup, gone).
  recv_.resize(n * kReplySize);
  msgs_.resize(n);
  iov_.resize(n);
  std::vector<mmsghdr>& msgs = msgs_;
  std::vector<iovec>& iov = iov_;
  size_t answered = 0;
  while (answered < n) {
    size_t want = n - answered;
    for (size_t i = 0; i < want; ++i) {
      iov[i] = {recv_.data() + i * kReplySize, kReplySize};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    // The kernel answered while handling the send: the answers are queued already.
    int got = ::recvmmsg(fd_, msgs.data(), static_cast<unsigned>(want), MSG_WAITFORONE, nullptr);
    if (got < 0) {
      if (errno == EINTR) continue;
      // Timed out or the receive buffer overflowed (ENOBUFS): what did not arrive is not ok.
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return OkStatus();
      return IoError(std::string("taskstats netlink receive: ") + std::strerror(errno));
    }
    for (int m = 0; m < got; ++m) {
      size_t size = msgs[m].msg_len;
      const auto* h = reinterpret_cast<const nlmsghdr*>(recv_.data() + m * kReplySize);
      if ((msgs[m].msg_hdr.msg_flags & MSG_TRUNC) != 0 || !NLMSG_OK(h, size)) continue;
      uint32_t i = h->nlmsg_seq - base;
      if (i >= n) continue;  // a late answer to an earlier, timed-out query
      ++answered;
      if (h->nlmsg_type != family_) continue;  // NLMSG_ERROR: ok stays false
      const char* stats = FindAttr(h, CGROUPSTATS_TYPE_CGROUP_STATS, sizeof(cgroupstats));
      if (stats == nullptr) continue;
      cgroupstats cs;
      std::memcpy(&cs, stats, sizeof cs);
      out[i].sleeping = cs.nr_sleeping;
      out[i].running = cs.nr_running;
      out[i].stopped = cs.nr_stopped;
      out[i].uninterruptible = cs.nr_uninterruptible;
      out[i].iowaiting = cs.nr_io_wait;
      ok[i] = 1;
    }
  }
  return OkStatus();
}

}  // namespace vigie::collect::cgroup
