// The container collector on the fixture trees: cAdvisor's names, types, labels and values.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>

#include "collect/cgroup/container_collector.h"
#include "collect/cgroup/families.h"
#include "docker/container_cache.h"
#include "expfmt/writer.h"

namespace vigie::collect {
namespace {

const std::string kData = std::string(VIGIE_TESTDATA_DIR) + "/cgroup";
const std::string kV1Id = "4f1c2a8e9d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a29181716151413121110aaaa";
const std::string kV1SdId = "9e8d7c6b5a49382716051f2e3d4c5b6a7988172635445362718091827364bbbb";
const std::string kV2SdId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kV2FsId = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
constexpr TimestampMs kNow = 1'700'000'500'123;

ContainerCollectorOptions Options(const std::string& tree) {
  ContainerCollectorOptions o;
  o.sysfs = kData + "/" + tree + "/sys";
  o.procfs = kData + "/" + tree + "/proc";
  o.now = [] { return kNow; };
  return o;
}

docker::ContainerInfo SwarmTask(const std::string& id, int pid) {
  docker::ContainerInfo c;
  c.id = id;
  c.name = "web.1.x7sd8f6g5h4j3k2l1";
  c.image = "gallery:latest";
  c.running = true;
  c.pid = pid;
  c.started_ms = 1'699'999'000'500;
  c.network_mode = "default";
  c.labels = {{"com.docker.swarm.service.name", "web"},
              {"com.docker.swarm.task.name", "web.1.x7sd8f6g5h4j3k2l1"},
              {"com.docker.swarm.node.id", "n0d3"},
              {"com.docker.stack.namespace", "demo"},
              {"empty", ""}};
  return c;
}

struct Scrape {
  std::vector<expfmt::MetricFamily> families;

  const expfmt::MetricFamily* Family(std::string_view name) const {
    for (const auto& f : families) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
  // The value of the one sample named `name` whose labels include all of `match`.
  std::optional<double> Value(std::string_view name, const Labels& match) const {
    std::optional<double> found;
    for (const auto& f : families) {
      for (const auto& s : f.samples) {
        if (s.labels.MetricName() != name) continue;
        bool ok = true;
        for (const auto& l : match) ok = ok && s.labels.Get(l.name) == l.value;
        if (!ok) continue;
        EXPECT_FALSE(found.has_value()) << "two samples match " << name << match.ToString();
        found = s.value;
      }
    }
    return found;
  }
  size_t Count(std::string_view name) const {
    size_t n = 0;
    for (const auto& f : families) {
      for (const auto& s : f.samples) n += s.labels.MetricName() == name;
    }
    return n;
  }
};

// The collector's families as it gives them (samples as encoded text).
std::vector<expfmt::MetricFamily> CollectEncoded(Collector& c) {
  std::vector<expfmt::MetricFamily> families;
  Status st = c.Collect(&families);
  EXPECT_TRUE(st.ok()) << st.error().message();
  return families;
}

// The same with the samples parsed back, for assertions on labels and values.
Scrape Collect(Collector& c) {
  Scrape s{CollectEncoded(c)};
  for (auto& f : s.families) {
    Status st = expfmt::ExpandEncodedSamples(&f);
    EXPECT_TRUE(st.ok()) << f.name << ": " << st.error().message();
  }
  return s;
}

TEST(ContainerCollector, V1NamesTypesAndValues) {
  docker::ContainerCache cache;
  cache.ReplaceAll({SwarmTask(kV1Id, 4242)});
  auto o = Options("v1");
  o.containers = &cache;
  auto c = NewContainerCollector(o);
  EXPECT_EQ(c->Name(), "container");
  Scrape s = Collect(*c);

  const std::string id = "/docker/" + kV1Id;
  Labels me{{"id", id}};
  EXPECT_DOUBLE_EQ(*s.Value("container_cpu_usage_seconds_total", {{"id", id}, {"cpu", "total"}}),
                   0.849012284);
  EXPECT_DOUBLE_EQ(*s.Value("container_cpu_user_seconds_total", me), 0.47);
  EXPECT_DOUBLE_EQ(*s.Value("container_cpu_system_seconds_total", me), 0.37);
  EXPECT_EQ(*s.Value("container_cpu_cfs_periods_total", me), 19);
  EXPECT_EQ(*s.Value("container_cpu_cfs_throttled_periods_total", me), 16);
  EXPECT_DOUBLE_EQ(*s.Value("container_cpu_cfs_throttled_seconds_total", me), 0.791088994);
  EXPECT_EQ(*s.Value("container_memory_usage_bytes", me), 38916096);
  EXPECT_EQ(*s.Value("container_memory_working_set_bytes", me), 38916096);
  EXPECT_EQ(*s.Value("container_memory_rss", me), 38490112);
  EXPECT_EQ(*s.Value("container_memory_cache", me), 0);
  EXPECT_EQ(*s.Value("container_memory_swap", me), 0);
  EXPECT_EQ(*s.Value("container_memory_failcnt", me), 0);
  EXPECT_EQ(*s.Value("container_spec_memory_limit_bytes", me), 268435456);
  EXPECT_EQ(*s.Value("container_spec_cpu_quota", me), 50000);
  EXPECT_EQ(*s.Value("container_spec_cpu_period", me), 100000);
  EXPECT_EQ(*s.Value("container_spec_cpu_shares", me), 512);
  EXPECT_EQ(*s.Value("container_processes", me), 2);
  EXPECT_EQ(*s.Value("container_last_seen", me), 1'700'000'500);
  EXPECT_DOUBLE_EQ(*s.Value("container_start_time_seconds", me), 1'699'999'000.5);  // Docker's
  Labels vda{{"id", id}, {"device", "/dev/vda"}};
  EXPECT_EQ(*s.Value("container_fs_reads_bytes_total", vda), 4194304);
  EXPECT_EQ(*s.Value("container_fs_writes_bytes_total", vda), 20971520);
  EXPECT_EQ(*s.Value("container_fs_reads_total", vda), 64);
  EXPECT_EQ(*s.Value("container_fs_writes_total", vda), 160);
  // Network as the container's namespace sees it: eth0 (captured), lo skipped.
  Labels eth0{{"id", id}, {"interface", "eth0"}};
  EXPECT_EQ(*s.Value("container_network_receive_bytes_total", eth0), 114497263);
  EXPECT_EQ(*s.Value("container_network_transmit_packets_total", eth0), 2081);
  EXPECT_FALSE(s.Value("container_network_receive_bytes_total", {{"id", id}, {"interface", "lo"}}));
  // Task states of the two captured processes (both sleeping).
  EXPECT_EQ(*s.Value("container_tasks_state", {{"id", id}, {"state", "sleeping"}}), 2);
  EXPECT_EQ(*s.Value("container_tasks_state", {{"id", id}, {"state", "running"}}), 0);
  // Root excluded; the systemd-driver container is held back (the synced cache lacks it).
  EXPECT_EQ(s.Count("container_tasks_state"), 5u);

  // Types, and the family name without _total for counters.
  ASSERT_NE(s.Family("container_cpu_usage_seconds"), nullptr);
  EXPECT_EQ(s.Family("container_cpu_usage_seconds")->type, expfmt::MetricType::kCounter);
  EXPECT_EQ(s.Family("container_memory_usage_bytes")->type, expfmt::MetricType::kGauge);
  EXPECT_EQ(s.Family("container_memory_failcnt")->type, expfmt::MetricType::kCounter);
  EXPECT_EQ(s.Family("container_network_receive_bytes")->type, expfmt::MetricType::kCounter);
  EXPECT_EQ(s.Family("container_tasks_state")->type, expfmt::MetricType::kGauge);
}

TEST(ContainerCollector, DockerLabelsOnEverySample) {
  docker::ContainerCache cache;
  cache.ReplaceAll({SwarmTask(kV1Id, 4242)});
  auto o = Options("v1");
  o.containers = &cache;
  Scrape s = Collect(*NewContainerCollector(o));
  size_t n = 0;
  for (const auto& f : s.families) {
    for (const auto& sample : f.samples) {
      if (sample.labels.Get("id") != "/docker/" + kV1Id) continue;
      ++n;
      EXPECT_EQ(sample.labels.Get("name"), "web.1.x7sd8f6g5h4j3k2l1");
      EXPECT_EQ(sample.labels.Get("image"), "gallery:latest");
      EXPECT_EQ(sample.labels.Get("container_label_com_docker_swarm_service_name"), "web");
      EXPECT_EQ(sample.labels.Get("container_label_com_docker_swarm_task_name"),
                "web.1.x7sd8f6g5h4j3k2l1");
      EXPECT_EQ(sample.labels.Get("container_label_com_docker_swarm_node_id"), "n0d3");
      EXPECT_EQ(sample.labels.Get("container_label_com_docker_stack_namespace"), "demo");
      EXPECT_FALSE(sample.labels.Has("container_label_empty"));
      EXPECT_TRUE(ValidateLabels(sample.labels).ok()) << sample.labels.ToString();
    }
  }
  EXPECT_GT(n, 30u);
}

TEST(ContainerCollector, WithoutDockerReportsById) {
  Scrape s = Collect(*NewContainerCollector(Options("v1")));
  const std::string sd = "/system.slice/docker-" + kV1SdId + ".scope";
  ASSERT_TRUE(s.Value("container_memory_usage_bytes", {{"id", sd}}).has_value());
  ASSERT_TRUE(s.Value("container_memory_usage_bytes", {{"id", "/"}}).has_value());
  for (const auto& f : s.families) {
    for (const auto& sample : f.samples) {
      EXPECT_FALSE(sample.labels.Has("name"));
      EXPECT_FALSE(sample.labels.Has("image"));
    }
  }
  // Start time from the first process: btime + start ticks / 100, whole seconds.
  auto start = s.Value("container_start_time_seconds", {{"id", sd}});
  ASSERT_TRUE(start.has_value());
  EXPECT_GT(*start, 1.6e9);
  EXPECT_EQ(*start, std::floor(*start));
  // No start time for the root cgroup; no task states either.
  EXPECT_FALSE(s.Value("container_start_time_seconds", {{"id", "/"}}).has_value());
  EXPECT_EQ(s.Count("container_tasks_state"), 10u);
}

TEST(ContainerCollector, V2Container) {
  Scrape s = Collect(*NewContainerCollector(Options("v2")));
  const std::string sd = "/system.slice/docker-" + kV2SdId + ".scope";
  const std::string fs = "/docker/" + kV2FsId;
  Labels me{{"id", sd}};
  EXPECT_DOUBLE_EQ(*s.Value("container_cpu_usage_seconds_total", me), 2.5);
  EXPECT_DOUBLE_EQ(*s.Value("container_cpu_cfs_throttled_seconds_total", me), 0.45);
  EXPECT_EQ(*s.Value("container_memory_working_set_bytes", me), 73400320 - 16777216);
  EXPECT_EQ(*s.Value("container_memory_swap", me), 4096);
  EXPECT_EQ(*s.Value("container_memory_failcnt", me), 7);
  EXPECT_EQ(*s.Value("container_spec_cpu_shares", me), 998);
  EXPECT_EQ(*s.Value("container_start_time_seconds", me), 1'700'000'123);
  EXPECT_EQ(*s.Value("container_fs_writes_bytes_total", {{"id", sd}, {"device", "/dev/zram0"}}),
            8192);
  EXPECT_EQ(*s.Value("container_tasks_state", {{"id", sd}, {"state", "sleeping"}}), 1);
  EXPECT_EQ(*s.Value("container_tasks_state", {{"id", sd}, {"state", "running"}}), 1);
  EXPECT_EQ(*s.Value("container_tasks_state", {{"id", sd}, {"state", "uninterruptible"}}), 1);
  EXPECT_EQ(*s.Value("container_network_receive_errors_total", {{"id", sd}, {"interface", "eth0"}}),
            1);
  EXPECT_EQ(*s.Value("container_network_transmit_bytes_total", {{"id", sd}, {"interface", "eth1"}}),
            200);
  // Unlimited: no quota (so no CFS figures either), limit 0 as cAdvisor reports "max".
  Labels other{{"id", fs}};
  EXPECT_EQ(*s.Value("container_spec_memory_limit_bytes", other), 0);
  EXPECT_FALSE(s.Value("container_spec_cpu_quota", other).has_value());
  EXPECT_FALSE(s.Value("container_cpu_cfs_periods_total", other).has_value());
  EXPECT_EQ(*s.Value("container_spec_cpu_period", other), 100000);
  EXPECT_EQ(*s.Value("container_spec_cpu_shares", other), 2597);
  // Its process has no net/dev in the fixture: no network samples, the rest still reported.
  EXPECT_FALSE(
      s.Value("container_network_receive_bytes_total", {{"id", fs}, {"interface", "eth0"}}));
  EXPECT_TRUE(s.Value("container_memory_usage_bytes", other).has_value());
}

TEST(ContainerCollector, NewContainerWaitsForItsMetadata) {
  docker::ContainerCache cache;
  cache.ReplaceAll({SwarmTask(kV1Id, 4242)});  // synced, but lacks the systemd-driver one
  auto o = Options("v1");
  o.containers = &cache;
  TimestampMs now = kNow;
  o.now = [&] { return now; };
  auto c = NewContainerCollector(o);
  const std::string sd = "/system.slice/docker-" + kV1SdId + ".scope";
  EXPECT_FALSE(Collect(*c).Value("container_last_seen", {{"id", sd}}).has_value());
  now += 60'000;  // its metadata never came: report it by id after the grace period
  EXPECT_TRUE(Collect(*c).Value("container_last_seen", {{"id", sd}}).has_value());
  // Metadata arriving later relabels it.
  auto t = SwarmTask(kV1SdId, 4242);
  t.name = "later";
  cache.Upsert(t);
  Scrape s = Collect(*c);
  EXPECT_EQ(*s.Value("container_last_seen", {{"id", sd}, {"name", "later"}}), (now) / 1000);
}

TEST(ContainerCollector, SharedNetworkNamespaceNotRepeated) {
  docker::ContainerCache cache;
  auto t = SwarmTask(kV1Id, 4242);
  t.network_mode = "container:abc";
  cache.ReplaceAll({t});
  auto o = Options("v1");
  o.containers = &cache;
  Scrape s = Collect(*NewContainerCollector(o));
  EXPECT_FALSE(s.Value("container_network_receive_bytes_total",
                       {{"id", "/docker/" + kV1Id}, {"interface", "eth0"}}));
}

TEST(ContainerCollector, MissingCgroupMountIsAnError) {
  auto o = Options("v1");
  o.sysfs = "/nonexistent";
  auto c = NewContainerCollector(o);
  std::vector<expfmt::MetricFamily> out;
  Status st = c->Collect(&out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("/nonexistent/fs/cgroup"), std::string::npos)
      << st.error().message();
}

// The encoded samples are spelled exactly as the writer spells the same samples parsed back, in
// both formats, on the first scrape, the next ones and after a container's labels changed.
TEST(ContainerCollector, EncodedSamplesAreWrittenAsTheWriterWould) {
  for (const std::string tree : {"v1", "v2"}) {
    docker::ContainerCache cache;
    cache.ReplaceAll({SwarmTask(kV1Id, 4242), SwarmTask(kV2SdId, 4242)});
    auto o = Options(tree);
    o.containers = &cache;
    auto c = NewContainerCollector(o);
    for (int round = 0; round < 3; ++round) {
      if (round == 2) {
        auto t = SwarmTask(tree == "v1" ? kV1Id : kV2SdId, 4242);
        t.name = "renamed \"quoted\"";
        cache.Upsert(t);
      }
      std::vector<expfmt::MetricFamily> encoded = CollectEncoded(*c);
      std::vector<expfmt::MetricFamily> parsed = encoded;
      size_t samples = 0;
      for (auto& f : parsed) {
        EXPECT_TRUE(f.samples.empty()) << f.name;
        ASSERT_TRUE(expfmt::ExpandEncodedSamples(&f).ok()) << f.name;
        samples += f.samples.size();
      }
      EXPECT_GT(samples, 30u);
      for (auto format : {expfmt::Format::kText004, expfmt::Format::kOpenMetrics1}) {
        std::string want = expfmt::WriteAll(parsed, format);
        EXPECT_EQ(expfmt::WriteAll(encoded, format), want) << tree << " round " << round;
        if (round == 2) {
          EXPECT_NE(want.find("renamed \\\"quoted\\\""), std::string::npos);
        }
      }
    }
  }
}

// The extra label in every place among the base labels, and no base labels at all.
TEST(EncodedLabels, SpellsSeriesAsTheWriterDoes) {
  const std::vector<std::vector<Label>> bases = {
      {}, {{"b", "x\"y"}}, {{"b", "1"}, {"d", "2\n"}, {"f", "3\\"}}};
  for (const auto& base : bases) {
    cgroup::EncodedLabels labels;
    labels.Build(base);
    for (std::string_view extra : {"", "a", "c", "e", "g"}) {
      std::vector<Label> all = base;
      if (!extra.empty()) all.push_back({std::string(extra), "v"});
      all.push_back({"__name__", "m_total"});
      std::string want, got;
      expfmt::AppendSeries(&want, "m_total", Labels::FromUnsorted(all));
      labels.AppendSeries(&got, "m_total", extra, extra.empty() ? "" : "v");
      EXPECT_EQ(got, want) << "extra " << extra << " on " << base.size() << " labels";
    }
  }
}

TEST(ContainerCollector, RepeatedScrapesAreStable) {
  auto c = NewContainerCollector(Options("v2"));
  Scrape a = Collect(*c);
  Scrape b = Collect(*c);
  ASSERT_EQ(a.families.size(), b.families.size());
  for (size_t i = 0; i < a.families.size(); ++i) {
    EXPECT_EQ(a.families[i].name, b.families[i].name);
    EXPECT_EQ(a.families[i].samples.size(), b.families[i].samples.size()) << a.families[i].name;
  }
}

}  // namespace
}  // namespace vigie::collect
