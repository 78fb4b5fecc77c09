// The process collector read from outside gives the same process_* values as the Go client
// library inside a real prometheus-node-exporter (Debian's), for the same process.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "instrument/process_collector.h"
#include "lib/process.h"

namespace vigie::instrument {
namespace {

// name -> value for the unlabelled process_* lines of a text exposition.
std::map<std::string, double> ProcessLines(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("process_", 0) != 0) continue;
    size_t sp = line.find(' ');
    if (sp == std::string::npos || line.find('{') < sp) continue;
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

TEST(InstrumentProcess, MatchesTheGoClientOfNodeExporter) {
  if (!testing::HaveProgram("prometheus-node-exporter")) {
    GTEST_SKIP() << "prometheus-node-exporter not installed";
  }
  int port = testing::FreeTcpPort();
  Result<testing::ChildProcess> child = testing::ChildProcess::Start(
      {"prometheus-node-exporter", "--web.listen-address=127.0.0.1:" + std::to_string(port),
       "--collector.disable-defaults"});
  ASSERT_TRUE(child.ok()) << child.error().message();
  ASSERT_TRUE(testing::WaitForHttpOk(port, "/metrics", 15000)) << child->Log();

  Result<std::string> body = testing::HttpGetBody(port, "/metrics");
  ASSERT_TRUE(body.ok()) << body.error().message();
  std::map<std::string, double> theirs = ProcessLines(*body);
  ProcessCollector collector({.pid = std::to_string(child->pid())});
  std::vector<expfmt::MetricFamily> fams;
  collector.Collect(&fams);
  std::map<std::string, double> ours;
  for (const auto& f : fams) {
    ours[std::string(f.samples.at(0).labels.MetricName())] = f.samples.at(0).value;
  }

  for (const char* name : {"process_cpu_seconds_total", "process_max_fds", "process_open_fds",
                           "process_resident_memory_bytes", "process_start_time_seconds",
                           "process_virtual_memory_bytes", "process_virtual_memory_max_bytes"}) {
    ASSERT_TRUE(theirs.count(name)) << name << " missing from node-exporter";
    ASSERT_TRUE(ours.count(name)) << name << " missing from ours";
  }
  EXPECT_EQ(ours["process_max_fds"], theirs["process_max_fds"]);
  EXPECT_EQ(ours["process_virtual_memory_max_bytes"], theirs["process_virtual_memory_max_bytes"]);
  EXPECT_NEAR(ours["process_start_time_seconds"], theirs["process_start_time_seconds"], 0.011);
  // The rest moves while the process runs; read after theirs, ours may only be a bit apart.
  EXPECT_NEAR(ours["process_open_fds"], theirs["process_open_fds"], 4);
  EXPECT_GE(ours["process_cpu_seconds_total"], theirs["process_cpu_seconds_total"]);
  EXPECT_NEAR(ours["process_cpu_seconds_total"], theirs["process_cpu_seconds_total"], 1.0);
  EXPECT_NEAR(ours["process_resident_memory_bytes"], theirs["process_resident_memory_bytes"],
              0.25 * theirs["process_resident_memory_bytes"]);
  EXPECT_NEAR(ours["process_virtual_memory_bytes"], theirs["process_virtual_memory_bytes"],
              0.25 * theirs["process_virtual_memory_bytes"]);
  child->Stop();
}

}  // namespace
}  // namespace vigie::instrument
