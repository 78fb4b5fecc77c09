// vigie gallery and vigie load together on loopback (issue: the monitored application).
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "gallery/image_codec.h"
#include "lib/process.h"
#include "lib/temp_dir.h"
#include "net/http_client.h"

namespace vigie {
namespace {

using testing::ChildProcess;

// Sum of http_requests_total over the given handlers, read from a /metrics text body.
double RequestsServed(const std::string& metrics, const std::set<std::string>& handlers) {
  double sum = 0;
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("http_requests_total{", 0) != 0) continue;
    auto h = line.find("handler=\"");
    if (h == std::string::npos) continue;
    std::string handler = line.substr(h + 9, line.find('"', h + 9) - h - 9);
    if (handlers.count(handler)) sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

ChildProcess StartGallery(const std::string& data, const std::vector<std::string>& listens,
                          const std::string& log, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {
      testing::VigieBinary(), "gallery", "--data", data, "--workers", "2"};
  for (const auto& l : listens) {
    argv.push_back("--web.listen-address");
    argv.push_back(l);
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto p = ChildProcess::Start(argv, log);
  EXPECT_TRUE(p.ok());
  return std::move(p).value();
}

TEST(GalleryLoad, UsersSucceedAndCountsAgree) {
  testing::TempDir dir;
  int port = testing::FreeTcpPort();
  auto gallery = StartGallery(dir.Join("data"), {"127.0.0.1:" + std::to_string(port)},
                              dir.Join("gallery.log"), {"--seed-if-empty", "50"});
  ASSERT_TRUE(testing::WaitForHttpOk(port, "/-/ready", 60000)) << gallery.Log();

  auto load = ChildProcess::Start(
      {testing::VigieBinary(), "load", "--target", "http://127.0.0.1:" + std::to_string(port),
       "--users", "8", "--duration", "10s", "--quiet", "--out", dir.Join("load.json")},
      dir.Join("load.log"));
  ASSERT_TRUE(load.ok());
  ASSERT_EQ(load->Wait(60000), 0) << load->Log();

  std::ifstream in(dir.Join("load.json"));
  auto report = nlohmann::json::parse(in);
  uint64_t total = report["total"]["requests"];
  EXPECT_GT(total, 20u) << report.dump(2);
  EXPECT_EQ(report["total"]["errors"]["connect"], 0);
  EXPECT_EQ(report["total"]["errors"]["timeout"], 0);
  EXPECT_EQ(report["total"]["errors"]["http"], 0) << report.dump(2);

  auto metrics = testing::HttpGetBody(port, "/metrics");
  ASSERT_TRUE(metrics.ok());
  double served = RequestsServed(
      *metrics, {"/", "/api/images", "/images/{id}", "/images/{id}/thumb", "/api/images/{id}"});
  EXPECT_EQ(served, static_cast<double>(total)) << "gallery and load generator disagree";

  // Thumbnails are valid JPEGs of the asked size.
  net::HttpClient client;
  auto thumb = client.Get("http://127.0.0.1:" + std::to_string(port) + "/images/1/thumb?size=120");
  ASSERT_TRUE(thumb.ok());
  ASSERT_EQ(thumb->status, 200);
  auto info = gallery::InspectImage(thumb->body);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->format, gallery::ImageFormat::kJpeg);
  EXPECT_EQ(std::max(info->width, info->height), 120);
}

TEST(GalleryLoad, TwoReplicasShareAPortAndADataDirWithoutLosingUploads) {
  testing::TempDir dir;
  int shared = testing::FreeTcpPort();
  int a_port = testing::FreeTcpPort(), b_port = testing::FreeTcpPort();
  std::string s = "127.0.0.1:" + std::to_string(shared);
  auto a = StartGallery(dir.Join("data"), {s, "127.0.0.1:" + std::to_string(a_port)},
                        dir.Join("a.log"), {"--reuse-port"});
  ASSERT_TRUE(testing::WaitForHttpOk(a_port, "/-/ready", 30000)) << a.Log();
  auto b = StartGallery(dir.Join("data"), {s, "127.0.0.1:" + std::to_string(b_port)},
                        dir.Join("b.log"), {"--reuse-port"});
  ASSERT_TRUE(testing::WaitForHttpOk(b_port, "/-/ready", 30000)) << b.Log();

  auto png = gallery::GenerateImage(5, 48, 32, gallery::ImageFormat::kPng);
  ASSERT_TRUE(png.ok());
  std::mutex mu;
  std::set<int64_t> ids;
  std::vector<std::thread> threads;
  const int kThreads = 6, kEach = 10;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        // A fresh client each time: new connections spread over both replicas.
        net::HttpClient c;
        auto r = c.Post("http://" + s + "/api/images", *png, "image/png");
        ASSERT_TRUE(r.ok()) << r.error().message();
        ASSERT_EQ(r->status, 201) << r->body;
        int64_t id = nlohmann::json::parse(r->body)["id"];
        std::lock_guard lock(mu);
        EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(ids.size(), static_cast<size_t>(kThreads * kEach));
  // Both replicas uploaded some (SO_REUSEPORT spread the connections) and both serve all.
  auto a_metrics = testing::HttpGetBody(a_port, "/metrics");
  auto b_metrics = testing::HttpGetBody(b_port, "/metrics");
  ASSERT_TRUE(a_metrics.ok() && b_metrics.ok());
  double a_up = RequestsServed(*a_metrics, {"/api/images"});
  double b_up = RequestsServed(*b_metrics, {"/api/images"});
  EXPECT_EQ(a_up + b_up, kThreads * kEach);
  EXPECT_GT(a_up, 0);
  EXPECT_GT(b_up, 0);
  net::HttpClient c;
  for (int port : {a_port, b_port}) {
    auto list = c.Get("http://127.0.0.1:" + std::to_string(port) + "/api/images?limit=200");
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(nlohmann::json::parse(list->body)["total"], kThreads * kEach);
    for (int64_t id : ids) {
      auto img =
          c.Get("http://127.0.0.1:" + std::to_string(port) + "/images/" + std::to_string(id));
      ASSERT_TRUE(img.ok());
      EXPECT_EQ(img->status, 200) << "replica on " << port << " cannot serve image " << id;
      EXPECT_EQ(img->body, *png);
    }
  }
}

}  // namespace
}  // namespace vigie
