// Scrapes a real node-exporter (Debian's prometheus-node-exporter on a loopback port), parses
// it, writes it back in both formats and parses again: the same series and values. When
// promtool is installed, Prometheus's own Go parser must read our 0.0.4 output as it reads
// node-exporter's (same lint report).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "expfmt/parser.h"
#include "expfmt/writer.h"
#include "lib/process.h"
#include "lib/temp_dir.h"

namespace vigie::expfmt {
namespace {

using vigie::testing::ChildProcess;
using vigie::testing::TempDir;

constexpr char kNodeExporter[] = "prometheus-node-exporter";

class ExpfmtNodeExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!vigie::testing::HaveProgram(kNodeExporter)) GTEST_SKIP() << kNodeExporter << " missing";
    port_ = vigie::testing::FreeTcpPort();
    auto child = ChildProcess::Start(
        {kNodeExporter, "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
        dir_.Join("node_exporter.log"));
    ASSERT_TRUE(child.ok()) << child.error().message();
    exporter_.emplace(std::move(child).value());
    ASSERT_TRUE(vigie::testing::WaitForHttpOk(port_, "/metrics", 20000))
        << "node-exporter did not answer; log:\n"
        << exporter_->Log();
    int status = 0;
    auto body = vigie::testing::HttpGetBody(port_, "/metrics", &status);
    ASSERT_TRUE(body.ok()) << body.error().message();
    ASSERT_EQ(status, 200);
    body_ = std::move(body).value();
  }

  void TearDown() override {
    if (exporter_) exporter_->Stop();
  }

  TempDir dir_;
  int port_ = 0;
  std::optional<ChildProcess> exporter_;
  std::string body_;
};

std::vector<const Sample*> Flatten(const std::vector<MetricFamily>& families) {
  std::vector<const Sample*> out;
  for (const auto& f : families)
    for (const auto& s : f.samples) out.push_back(&s);
  return out;
}

void ExpectSameSamples(const std::vector<MetricFamily>& want, const std::vector<MetricFamily>& got,
                       const std::string& context) {
  auto a = Flatten(want);
  auto b = Flatten(got);
  ASSERT_EQ(a.size(), b.size()) << context;
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i]->labels, b[i]->labels) << context;
    if (std::isnan(a[i]->value)) {
      EXPECT_TRUE(std::isnan(b[i]->value)) << context << " " << a[i]->labels.ToString();
    } else {
      EXPECT_EQ(a[i]->value, b[i]->value) << context << " " << a[i]->labels.ToString();
    }
    EXPECT_EQ(a[i]->timestamp_ms, b[i]->timestamp_ms) << context;
  }
}

TEST_F(ExpfmtNodeExporterTest, ParseWriteParseKeepsSeriesAndValues) {
  auto first = ParseAll(body_, Format::kText004);
  ASSERT_TRUE(first.ok()) << first.error().message();
  size_t samples = Flatten(*first).size();
  EXPECT_GT(samples, 100u);
  bool saw_cpu = false;
  bool saw_histogram_or_summary = false;
  for (const auto& f : *first) {
    saw_cpu = saw_cpu || (f.name == "node_cpu_seconds_total" && f.type == MetricType::kCounter &&
                          !f.samples.empty());
    saw_histogram_or_summary = saw_histogram_or_summary || f.type == MetricType::kSummary ||
                               f.type == MetricType::kHistogram;
    EXPECT_FALSE(f.help.empty()) << f.name;
  }
  EXPECT_TRUE(saw_cpu);
  EXPECT_TRUE(saw_histogram_or_summary);

  // The streaming parser sees the same number of series, each with its raw text.
  Parser p(body_, Format::kText004);
  size_t streamed = 0;
  for (;;) {
    auto e = p.Next();
    ASSERT_TRUE(e.ok()) << e.error().message();
    if (*e == Entry::kEof) break;
    if (*e == Entry::kSeries) {
      ++streamed;
      EXPECT_EQ(p.Series().substr(0, p.MetricName().size()), p.MetricName());
    }
  }
  EXPECT_EQ(streamed, samples);

  for (Format format : {Format::kText004, Format::kOpenMetrics1}) {
    std::string context = format == Format::kText004 ? "0.0.4" : "OpenMetrics";
    std::string written = WriteAll(*first, format);
    auto second = ParseAll(written, format);
    ASSERT_TRUE(second.ok()) << context << ": " << second.error().message();
    ExpectSameSamples(*first, *second, context);
    ASSERT_EQ(first->size(), second->size()) << context;
    for (size_t i = 0; i < first->size(); ++i) {
      EXPECT_EQ((*first)[i].help, (*second)[i].help) << (*first)[i].name;
      EXPECT_EQ((*first)[i].type, (*second)[i].type) << (*first)[i].name;
    }
    // And once more from the rewritten text: a fixed point.
    EXPECT_EQ(WriteAll(*second, format), written) << context;
  }
}

std::string RunPromtoolCheck(const std::string& file) {
  std::string out_file = file + ".promtool";
  std::string cmd = "promtool check metrics < '" + file + "' > '" + out_file + "' 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream in(out_file);
  std::stringstream ss;
  ss << in.rdbuf();
  return "exit " + std::to_string(WEXITSTATUS(rc)) + "\n" + ss.str();
}

TEST_F(ExpfmtNodeExporterTest, PromtoolReadsOurOutputLikeTheOriginal) {
  if (!vigie::testing::HaveProgram("promtool")) GTEST_SKIP() << "promtool missing";
  auto families = ParseAll(body_, Format::kText004);
  ASSERT_TRUE(families.ok()) << families.error().message();
  std::string original = dir_.Join("original.txt");
  std::string ours = dir_.Join("ours.txt");
  std::ofstream(original) << body_;
  std::ofstream(ours) << WriteAll(*families, Format::kText004);
  std::string want = RunPromtoolCheck(original);
  EXPECT_EQ(want.find("error"), std::string::npos) << want;
  EXPECT_EQ(RunPromtoolCheck(ours), want);
}

}  // namespace
}  // namespace vigie::expfmt
