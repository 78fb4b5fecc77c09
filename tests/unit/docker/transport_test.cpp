// The unix-socket HTTP transport and the client on top of it, against a fake engine socket:
// framing (Content-Length, chunked, until close), errors, the events stream and cancelling it.
#include "docker/transport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "docker/client.h"
#include "fake_engine.h"

namespace vigie::docker {
namespace {

using testing::FakeEngine;

TEST(UnixTransport, ContentLengthAndChunkedBodies) {
  FakeEngine engine([](const std::string& target, const auto& write) {
    if (target == "/a") {
      write(FakeEngine::Response(200, "{\"x\":1}"));
    } else if (target == "/chunked") {
      write(FakeEngine::ChunkedHead());
      write(FakeEngine::Chunk("hello, "));
      write(FakeEngine::Chunk("world"));
      write("0\r\n\r\n");
    } else {
      write("HTTP/1.0 200 OK\r\n\r\nuntil close");
    }
  });
  ASSERT_TRUE(engine.ok());
  auto t = NewUnixSocketTransport(engine.path(), 5000);
  auto a = t->Request("GET", "/a");
  ASSERT_TRUE(a.ok()) << a.error().message();
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(a->body, "{\"x\":1}");
  auto c = t->Request("GET", "/chunked");
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->body, "hello, world");
  auto u = t->Request("GET", "/other");
  ASSERT_TRUE(u.ok()) << u.error().message();
  EXPECT_EQ(u->body, "until close");
}

TEST(UnixTransport, UnreachableEngineSaysWhere) {
  auto t = NewUnixSocketTransport("/nonexistent/docker.sock", 1000);
  auto r = t->Request("GET", "/info");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message().find("/nonexistent/docker.sock"), std::string::npos);
}

TEST(UnixTransport, GarbageIsAnError) {
  FakeEngine engine([](const std::string&, const auto& write) { write("SSH-2.0-OpenSSH\r\n"); });
  auto t = NewUnixSocketTransport(engine.path(), 5000);
  auto r = t->Request("GET", "/info");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("/info"), std::string::npos) << r.error().message();
}

TEST(DockerClient, ErrorStatusCarriesEngineMessage) {
  FakeEngine engine([](const std::string&, const auto& write) {
    write(FakeEngine::Response(503, R"({"message":"This node is not a swarm manager."})"));
  });
  Client client(NewUnixSocketTransport(engine.path(), 5000));
  auto r = client.ListNodes();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message().find("not a swarm manager"), std::string::npos);
  EXPECT_EQ(engine.targets().at(0), "/v1.41/nodes");
}

TEST(DockerClient, FiltersAreEncoded) {
  FakeEngine engine(
      [](const std::string&, const auto& write) { write(FakeEngine::Response(200, "[]")); });
  Client client(NewUnixSocketTransport(engine.path(), 5000));
  ASSERT_TRUE(client.ListTasks({{"desired-state", {"running"}}}).ok());
  EXPECT_EQ(engine.targets().at(0),
            "/v1.41/tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D");
  EXPECT_FALSE(client.InspectContainer("../../etc").ok());
}

TEST(DockerClient, EventsSplitAcrossChunksAndCancel) {
  FakeEngine engine([&](const std::string&, const auto& write) {
    write(FakeEngine::ChunkedHead());
    // One event cut in two chunks, then two in one chunk, then silence until cancelled.
    write(FakeEngine::Chunk(R"({"Type":"container","Action":"start","Actor":{"ID":"a)"));
    write(FakeEngine::Chunk(R"(bc","Attributes":{"name":"x"}},"timeNano":5})"
                            "\n"));
    write(
        FakeEngine::Chunk("{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\"}}\n"
                          "{\"Type\":\"image\",\"Action\":\"pull\",\"Actor\":{\"ID\":\"img\"}}\n"));
    while (!engine.stopping() && write(std::string_view())) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  Client client(NewUnixSocketTransport(engine.path(), 5000));
  std::vector<Event> got;
  std::thread canceller([&] {
    for (int i = 0; i < 500 && got.size() < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    client.CancelStreams();
  });
  Status st = client.StreamEvents({{"type", {"container"}}}, 0, [&](const Event& e) {
    got.push_back(e);
    return true;
  });
  canceller.join();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kCanceled);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].actor_id, "abc");
  EXPECT_EQ(got[0].attributes.at("name"), "x");
  EXPECT_EQ(got[0].time_nano, 5);
  EXPECT_EQ(got[1].action, "die");
  EXPECT_EQ(got[2].type, "image");
  EXPECT_EQ(engine.targets().at(0),
            "/v1.41/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D");
  // Cancelled for good: a later stream returns at once.
  EXPECT_EQ(client.StreamEvents({}, 0, [](const Event&) { return true; }).error().code(),
            ErrorCode::kCanceled);
}

TEST(DockerClient, EventStreamErrorStatus) {
  FakeEngine engine([](const std::string&, const auto& write) {
    write(FakeEngine::Response(400, R"({"message":"invalid filter 'tpye'"})"));
  });
  Client client(NewUnixSocketTransport(engine.path(), 5000));
  Status st = client.StreamEvents({{"tpye", {"x"}}}, 0, [](const Event&) { return true; });
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("invalid filter"), std::string::npos);
}

}  // namespace
}  // namespace vigie::docker
