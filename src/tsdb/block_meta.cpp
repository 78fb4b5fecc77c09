#include "tsdb/block_meta.h"

#include <nlohmann/json.hpp>

namespace vigie::tsdb {

std::string EncodeMeta(const BlockMeta& m) {
  nlohmann::json j;
  j["ulid"] = m.ulid;
  j["minTime"] = m.min_time;
  j["maxTime"] = m.max_time;
  j["stats"] = {
      {"numSamples", m.num_samples}, {"numSeries", m.num_series}, {"numChunks", m.num_chunks}};
  nlohmann::json c;
  c["level"] = m.level;
  c["sources"] = m.sources;
  if (!m.parents.empty()) {
    nlohmann::json parents = nlohmann::json::array();
    for (const auto& p : m.parents) parents.push_back({{"ulid", p}});
    c["parents"] = parents;
  }
  j["compaction"] = c;
  j["version"] = 1;
  return j.dump(1, '\t') + "\n";
}

Result<BlockMeta> DecodeMeta(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Corruption("meta.json is not valid JSON");
  try {
    BlockMeta m;
    m.ulid = j.at("ulid").get<std::string>();
    m.min_time = j.at("minTime").get<int64_t>();
    m.max_time = j.at("maxTime").get<int64_t>();
    if (j.at("version").get<int>() != 1) return Corruption("meta.json: unsupported version");
    if (auto s = j.find("stats"); s != j.end()) {
      m.num_samples = s->value("numSamples", uint64_t{0});
      m.num_series = s->value("numSeries", uint64_t{0});
      m.num_chunks = s->value("numChunks", uint64_t{0});
    }
    if (auto c = j.find("compaction"); c != j.end()) {
      m.level = c->value("level", 1);
      if (auto src = c->find("sources"); src != c->end()) {
        m.sources = src->get<std::vector<std::string>>();
      }
      if (auto p = c->find("parents"); p != c->end()) {
        for (const auto& e : *p) m.parents.push_back(e.at("ulid").get<std::string>());
      }
    }
    if (m.max_time < m.min_time) return Corruption("meta.json: maxTime before minTime");
    return m;
  } catch (const nlohmann::json::exception& e) {
    return Corruption(std::string("meta.json: ") + e.what());
  }
}

Result<BlockMeta> ReadMeta(fs::FileSystem& fs, const std::string& block_dir) {
  VIGIE_ASSIGN_OR_RETURN(auto data, fs.ReadFile(fs::Join(block_dir, "meta.json")));
  auto m = DecodeMeta(data);
  if (!m.ok()) return m.error().Wrap(block_dir);
  return m;
}

}  // namespace vigie::tsdb
