// The pure Parse functions of the node collectors: good input from real kernels, and malformed
// input that must give a clear error (naming the file and line) and never crash.
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <string>

#include "collect/node/clocksource.h"
#include "collect/node/diskstats.h"
#include "collect/node/loadavg.h"
#include "collect/node/meminfo.h"
#include "collect/node/netdev.h"
#include "collect/node/os_release.h"
#include "collect/node/pressure.h"
#include "collect/node/proc_stat.h"
#include "collect/node/vmstat.h"

namespace vigie::collect::node {
namespace {

bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

TEST(ParseProcStat, ReadsCpusAndCounters) {
  auto s = ParseProcStat(
      "cpu  28237 0 13516 100643 1240 0 404 0 0 0\n"
      "cpu0 12817 1 5907 53024 86 2 163 3 4 5\n"
      "cpu1 15420 0 7608 47619 1154 0 241 0 0 0\n"
      "intr 425903 0 9 0\n"
      "ctxt 781633\n"
      "btime 1795490029\n"
      "processes 10329\n"
      "procs_running 2\n"
      "procs_blocked 0\n"
      "softirq 1 2 3\n");
  ASSERT_TRUE(s.ok()) << s.error().message();
  ASSERT_EQ(s->cpus.size(), 2u);
  EXPECT_EQ(s->cpus[0].cpu, 0);
  EXPECT_DOUBLE_EQ(s->cpus[0].user, 128.17);
  EXPECT_DOUBLE_EQ(s->cpus[0].nice, 0.01);
  EXPECT_DOUBLE_EQ(s->cpus[0].steal, 0.03);
  EXPECT_DOUBLE_EQ(s->cpus[0].guest, 0.04);
  EXPECT_DOUBLE_EQ(s->cpus[0].guest_nice, 0.05);
  EXPECT_EQ(s->cpus[1].cpu, 1);
  EXPECT_EQ(s->intr_total, 425903u);
  EXPECT_EQ(s->context_switches, 781633u);
  EXPECT_EQ(s->boot_time, 1795490029u);
  EXPECT_EQ(s->forks, 10329u);
  EXPECT_EQ(s->procs_running, 2u);
  EXPECT_EQ(s->procs_blocked, 0u);
}

TEST(ParseProcStat, OldKernelsHaveFewerCpuFields) {
  auto s = ParseProcStat("cpu3 1 2 3 4\n");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->cpus.size(), 1u);
  EXPECT_EQ(s->cpus[0].cpu, 3);
  EXPECT_DOUBLE_EQ(s->cpus[0].idle, 0.04);
  EXPECT_EQ(s->cpus[0].iowait, 0);
}

TEST(ParseProcStat, MalformedInput) {
  for (const char* bad : {"cpu0 12 x 3\n", "cpuX 1 2 3\n", "ctxt\n", "ctxt -5\n", "btime 1e9\n",
                          "cpu0\n", "cpu99999999999 1\n", "cpu-1 1 2\n"}) {
    auto s = ParseProcStat(std::string("cpu 1 2 3\n") + bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_TRUE(Contains(s.error().message(), "/proc/stat line 2")) << s.error().message();
  }
  EXPECT_TRUE(ParseProcStat("").ok());
  EXPECT_TRUE(ParseProcStat("unknown_line 1 2\n").ok());
}

TEST(ParseMeminfo, MangledNamesAndUnits) {
  auto m = ParseMeminfo(
      "MemTotal:       24683620 kB\n"
      "Active(anon):       1568 kB\n"
      "HugePages_Total:       0\n"
      "\n"
      "Hugepagesize:       2048 kB\n");
  ASSERT_TRUE(m.ok()) << m.error().message();
  ASSERT_EQ(m->size(), 4u);
  EXPECT_EQ((*m)[0].name, "MemTotal_bytes");
  EXPECT_EQ((*m)[0].value, 24683620.0 * 1024);
  EXPECT_EQ((*m)[1].name, "Active_anon_bytes");
  EXPECT_EQ((*m)[2].name, "HugePages_Total");
  EXPECT_EQ((*m)[2].value, 0);
  EXPECT_EQ((*m)[3].name, "Hugepagesize_bytes");
}

TEST(ParseMeminfo, MalformedInput) {
  for (const char* bad : {"MemTotal: abc kB\n", "MemTotal 5 kB\n", "MemTotal:\n",
                          "MemTotal: 1 kB extra\n", "Bad-Name: 1 kB\n", ": 1 kB\n"}) {
    auto m = ParseMeminfo(std::string("MemFree: 1 kB\n") + bad);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_TRUE(Contains(m.error().message(), "/proc/meminfo line 2")) << m.error().message();
  }
}

TEST(ParseLoadavg, ThreeAverages) {
  auto l = ParseLoadavg("1.99 0.96 0.43 3/210 12345\n");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ((*l)[0], 1.99);
  EXPECT_EQ((*l)[1], 0.96);
  EXPECT_EQ((*l)[2], 0.43);
  EXPECT_FALSE(ParseLoadavg("1.0 2.0\n").ok());
  EXPECT_FALSE(ParseLoadavg("").ok());
  auto bad = ParseLoadavg("1.0 x 3.0 1/2 3\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Contains(bad.error().message(), "\"x\"")) << bad.error().message();
}

TEST(ParseDiskstats, AllKernelLayouts) {
  auto d = ParseDiskstats(
      "   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n"
      " 259       0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"
      " 254       0 vda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"
      " 254       1 vdb 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n");
  ASSERT_TRUE(d.ok()) << d.error().message();
  ASSERT_EQ(d->size(), 4u);
  EXPECT_EQ((*d)[0].stats.size(), 11u);
  EXPECT_EQ((*d)[1].stats.size(), 15u);
  EXPECT_EQ((*d)[2].stats.size(), 17u);
  EXPECT_EQ((*d)[3].stats.size(), 17u);  // future columns are ignored
  EXPECT_EQ((*d)[1].major, 259u);
  EXPECT_EQ((*d)[1].device, "nvme0n1");
}

TEST(ParseDiskstats, MalformedInput) {
  for (const char* bad :
       {"8 0 sda 1 2 3\n", "8 x sda 1 2 3 4 5 6 7 8 9 10 11\n", "8 0 sda 1 2 3 4 5 6 7 8 9 10 -1\n",
        "99999999999 0 sda 1 2 3 4 5 6 7 8 9 10 11\n"}) {
    auto d = ParseDiskstats(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_TRUE(Contains(d.error().message(), "/proc/diskstats line 1")) << d.error().message();
  }
}

TEST(ParseUdevProperties, OnlyPropertyLines) {
  auto p = ParseUdevProperties("S:disk/by-id/x\nE:ID_MODEL=Disk=1\nE:BROKEN\nI:123\nE:ID_WWN=\n");
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p["ID_MODEL"], "Disk=1");
  EXPECT_EQ(p["ID_WWN"], "");
}

TEST(ParseNetDev, Counters) {
  auto n = ParseNetDev(
      "Inter-|   Receive |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes ...\n"
      "    lo:   38169      55    0    0    0     0          0         0    38169      55    0 "
      "   0    0     0       0          0\n"
      "  eth0:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
  ASSERT_TRUE(n.ok()) << n.error().message();
  ASSERT_EQ(n->size(), 2u);
  EXPECT_EQ((*n)[0].device, "lo");
  EXPECT_EQ((*n)[0].values[0], 38169u);
  EXPECT_EQ((*n)[1].device, "eth0");  // no space after the colon on big counters
  EXPECT_EQ((*n)[1].values[0], 1u);
  EXPECT_EQ((*n)[1].values[15], 16u);
  EXPECT_EQ(kNetDevColumns[13], "transmit_colls");
}

TEST(ParseNetDev, MalformedInput) {
  const std::string header = "h1\nh2\n";
  for (const char* bad :
       {"eth0 1 2 3\n", "eth0: 1 2 3\n", ": 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
        "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n"}) {
    auto n = ParseNetDev(header + bad);
    ASSERT_FALSE(n.ok()) << bad;
    EXPECT_TRUE(Contains(n.error().message(), "/proc/net/dev line 3")) << n.error().message();
  }
}

TEST(ParsePressure, SomeAndFull) {
  auto p = ParsePressure(
      "some avg10=0.00 avg60=0.10 avg300=0.05 total=11369145\n"
      "full avg10=0.00 avg60=0.00 avg300=0.00 total=10464688\n");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->has_some);
  EXPECT_TRUE(p->has_full);
  EXPECT_EQ(p->some_total_us, 11369145u);
  EXPECT_EQ(p->full_total_us, 10464688u);
  auto cpu = ParsePressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=52004569\n");
  ASSERT_TRUE(cpu.ok());
  EXPECT_FALSE(cpu->has_full);
  for (const char* bad : {"most total=1\n", "some avg10=1\n", "some total=abc\n"}) {
    auto e = ParsePressure(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_TRUE(Contains(e.error().message(), "line 1")) << e.error().message();
  }
}

TEST(ParseVmstat, Fields) {
  auto v = ParseVmstat("nr_free_pages 123\npgfault 5408653\n");
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[1].name, "pgfault");
  EXPECT_EQ((*v)[1].value, 5408653);
  for (const char* bad : {"pgfault\n", "pgfault x\n", "pg-fault 1\n", "pgfault 1 2\n"}) {
    auto e = ParseVmstat(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_TRUE(Contains(e.error().message(), "/proc/vmstat line 1")) << e.error().message();
  }
}

TEST(ParseClockSource, ListsAndTrims) {
  auto c = ParseClockSource("tsc hpet acpi_pm \n", "tsc\n");
  EXPECT_EQ(c.available, (std::vector<std::string>{"tsc", "hpet", "acpi_pm"}));
  EXPECT_EQ(c.current, "tsc");
  EXPECT_TRUE(ParseClockSource("", "").available.empty());
}

TEST(ParseOsRelease, QuotingAndComments) {
  auto r = ParseOsRelease(
      "# comment\n"
      "NAME=\"Debian GNU/Linux\"\n"
      "ID=debian\n"
      "PRETTY_NAME='single quoted'\n"
      "VERSION=\"with \\\"escaped\\\" quotes\"\n"
      "\n"
      "HOME_URL=\"https://www.debian.org/\" # trailing comment\n"
      "export VARIANT=plain\\ escaped\n");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)["NAME"], "Debian GNU/Linux");
  EXPECT_EQ((*r)["ID"], "debian");
  EXPECT_EQ((*r)["PRETTY_NAME"], "single quoted");
  EXPECT_EQ((*r)["VERSION"], "with \"escaped\" quotes");
  EXPECT_EQ((*r)["HOME_URL"], "https://www.debian.org/");
  EXPECT_EQ((*r)["VARIANT"], "plain escaped");
}

TEST(ParseOsRelease, MalformedInput) {
  for (const char* bad :
       {"NAME\n", "NAME=\"unterminated\n", "BAD-KEY=1\n", "=value\n", "NAME=\"a\" b\n"}) {
    auto r = ParseOsRelease(std::string("ID=x\n") + bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(Contains(r.error().message(), "os-release line 2")) << r.error().message();
  }
}

TEST(OsVersionNumber, MajorMinor) {
  EXPECT_EQ(OsVersionNumber("12"), 12);
  EXPECT_EQ(OsVersionNumber("22.04"), 22.04);
  EXPECT_EQ(OsVersionNumber("22.04.3"), 22.04);
  EXPECT_EQ(OsVersionNumber("7."), 7);
  EXPECT_EQ(OsVersionNumber("rolling"), 0);
  EXPECT_EQ(OsVersionNumber(""), 0);
}

// Arbitrary bytes never crash a parser.
TEST(Parsers, GarbageDoesNotCrash) {
  std::string garbage;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245 + 12345;
    char c = static_cast<char>((x >> 16) & 0xff);
    if ((x >> 8) % 7 == 0) c = '\n';
    if ((x >> 8) % 5 == 0) c = ' ';
    garbage += c;
  }
  for (size_t len : {size_t{0}, size_t{1}, size_t{17}, size_t{300}, garbage.size()}) {
    std::string_view g(garbage.data(), len);
    (void)ParseProcStat(g);
    (void)ParseMeminfo(g);
    (void)ParseLoadavg(g);
    (void)ParseDiskstats(g);
    (void)ParseNetDev(g);
    (void)ParsePressure(g);
    (void)ParseVmstat(g);
    (void)ParseOsRelease(g);
    (void)ParseUdevProperties(g);
    std::vector<NetDevStats> links;
    bool done = false;
    (void)ParseNetlinkLinks(g, &links, &done);
    (void)ParseClockSource(g, g);
    (void)OsVersionNumber(g);
  }
}

}  // namespace
}  // namespace vigie::collect::node

namespace vigie::collect::node {
namespace {

// Appends one netlink message of `type` with `payload` (already attribute-encoded).
void AppendMessage(std::string* out, uint16_t type, const std::string& payload) {
  nlmsghdr h{};
  h.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(payload.size()));
  h.nlmsg_type = type;
  std::string msg(reinterpret_cast<const char*>(&h), sizeof h);
  msg += payload;
  msg.resize(NLMSG_ALIGN(msg.size()), '\0');
  *out += msg;
}

std::string Attr(uint16_t type, const void* data, size_t len) {
  rtattr a{};
  a.rta_type = type;
  a.rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
  std::string out(reinterpret_cast<const char*>(&a), sizeof a);
  out.append(static_cast<const char*>(data), len);
  out.resize(RTA_ALIGN(out.size()), '\0');
  return out;
}

std::string LinkMessage(const std::string& name, const rtnl_link_stats64& s) {
  ifinfomsg ifm{};
  std::string payload(reinterpret_cast<const char*>(&ifm), sizeof ifm);
  payload.resize(NLMSG_ALIGN(payload.size()), '\0');
  payload += Attr(IFLA_IFNAME, name.c_str(), name.size() + 1);
  payload += Attr(IFLA_STATS64, &s, sizeof s);
  std::string out;
  AppendMessage(&out, RTM_NEWLINK, payload);
  return out;
}

TEST(ParseNetlinkLinks, FoldsStatsLikeProcNetDev) {
  rtnl_link_stats64 s{};
  s.rx_bytes = 1000;
  s.rx_packets = 10;
  s.rx_dropped = 2;
  s.rx_missed_errors = 3;
  s.rx_length_errors = 1;
  s.rx_over_errors = 1;
  s.rx_crc_errors = 1;
  s.rx_frame_errors = 1;
  s.tx_carrier_errors = 5;
  s.tx_window_errors = 1;
  s.collisions = 7;
  s.rx_nohandler = 9;
  std::string buf = LinkMessage("eth0", s) + LinkMessage("lo", rtnl_link_stats64{});
  AppendMessage(&buf, NLMSG_DONE, std::string(4, '\0'));
  std::vector<NetDevStats> out;
  bool done = false;
  ASSERT_TRUE(ParseNetlinkLinks(buf, &out, &done).ok());
  EXPECT_TRUE(done);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].device, "eth0");
  EXPECT_EQ(out[0].values[0], 1000u);
  EXPECT_EQ(out[0].values[3], 5u);   // receive_drop = dropped + missed
  EXPECT_EQ(out[0].values[5], 4u);   // receive_frame = length + over + crc + frame
  EXPECT_EQ(out[0].values[13], 7u);  // transmit_colls
  EXPECT_EQ(out[0].values[14], 6u);  // transmit_carrier = carrier + aborted + heartbeat + window
  EXPECT_EQ(out[0].receive_nohandler, 9u);
  EXPECT_EQ(out[1].device, "lo");
}

TEST(ParseNetlinkLinks, MalformedMessagesAreErrors) {
  std::string good = LinkMessage("eth0", rtnl_link_stats64{});
  std::vector<NetDevStats> out;
  bool done = false;
  // Length larger than the buffer.
  std::string truncated = good.substr(0, good.size() - 8);
  EXPECT_FALSE(ParseNetlinkLinks(truncated, &out, &done).ok());
  // Attribute length past its message.
  std::string bad_attr = good;
  rtattr* a = reinterpret_cast<rtattr*>(bad_attr.data() + NLMSG_LENGTH(sizeof(ifinfomsg)));
  a->rta_len = 60000;
  EXPECT_FALSE(ParseNetlinkLinks(bad_attr, &out, &done).ok());
  // A kernel error answer.
  std::string err;
  int code = -EPERM;
  AppendMessage(&err, NLMSG_ERROR, std::string(reinterpret_cast<const char*>(&code), sizeof code));
  auto st = ParseNetlinkLinks(err, &out, &done);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(Contains(st.error().message(), "not permitted")) << st.error().message();
  EXPECT_FALSE(done);
  // Short garbage is ignored, not read past.
  EXPECT_TRUE(ParseNetlinkLinks("abc", &out, &done).ok());
}

// The real kernel: the loopback device is always there, and its counters match /proc/net/dev's.
TEST(ReadNetlinkLinks, AgreesWithProcNetDev) {
  auto links = ReadNetlinkLinks();
  ASSERT_TRUE(links.ok()) << links.error().message();
  bool found = false;
  for (const auto& l : *links) {
    if (l.device != "lo") continue;
    found = true;
    EXPECT_TRUE(l.receive_nohandler.has_value());
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace vigie::collect::node
