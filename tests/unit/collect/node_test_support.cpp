#include "node_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "expfmt/parser.h"
#include "expfmt/writer.h"

namespace vigie::collect::testing {

std::string FixtureDir(const std::string& name) {
  return std::string(VIGIE_TESTDATA_DIR) + "/node/" + name;
}

StatFs FakeStatFs() {
  StatFs s;
  s.block_size = 4096;
  s.blocks = 1000000;
  s.blocks_free = 400000;
  s.blocks_avail = 300000;
  s.files = 65536;
  s.files_free = 60000;
  return s;
}

NodeOptions FixtureOptions(const std::string& name) {
  std::string dir = FixtureDir(name);
  NodeOptions o;
  o.paths.procfs = dir + "/proc";
  o.paths.sysfs = dir + "/sys";
  o.paths.rootfs = dir + "/rootfs";
  o.paths.udev_data = dir + "/udev";
  o.netdev_netlink = false;  // read the tree's /proc/net/dev
  o.uname = []() -> Result<Uname> {
    return Uname{"Linux", "vm", "6.18.44-fc-v782", "#1 SMP PREEMPT_DYNAMIC @0", "x86_64", "(none)"};
  };
  o.now = [] {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000250));
  };
  o.statfs = [](const std::string&) -> Result<StatFs> { return FakeStatFs(); };
  return o;
}

std::vector<expfmt::MetricFamily> CollectAll(const NodeOptions& options,
                                             const std::vector<std::string>& names,
                                             std::vector<std::string>* errors) {
  std::vector<expfmt::MetricFamily> out;
  for (const auto& name : names) {
    auto c = NewNodeCollector(name, options);
    if (!c.ok()) {
      errors->push_back(name + ": " + c.error().message());
      continue;
    }
    Status st = (*c)->Collect(&out);
    if (!st.ok()) errors->push_back(name + ": " + st.error().message());
  }
  return out;
}

std::string RenderSorted(std::vector<expfmt::MetricFamily> families) {
  std::stable_sort(families.begin(), families.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  return expfmt::WriteAll(families, expfmt::Format::kText004);
}

Parsed ParseText(std::string_view text) {
  Parsed out;
  expfmt::Parser p(text, expfmt::Format::kText004);
  std::string help_name, help;
  std::string current_family;
  while (true) {
    auto e = p.Next();
    EXPECT_TRUE(e.ok()) << e.error().message();
    if (!e.ok() || *e == expfmt::Entry::kEof) break;
    if (*e == expfmt::Entry::kHelp) {
      help_name = std::string(p.MetricName());
      help = std::string(p.Help());
    } else if (*e == expfmt::Entry::kType) {
      current_family = std::string(p.MetricName());
      auto& f = out.families[current_family];
      f.type = p.Type();
      if (help_name == current_family) f.help = help;
    } else if (*e == expfmt::Entry::kSeries) {
      std::vector<std::pair<std::string, std::string>> labels;
      for (size_t i = 0; i < p.LabelCount(); ++i) {
        labels.emplace_back(std::string(p.LabelName(i)), p.LabelValue(i));
      }
      std::sort(labels.begin(), labels.end());
      std::string key(p.MetricName());
      key += '{';
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i) key += ',';
        key += labels[i].first + "=\"" + labels[i].second + "\"";
      }
      key += '}';
      out.series[key] = p.Value();
      out.family_of_series[key] = current_family;
      auto& f = out.families[current_family];
      if (f.label_names.empty()) {
        for (auto& l : labels) f.label_names.push_back(l.first);
      }
    }
  }
  return out;
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace vigie::collect::testing
