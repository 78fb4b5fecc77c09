// `vigie agent` side by side with the real node-exporter (Debian's prometheus-node-exporter 1.5)
// on loopback, both with the same collectors, scraped at the same moment: every family
// node-exporter emits is in ours with the same type and label names, and the stable values
// agree (MemTotal exactly, CPU seconds within a second, file system sizes exactly). Also checks
// the agent's HTTP surface: OpenMetrics by negotiation, gzip, health endpoints, self-metrics.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <future>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "expfmt/parser.h"
#include "lib/process.h"
#include "lib/temp_dir.h"
#include "net/gzip.h"

namespace vigie {
namespace {

using testing::ChildProcess;
using testing::FreeTcpPort;
using testing::HttpGetBody;
using testing::WaitForHttpOk;

const std::vector<std::string> kCollectors = {"cpu",     "diskstats", "filesystem", "loadavg",
                                              "meminfo", "netdev",    "os",         "pressure",
                                              "stat",    "time",      "uname",      "vmstat"};

struct Family {
  expfmt::MetricType type = expfmt::MetricType::kUnknown;
  std::set<std::string> label_names;
};

struct Scrape {
  std::map<std::string, Family> families;  // by TYPE name
  std::map<std::string, double> series;    // name{sorted labels}
  std::map<std::string, std::string> family_of;
};

Scrape Parse(std::string_view text, expfmt::Format format) {
  Scrape out;
  expfmt::Parser p(text, format);
  std::string family;
  while (true) {
    auto e = p.Next();
    EXPECT_TRUE(e.ok()) << e.error().message();
    if (!e.ok() || *e == expfmt::Entry::kEof) break;
    if (*e == expfmt::Entry::kType) {
      family = std::string(p.MetricName());
      out.families[family].type = p.Type();
    } else if (*e == expfmt::Entry::kSeries) {
      std::vector<std::pair<std::string, std::string>> labels;
      for (size_t i = 0; i < p.LabelCount(); ++i) {
        labels.emplace_back(std::string(p.LabelName(i)), p.LabelValue(i));
        out.families[family].label_names.insert(std::string(p.LabelName(i)));
      }
      std::sort(labels.begin(), labels.end());
      std::string key(p.MetricName());
      key += '{';
      for (const auto& [n, v] : labels) key += n + "=\"" + v + "\",";
      key += '}';
      out.series[key] = p.Value();
      out.family_of[key] = family;
    }
  }
  return out;
}

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// HTTP/1.0 GET with extra request headers, on loopback.
RawResponse RawGet(int port, const std::string& path,
                   const std::vector<std::string>& request_headers) {
  RawResponse r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return r;
  }
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n";
  for (const auto& h : request_headers) req += h + "\r\n";
  req += "\r\n";
  (void)!::write(fd, req.data(), req.size());
  std::string raw;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) raw.append(buf, static_cast<size_t>(n));
  ::close(fd);
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return r;
  std::string head = raw.substr(0, end);
  r.body = raw.substr(end + 4);
  size_t sp = head.find(' ');
  r.status = std::atoi(head.c_str() + sp + 1);
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line =
        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t v = line.find_first_not_of(' ', colon + 1);
      r.headers[name] = v == std::string::npos ? "" : line.substr(v);
    }
    pos = next;
  }
  return r;
}

bool Ignored(const std::string& family) {
  // The exporters' own metrics, not the collectors'.
  return family.rfind("go_", 0) == 0 || family.rfind("process_", 0) == 0 ||
         family.rfind("promhttp_", 0) == 0 || family == "node_exporter_build_info";
}

class AgentVersusNodeExporter : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HaveProgram("prometheus-node-exporter")) {
      GTEST_SKIP() << "prometheus-node-exporter is not installed (apt-get install "
                      "prometheus-node-exporter)";
    }
    ne_port_ = FreeTcpPort();
    std::vector<std::string> ne = {"prometheus-node-exporter",
                                   "--web.listen-address=127.0.0.1:" + std::to_string(ne_port_),
                                   "--collector.disable-defaults"};
    for (const auto& c : kCollectors) ne.push_back("--collector." + c);
    auto ne_proc = ChildProcess::Start(ne, dir_.Join("node_exporter.log"));
    ASSERT_TRUE(ne_proc.ok()) << ne_proc.error().message();
    node_exporter_.emplace(std::move(*ne_proc));

    agent_port_ = FreeTcpPort();
    std::vector<std::string> agent = {
        testing::VigieBinary(), "agent",
        "--web.listen-address=127.0.0.1:" + std::to_string(agent_port_),
        "--collector.disable-defaults", "--no-docker"};
    for (const auto& c : kCollectors) agent.push_back("--collector." + c);
    agent.push_back("--collector.machine");  // cAdvisor's machine_*, checked against the same
    auto agent_proc = ChildProcess::Start(agent, dir_.Join("agent.log"));
    ASSERT_TRUE(agent_proc.ok()) << agent_proc.error().message();
    agent_.emplace(std::move(*agent_proc));

    ASSERT_TRUE(WaitForHttpOk(ne_port_, "/metrics", 15000)) << node_exporter_->Log();
    ASSERT_TRUE(WaitForHttpOk(agent_port_, "/metrics", 15000)) << agent_->Log();
  }

  // Both scraped at the same moment (two threads released together).
  std::pair<std::string, std::string> ScrapeBoth() {
    std::promise<void> go;
    std::shared_future<void> start = go.get_future().share();
    auto scrape = [start](int port) {
      start.wait();
      auto body = HttpGetBody(port, "/metrics");
      return body.ok() ? *body : std::string();
    };
    auto ne = std::async(std::launch::async, scrape, ne_port_);
    auto ours = std::async(std::launch::async, scrape, agent_port_);
    go.set_value();
    return {ne.get(), ours.get()};
  }

  testing::TempDir dir_;
  int ne_port_ = 0, agent_port_ = 0;
  std::optional<ChildProcess> node_exporter_, agent_;
};

TEST_F(AgentVersusNodeExporter, SameFamiliesLabelsAndStableValues) {
  auto [ne_text, ours_text] = ScrapeBoth();
  ASSERT_FALSE(ne_text.empty()) << node_exporter_->Log();
  ASSERT_FALSE(ours_text.empty()) << agent_->Log();
  Scrape ne = Parse(ne_text, expfmt::Format::kText004);
  Scrape ours = Parse(ours_text, expfmt::Format::kText004);

  size_t compared = 0;
  for (const auto& [name, f] : ne.families) {
    if (Ignored(name)) continue;
    auto it = ours.families.find(name);
    if (it == ours.families.end()) {
      ADD_FAILURE() << "node-exporter's family " << name << " is missing from vigie agent";
      continue;
    }
    EXPECT_EQ(it->second.type, f.type) << name;
    EXPECT_EQ(it->second.label_names, f.label_names) << name;
    ++compared;
  }
  EXPECT_GT(compared, 80u);

  // MemTotal exactly.
  ASSERT_TRUE(ne.series.count("node_memory_MemTotal_bytes{}"));
  EXPECT_EQ(ours.series["node_memory_MemTotal_bytes{}"], ne.series["node_memory_MemTotal_bytes{}"]);

  // CPU seconds within a second, for every CPU and mode.
  size_t cpu_series = 0;
  for (const auto& [key, v] : ne.series) {
    if (ne.family_of[key] != "node_cpu_seconds_total") continue;
    ++cpu_series;
    ASSERT_TRUE(ours.series.count(key)) << key;
    EXPECT_NEAR(ours.series[key], v, 1.0) << key;
  }
  EXPECT_GE(cpu_series, 8u);

  // cAdvisor's machine facts agree with node-exporter: memory is MemTotal, cores are its CPUs.
  std::set<std::string> cpus;
  for (const auto& [key, v] : ne.series) {
    if (ne.family_of[key] != "node_cpu_seconds_total") continue;
    size_t at = key.find("cpu=\"");
    ASSERT_NE(at, std::string::npos) << key;
    cpus.insert(key.substr(at, key.find('"', at + 5) - at));
  }
  std::map<std::string, double> machine;
  for (const auto& [key, v] : ours.series) {
    if (ours.family_of[key].starts_with("machine_")) machine[ours.family_of[key]] = v;
  }
  EXPECT_EQ(machine["machine_memory_bytes"], ne.series["node_memory_MemTotal_bytes{}"]);
  EXPECT_EQ(machine["machine_cpu_cores"], static_cast<double>(cpus.size()));

  // File system sizes and inode totals exactly, for the same set of mount points.
  std::set<std::string> ne_fs, our_fs;
  for (const auto& [key, v] : ne.series) {
    const std::string& fam = ne.family_of[key];
    if (fam == "node_filesystem_size_bytes") ne_fs.insert(key);
    if (fam == "node_filesystem_size_bytes" || fam == "node_filesystem_files") {
      ASSERT_TRUE(ours.series.count(key)) << key;
      EXPECT_EQ(ours.series[key], v) << key;
    }
  }
  for (const auto& [key, v] : ours.series) {
    if (ours.family_of[key] == "node_filesystem_size_bytes") our_fs.insert(key);
  }
  EXPECT_FALSE(ne_fs.empty());
  EXPECT_EQ(our_fs, ne_fs);

  // Same disks and network devices.
  for (const char* fam : {"node_disk_reads_completed_total", "node_network_receive_bytes_total",
                          "node_uname_info", "node_os_info", "node_boot_time_seconds"}) {
    std::set<std::string> a, b;
    for (const auto& [key, v] : ne.series) {
      if (ne.family_of[key] == fam) a.insert(key);
    }
    for (const auto& [key, v] : ours.series) {
      if (ours.family_of[key] == fam) b.insert(key);
    }
    EXPECT_EQ(a, b) << fam;
  }
  EXPECT_EQ(ours.series["node_boot_time_seconds{}"], ne.series["node_boot_time_seconds{}"]);

  // Every collector succeeded.
  for (const auto& c : kCollectors) {
    EXPECT_EQ(ours.series["node_scrape_collector_success{collector=\"" + c + "\",}"], 1) << c;
  }
}

TEST_F(AgentVersusNodeExporter, OpenMetricsGzipHealthAndSelfMetrics) {
  auto om = RawGet(agent_port_, "/metrics",
                   {"Accept: application/openmetrics-text; version=1.0.0; charset=utf-8"});
  ASSERT_EQ(om.status, 200);
  EXPECT_EQ(om.headers["content-type"].rfind("application/openmetrics-text", 0), 0u)
      << om.headers["content-type"];
  ASSERT_GE(om.body.size(), 6u);
  EXPECT_EQ(om.body.substr(om.body.size() - 6), "# EOF\n");
  Scrape parsed = Parse(om.body, expfmt::Format::kOpenMetrics1);
  EXPECT_TRUE(parsed.families.count("node_cpu_seconds"));  // OpenMetrics counters drop _total
  EXPECT_GT(parsed.series.size(), 100u);

  auto gz = RawGet(agent_port_, "/metrics", {"Accept-Encoding: gzip"});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers["content-encoding"], "gzip");
  auto plain = net::GzipDecompress(gz.body, 64 << 20);
  ASSERT_TRUE(plain.ok()) << plain.error().message();
  EXPECT_NE(plain->find("node_memory_MemTotal_bytes"), std::string::npos);
  EXPECT_EQ(gz.headers["content-type"].rfind("text/plain; version=0.0.4", 0), 0u);

  EXPECT_EQ(RawGet(agent_port_, "/-/healthy", {}).status, 200);
  EXPECT_EQ(RawGet(agent_port_, "/-/ready", {}).status, 200);

  auto body = HttpGetBody(agent_port_, "/metrics");
  ASSERT_TRUE(body.ok());
  Scrape self = Parse(*body, expfmt::Format::kText004);
  EXPECT_TRUE(self.families.count("process_cpu_seconds_total"));
  EXPECT_TRUE(self.families.count("process_resident_memory_bytes"));
  EXPECT_TRUE(self.families.count("vigie_agent_http_requests_total"));
  EXPECT_GE(self.series["vigie_agent_http_requests_total{code=\"200\",handler=\"/metrics\","
                        "method=\"GET\",}"],
            3);
}

TEST(AgentFlags, BadRegexIsAUsageErrorNamingTheFlag) {
  testing::TempDir dir;
  auto agent =
      ChildProcess::Start({testing::VigieBinary(), "agent", "--web.listen-address=127.0.0.1:0",
                           "--collector.filesystem.fs-types-exclude=^(ext4"},
                          dir.Join("agent.log"));
  ASSERT_TRUE(agent.ok());
  EXPECT_EQ(agent->Wait(10000), 2);
  EXPECT_NE(agent->Log().find("--collector.filesystem.fs-types-exclude"), std::string::npos)
      << agent->Log();
}

TEST(AgentFlags, DisabledCollectorIsAbsent) {
  testing::TempDir dir;
  int port = FreeTcpPort();
  auto agent = ChildProcess::Start(
      {testing::VigieBinary(), "agent", "--web.listen-address=127.0.0.1:" + std::to_string(port),
       "--no-docker", "--no-collector.cpu", "--no-collector.container"},
      dir.Join("agent.log"));
  ASSERT_TRUE(agent.ok());
  ASSERT_TRUE(WaitForHttpOk(port, "/metrics", 15000)) << agent->Log();
  auto body = HttpGetBody(port, "/metrics");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->find("node_cpu_seconds_total"), std::string::npos);
  EXPECT_EQ(body->find("collector=\"cpu\""), std::string::npos);
  EXPECT_NE(body->find("node_memory_MemTotal_bytes"), std::string::npos);
  EXPECT_NE(body->find("node_meta{"), std::string::npos);
}

}  // namespace
}  // namespace vigie
