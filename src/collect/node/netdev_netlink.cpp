// rtnetlink link statistics for the netdev collector (node-exporter's default source).
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collect/node/netdev.h"

namespace vigie::collect::node {

namespace {

// The kernel's struct grows over time; older kernels send a shorter one. Read what is there.
rtnl_link_stats64 ReadStats(const void* data, size_t len) {
  rtnl_link_stats64 s{};
  std::memcpy(&s, data, std::min(len, sizeof s));
  return s;
}

NetDevStats FromStats(std::string name, const rtnl_link_stats64& s) {
  NetDevStats d;
  d.device = std::move(name);
  // Same folding as /proc/net/dev (net/core/net-procfs.c) and node-exporter's legacy names.
  d.values = {
      s.rx_bytes,
      s.rx_packets,
      s.rx_errors,
      s.rx_dropped + s.rx_missed_errors,
      s.rx_fifo_errors,
      s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors,
      s.rx_compressed,
      s.multicast,
      s.tx_bytes,
      s.tx_packets,
      s.tx_errors,
      s.tx_dropped,
      s.tx_fifo_errors,
      s.collisions,
      s.tx_carrier_errors + s.tx_aborted_errors + s.tx_heartbeat_errors + s.tx_window_errors,
      s.tx_compressed};
  d.receive_nohandler = s.rx_nohandler;
  return d;
}

}  // namespace

Status ParseNetlinkLinks(std::string_view messages, std::vector<NetDevStats>* out, bool* done) {
  const char* p = messages.data();
  size_t left = messages.size();
  while (left >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, p, sizeof h);
    if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > left) {
      return InvalidArgument("netlink: message length " + std::to_string(h.nlmsg_len) +
                             " out of bounds (" + std::to_string(left) + " bytes left)");
    }
    if (h.nlmsg_type == NLMSG_DONE) {
      *done = true;
      return OkStatus();
    }
    if (h.nlmsg_type == NLMSG_ERROR) {
      int err = 0;
      if (h.nlmsg_len >= sizeof(nlmsghdr) + sizeof(int)) {
        std::memcpy(&err, p + sizeof(nlmsghdr), sizeof err);
      }
      return IoError(std::string("netlink RTM_GETLINK: ") + std::strerror(err < 0 ? -err : err));
    }
    if (h.nlmsg_type == RTM_NEWLINK && h.nlmsg_len >= NLMSG_LENGTH(sizeof(ifinfomsg))) {
      size_t attr_off = NLMSG_LENGTH(sizeof(ifinfomsg));
      attr_off = NLMSG_ALIGN(attr_off);
      std::string name;
      const char* stats = nullptr;
      size_t stats_len = 0;
      while (attr_off + sizeof(rtattr) <= h.nlmsg_len) {
        rtattr a;
        std::memcpy(&a, p + attr_off, sizeof a);
        if (a.rta_len < sizeof(rtattr) || attr_off + a.rta_len > h.nlmsg_len) {
          return InvalidArgument("netlink: attribute length out of bounds");
        }
        const char* payload = p + attr_off + RTA_LENGTH(0);
        size_t payload_len = a.rta_len - RTA_LENGTH(0);
        if (a.rta_type == IFLA_IFNAME) {
          name.assign(payload, strnlen(payload, payload_len));
        } else if (a.rta_type == IFLA_STATS64) {
          stats = payload;
          stats_len = payload_len;
        }
        attr_off += RTA_ALIGN(a.rta_len);
      }
      if (!name.empty() && stats) out->push_back(FromStats(name, ReadStats(stats, stats_len)));
    }
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= left) break;
    p += step;
    left -= step;
  }
  return OkStatus();
}

Result<std::vector<NetDevStats>> ReadNetlinkLinks() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return IoError(std::string("netlink socket: ") + std::strerror(errno));
  struct {
    nlmsghdr h;
    ifinfomsg ifm;
  } req{};
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = RTM_GETLINK;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  req.ifm.ifi_family = AF_UNSPEC;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &req, sizeof req, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    int e = errno;
    ::close(fd);
    return IoError(std::string("netlink send: ") + std::strerror(e));
  }
  std::vector<NetDevStats> out;
  // A dump arrives in several datagrams; each holds whole messages.
  thread_local std::string buf(64 * 1024, '\0');
  bool done = false;
  for (int rounds = 0; !done && rounds < 10000; ++rounds) {
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return IoError(std::string("netlink recv: ") + std::strerror(e));
    }
    if (n == 0) break;
    Status st =
        ParseNetlinkLinks(std::string_view(buf.data(), static_cast<size_t>(n)), &out, &done);
    if (!st.ok()) {
      ::close(fd);
      return st.error();
    }
  }
  ::close(fd);
  if (!done) return IoError("netlink: link dump ended without NLMSG_DONE");
  return out;
}

}  // namespace vigie::collect::node
