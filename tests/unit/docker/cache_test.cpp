// ContainerCache and EventWatcher against a fake engine: initial listing, events applied
// (start -> inspect and add, destroy -> remove), resync after the stream breaks.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "docker/container_cache.h"
#include "docker/event_watcher.h"
#include "fake_engine.h"

namespace vigie::docker {
namespace {

using testing::FakeEngine;

std::string Inspect(const std::string& id, const std::string& name) {
  return R"({"Id":")" + id + R"(","Name":"/)" + name +
         R"(","State":{"Running":true,"Pid":42,"StartedAt":"2026-01-01T00:00:00Z"},)"
         R"("Config":{"Image":"img:1","Labels":{"com.docker.swarm.service.name":"svc"}},)"
         R"("HostConfig":{"NetworkMode":"default"}})";
}

template <typename Pred>
bool Eventually(Pred p) {
  for (int i = 0; i < 500; ++i) {
    if (p()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(ContainerCache, RefreshThenEvents) {
  std::atomic<int> streams{0};
  FakeEngine engine([&](const std::string& target, const auto& write) {
    if (target.starts_with("/v1.41/containers/json")) {
      write(FakeEngine::Response(200, R"([{"Id":"aaa","Names":["/one"]}])"));
    } else if (target == "/v1.41/containers/aaa/json") {
      write(FakeEngine::Response(200, Inspect("aaa", "one")));
    } else if (target == "/v1.41/containers/bbb/json") {
      write(FakeEngine::Response(200, Inspect("bbb", "two")));
    } else if (target.starts_with("/v1.41/events")) {
      int n = ++streams;
      write(FakeEngine::ChunkedHead());
      if (n == 1) {
        write(FakeEngine::Chunk(
            "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"bbb\"}}\n"
            "{\"Type\":\"container\",\"Action\":\"destroy\",\"Actor\":{\"ID\":\"aaa\"}}\n"));
        return;  // the stream breaks: the watcher must resync and reconnect
      }
      while (!engine.stopping() && write(std::string_view())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    } else {
      write(FakeEngine::Response(404, R"({"message":"no such thing"})"));
    }
  });
  ASSERT_TRUE(engine.ok());
  Client client(NewUnixSocketTransport(engine.path(), 5000));
  ContainerCache cache;
  EventWatcher watcher(client, cache, {.initial_backoff_ms = 10, .max_backoff_ms = 50});
  std::atomic<int> seen{0};
  std::atomic<bool> bbb_added{false}, aaa_removed{false};
  // Listeners run after the cache applied the event.
  watcher.AddListener([&](const Event& e) {
    ++seen;
    if (e.action == "start") bbb_added = cache.Get("bbb") != nullptr;
    if (e.action == "destroy") aaa_removed = cache.Get("aaa") == nullptr;
  });
  watcher.Run();
  ASSERT_TRUE(Eventually([&] { return watcher.connects() >= 2 && cache.synced(); }));
  EXPECT_GE(seen.load(), 2);
  // After the resync the listing wins: the engine lists "aaa" again.
  ASSERT_NE(cache.Get("aaa"), nullptr);
  EXPECT_EQ(cache.Get("aaa")->name, "one");
  EXPECT_EQ(cache.Get("aaa")->image, "img:1");
  EXPECT_EQ(cache.Get("aaa")->pid, 42);
  EXPECT_EQ(cache.Get("aaa")->labels.at("com.docker.swarm.service.name"), "svc");
  // Not listed by the engine any more, so dropped by the resync.
  EXPECT_EQ(cache.Get("bbb"), nullptr);
  watcher.Stop();
  EXPECT_TRUE(bbb_added);
  EXPECT_TRUE(aaa_removed);
}

TEST(ContainerCache, ApplyAndGeneration) {
  ContainerCache cache;
  EXPECT_FALSE(cache.synced());
  uint64_t g0 = cache.generation();
  ContainerInfo c;
  c.id = "x";
  cache.ReplaceAll({c});
  EXPECT_TRUE(cache.synced());
  EXPECT_GT(cache.generation(), g0);
  FakeEngine engine([](const std::string&, const auto& write) {
    write(FakeEngine::Response(404, R"({"message":"No such container: y"})"));
  });
  Client client(NewUnixSocketTransport(engine.path(), 5000));
  Event start;
  start.type = "container";
  start.action = "start";
  start.actor_id = "y";
  cache.Apply(start, client);
  EXPECT_EQ(cache.Get("y"), nullptr);  // gone before it could be inspected
  Event destroy = start;
  destroy.action = "destroy";
  destroy.actor_id = "x";
  cache.Apply(destroy, client);
  EXPECT_EQ(cache.Get("x"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_TRUE(cache.synced());
}

// Containers pinned from a metadata file (vigie demo's services) survive the engine's resyncs,
// which would otherwise drop every container the engine does not list.
TEST(ContainerCache, PinnedContainersSurviveResync) {
  ContainerCache cache;
  ContainerInfo pinned;
  pinned.id = "demo";
  pinned.name = "vigie-demo_gallery.1";
  cache.Pin(pinned);
  ContainerInfo engine;
  engine.id = "e";
  const uint64_t g = cache.generation();
  cache.ReplaceAll({engine});
  EXPECT_GT(cache.generation(), g);
  ASSERT_NE(cache.Get("demo"), nullptr);
  EXPECT_EQ(cache.Get("demo")->name, "vigie-demo_gallery.1");
  EXPECT_NE(cache.Get("e"), nullptr);
  EXPECT_EQ(cache.size(), 2u);
  cache.Remove("demo");
  EXPECT_NE(cache.Get("demo"), nullptr);
  cache.ReplaceAll({});
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace vigie::docker
