// /proc/net/dev (+ /sys/class/net/<dev>/statistics/rx_nohandler): node_network_*_total{device}.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::collect::node {

// The 16 columns of /proc/net/dev, named as node-exporter names its metrics
// (node_network_<name>_total).
inline constexpr std::array<std::string_view, 16> kNetDevColumns = {
    "receive_bytes",  "receive_packets",  "receive_errs",       "receive_drop",
    "receive_fifo",   "receive_frame",    "receive_compressed", "receive_multicast",
    "transmit_bytes", "transmit_packets", "transmit_errs",      "transmit_drop",
    "transmit_fifo",  "transmit_colls",   "transmit_carrier",   "transmit_compressed"};

struct NetDevStats {
  std::string device;
  std::array<uint64_t, 16> values{};
  std::optional<uint64_t> receive_nohandler;  // netlink only (/proc/net/dev lacks it)
};

Result<std::vector<NetDevStats>> ParseNetDev(std::string_view text);

// The answer to an RTM_GETLINK dump (a sequence of netlink messages, as read from the socket):
// each link's IFLA_IFNAME and IFLA_STATS64, folded into /proc/net/dev's columns the way the kernel
// prints them (e.g. receive_drop = rx_dropped + rx_missed_errors). Returns true in *done once
// NLMSG_DONE is seen. Malformed messages are errors, never read out of bounds.
Status ParseNetlinkLinks(std::string_view messages, std::vector<NetDevStats>* out, bool* done);

// Dumps the links of the agent's network namespace over rtnetlink (what node-exporter does by
// default): one socket round trip instead of a file per device.
Result<std::vector<NetDevStats>> ReadNetlinkLinks();

}  // namespace vigie::collect::node
