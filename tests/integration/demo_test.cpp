// `vigie demo` as a user runs it (issue 7): the whole stack comes up, its generated config is a
// Prometheus config (promtool accepts it), a child that dies is logged and restarted, and
// SIGTERM (Ctrl-C) stops every child and exits 0.
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "lib/process.h"
#include "lib/temp_dir.h"

namespace vigie {
namespace {

using testing::ChildProcess;

bool PortFree(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// A port p with p+1 and p+2 free too (the gallery's shared port and its two replicas' ports).
int FreePortTriple() {
  for (int i = 0; i < 50; ++i) {
    int p = testing::FreeTcpPort();
    if (p < 65000 && PortFree(p + 1) && PortFree(p + 2)) return p;
  }
  return -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Direct children of `parent`: pid -> command line (arguments joined by spaces).
std::map<pid_t, std::string> Children(pid_t parent) {
  std::map<pid_t, std::string> out;
  DIR* d = opendir("/proc");
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    pid_t pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
    auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(close_paren + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid != parent || state == 'Z') continue;
    std::string cmd = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
    for (char& c : cmd) {
      if (c == '\0') c = ' ';
    }
    out[pid] = cmd;
  }
  closedir(d);
  return out;
}

template <typename F>
bool Eventually(F f, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return f();
}

// Number of results of an instant query (0 on any error).
size_t QueryResults(int port, const std::string& expr) {
  std::string path = "/api/v1/query?query=";
  for (unsigned char c : expr) {
    if (std::isalnum(c) || c == '_') {
      path += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      path += buf;
    }
  }
  auto body = testing::HttpGetBody(port, path);
  if (!body.ok()) return 0;
  auto j = nlohmann::json::parse(*body, nullptr, false);
  if (j.is_discarded() || j["status"] != "success") return 0;
  return j["data"]["result"].size();
}

// Per-replica CPU as the Swarm dashboards query it: the same series whether the services run in
// cgroups (root) or are reported per process (--no-cgroups, or cgroups not writable).
constexpr const char* kPerReplicaCpu =
    "sum by (container_label_com_docker_swarm_task_name) (rate(container_cpu_usage_seconds_total{"
    "container_label_com_docker_swarm_service_name=\"vigie-demo_gallery\"}[10s]))";

class Demo : public ::testing::TestWithParam<bool> {};  // parameter: --no-cgroups

TEST_P(Demo, RunsRestartsDeadChildrenAndStopsCleanly) {
  testing::TempDir dir;
  const int server = testing::FreeTcpPort(), gallery = FreePortTriple();
  const int agent = testing::FreeTcpPort(), load = testing::FreeTcpPort();
  const int demo_port = testing::FreeTcpPort();
  ASSERT_GT(gallery, 0);
  std::vector<std::string> argv = {testing::VigieBinary(), "demo", "--data", dir.Join("data")};
  auto flag = [&](const std::string& name, const std::string& value) {
    argv.push_back(name);
    argv.push_back(value);
  };
  flag("--web.listen-address", "127.0.0.1:" + std::to_string(server));
  flag("--gallery-port", std::to_string(gallery));
  flag("--agent-port", std::to_string(agent));
  flag("--load-port", std::to_string(load));
  flag("--demo-port", std::to_string(demo_port));
  flag("--images", "10");
  flag("--users", "2");
  flag("--scrape-interval", "1s");
  if (GetParam()) argv.push_back("--no-cgroups");
  auto demo = ChildProcess::Start(argv, dir.Join("demo.log"));
  ASSERT_TRUE(demo.ok()) << demo.error().message();

  // Every service is scraped and up.
  ASSERT_TRUE(Eventually([&] { return QueryResults(server, "up == 1") >= 5; }, 120000))
      << demo->Log();
  // Both gallery replicas appear with their Swarm task names.
  EXPECT_TRUE(Eventually([&] { return QueryResults(server, kPerReplicaCpu) == 2; }, 60000))
      << demo->Log();
  auto children = Children(demo->pid());
  pid_t replica = -1;
  for (const auto& [pid, cmd] : children) {
    if (cmd.find(" gallery ") != std::string::npos) replica = pid;
  }
  ASSERT_NE(replica, -1) << "no gallery child among " << children.size() << " children";
  EXPECT_GE(children.size(), 5u);  // agent, 2 gallery replicas, load, (server runs in-process)

  // The generated config is a Prometheus config: Prometheus's own checker accepts it.
  const std::string config = dir.Join("data") + "/prometheus.yml";
  ASSERT_FALSE(ReadFile(config).empty());
  if (testing::HaveProgram("promtool")) {
    std::string cmd =
        "promtool check config " + config + " > " + dir.Join("promtool.log") + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << ReadFile(dir.Join("promtool.log"));
  }

  // A replica killed from outside is logged and replaced by a new process that serves again.
  ASSERT_EQ(kill(replica, SIGKILL), 0);
  ASSERT_TRUE(Eventually(
      [&] { return demo->Log().find("service died; restarting") != std::string::npos; }, 30000))
      << demo->Log();
  ASSERT_TRUE(Eventually(
      [&] {
        for (const auto& [pid, cmd] : Children(demo->pid())) {
          if (pid != replica && children.count(pid) == 0 &&
              cmd.find(" gallery ") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      60000))
      << demo->Log();
  EXPECT_TRUE(testing::WaitForHttpOk(gallery, "/-/ready", 30000));
  EXPECT_NE(demo->Log().find("restarted service"), std::string::npos);

  // SIGTERM (what Ctrl-C sends to the foreground process group's leader here): every child
  // goes, the demo exits 0.
  auto before = Children(demo->pid());
  EXPECT_EQ(demo->Stop(60000), 0) << demo->Log();
  for (const auto& [pid, cmd] : before) {
    EXPECT_TRUE(Eventually([pid = pid] { return kill(pid, 0) != 0; }, 10000))
        << "child still running after the demo stopped: " << pid << " " << cmd;
  }
}

INSTANTIATE_TEST_SUITE_P(CgroupsOrProcesses, Demo, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "NoCgroups" : "Default"; });

}  // namespace
}  // namespace vigie
