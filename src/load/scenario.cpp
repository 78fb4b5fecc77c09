#include "load/scenario.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/time.h"

namespace vigie::load {

Scenario DefaultGalleryScenario() {
  Scenario s;
  s.think_time_mean_s = 1.0;
  Journey j;
  j.name = "browse";
  j.steps.push_back({.name = "home", .path = "/"});
  j.steps.push_back({.name = "list",
                     .path = "/api/images?page=1&limit=24",
                     .captures = {{.var = "id", .json_path = "images[*].id"}}});
  j.steps.push_back(
      {.name = "thumb", .path = "/images/${id}/thumb?size=200", .repeat_min = 3, .repeat_max = 8});
  j.steps.push_back({.name = "original", .path = "/images/${id}"});
  j.steps.push_back({.name = "upload",
                     .method = "POST",
                     .path = "/api/images",
                     .headers = {{"Content-Type", "image/jpeg"}},
                     .generated_image_body = true,
                     .probability = 0.1});
  s.journeys.push_back(std::move(j));
  return s;
}

Scenario RawScenario(const std::string& path) {
  Scenario s;
  s.think_time_mean_s = 0;
  s.journeys.push_back({.name = "raw", .steps = {{.name = "raw", .path = path}}});
  return s;
}

namespace {

std::string Where(const YAML::Node& n) {
  auto m = n.Mark();
  if (m.is_null()) return "";
  return "line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1) + ": ";
}

Error Bad(const YAML::Node& n, const std::string& what) {
  return InvalidArgument("scenario: " + Where(n) + what);
}

Result<double> Seconds(const YAML::Node& n) {
  auto s = n.as<std::string>();
  if (auto d = ParseDuration(s); d.ok()) return static_cast<double>(*d) / 1000.0;
  try {
    return n.as<double>();
  } catch (...) {
    return Bad(n, "\"" + s + "\" is not a duration like 500ms, 2s");
  }
}

Result<Step> ParseStep(const YAML::Node& n) {
  if (!n.IsMap()) return Bad(n, "a step must be a mapping");
  Step st;
  for (const auto& kv : n) {
    std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "name") {
      st.name = v.as<std::string>();
    } else if (key == "get" || key == "post" || key == "put" || key == "delete") {
      st.method = key == "get" ? "GET" : key == "post" ? "POST" : key == "put" ? "PUT" : "DELETE";
      st.path = v.as<std::string>();
    } else if (key == "headers") {
      if (!v.IsMap()) return Bad(v, "headers must be a mapping");
      for (const auto& h : v) st.headers[h.first.as<std::string>()] = h.second.as<std::string>();
    } else if (key == "body") {
      st.body = v.as<std::string>();
      if (st.body == "generated_image") {
        st.generated_image_body = true;
        st.body.clear();
      }
    } else if (key == "probability") {
      st.probability = v.as<double>();
      if (st.probability < 0 || st.probability > 1) return Bad(v, "probability must be in [0, 1]");
    } else if (key == "repeat") {
      if (v.IsSequence() && v.size() == 2) {
        st.repeat_min = v[0].as<int>();
        st.repeat_max = v[1].as<int>();
      } else {
        st.repeat_min = st.repeat_max = v.as<int>();
      }
      if (st.repeat_min < 0 || st.repeat_max < st.repeat_min || st.repeat_max > 10000) {
        return Bad(v, "repeat must be N or [min, max] with 0 <= min <= max <= 10000");
      }
    } else if (key == "capture") {
      if (!v.IsMap()) return Bad(v, "capture must map variable names to JSON paths");
      for (const auto& c : v) {
        Capture cap{.var = c.first.as<std::string>()};
        std::string spec = c.second.as<std::string>();
        if (spec.rfind("regex:", 0) == 0) {
          cap.regex = spec.substr(6);
          RE2 re(cap.regex);
          if (!re.ok()) return Bad(c.second, "invalid regex: " + re.error());
          if (re.NumberOfCapturingGroups() < 1)
            return Bad(c.second, "regex needs a capturing group");
        } else {
          cap.json_path = spec;
        }
        st.captures.push_back(std::move(cap));
      }
    } else {
      return Bad(kv.first, "unknown step field \"" + key + "\"");
    }
  }
  if (st.path.empty()) return Bad(n, "step needs one of get, post, put, delete with a path");
  if (st.path[0] != '/') return Bad(n, "path \"" + st.path + "\" must start with /");
  if (st.name.empty()) st.name = st.method + " " + st.path.substr(0, st.path.find('?'));
  return st;
}

}  // namespace

Result<Scenario> ParseScenario(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("scenario: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) return InvalidArgument("scenario: the document must be a mapping");
  Scenario s;
  try {
    for (const auto& kv : root) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "think_time") {
        VIGIE_ASSIGN_OR_RETURN(s.think_time_mean_s, Seconds(v));
      } else if (key == "headers") {
        for (const auto& h : v) s.headers[h.first.as<std::string>()] = h.second.as<std::string>();
      } else if (key == "journeys") {
        if (!v.IsSequence()) return Bad(v, "journeys must be a list");
        for (const auto& jn : v) {
          Journey j;
          for (const auto& jkv : jn) {
            std::string jkey = jkv.first.as<std::string>();
            if (jkey == "name") {
              j.name = jkv.second.as<std::string>();
            } else if (jkey == "weight") {
              j.weight = jkv.second.as<double>();
              if (j.weight <= 0) return Bad(jkv.second, "weight must be positive");
            } else if (jkey == "steps") {
              for (const auto& sn : jkv.second) {
                VIGIE_ASSIGN_OR_RETURN(auto st, ParseStep(sn));
                j.steps.push_back(std::move(st));
              }
            } else {
              return Bad(jkv.first, "unknown journey field \"" + jkey + "\"");
            }
          }
          if (j.steps.empty()) return Bad(jn, "journey has no steps");
          if (j.name.empty()) j.name = "journey" + std::to_string(s.journeys.size() + 1);
          s.journeys.push_back(std::move(j));
        }
      } else {
        return Bad(kv.first, "unknown field \"" + key + "\"");
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument("scenario: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (s.journeys.empty()) return InvalidArgument("scenario: no journeys");
  return s;
}

Result<Scenario> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read scenario file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ParseScenario(ss.str());
  if (!s.ok()) return s.error().Wrap(path);
  return s;
}

Result<std::string> Expand(std::string_view t, const Vars& vars, std::mt19937_64& rng) {
  std::string out;
  size_t i = 0;
  while (i < t.size()) {
    size_t start = t.find("${", i);
    if (start == std::string_view::npos) {
      out.append(t.substr(i));
      break;
    }
    out.append(t.substr(i, start - i));
    size_t end = t.find('}', start);
    if (end == std::string_view::npos)
      return InvalidArgument("unterminated ${ in \"" + std::string(t) + "\"");
    std::string name(t.substr(start + 2, end - start - 2));
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) {
      return NotFound("no captured value for ${" + name + "}");
    }
    std::uniform_int_distribution<size_t> pick(0, it->second.size() - 1);
    out += it->second[pick(rng)];
    i = end + 1;
  }
  return out;
}

Result<std::vector<std::string>> JsonCapture(std::string_view body, std::string_view path) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("response is not JSON");
  std::vector<const nlohmann::json*> cur{&doc};
  size_t i = 0;
  while (i < path.size()) {
    size_t dot = path.find('.', i);
    std::string_view seg =
        path.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i);
    i = dot == std::string_view::npos ? path.size() : dot + 1;
    std::string key(seg.substr(0, seg.find('[')));
    std::vector<const nlohmann::json*> next;
    for (const auto* n : cur) {
      const nlohmann::json* v = n;
      if (!key.empty()) {
        if (!n->is_object() || !n->contains(key)) continue;
        v = &(*n)[key];
      }
      auto br = seg.find('[');
      if (br == std::string_view::npos) {
        next.push_back(v);
        continue;
      }
      std::string_view idx = seg.substr(br + 1, seg.find(']') - br - 1);
      if (!v->is_array()) continue;
      if (idx == "*") {
        for (const auto& e : *v) next.push_back(&e);
      } else {
        size_t k = static_cast<size_t>(std::atoi(std::string(idx).c_str()));
        if (k < v->size()) next.push_back(&(*v)[k]);
      }
    }
    cur = std::move(next);
  }
  std::vector<std::string> out;
  for (const auto* n : cur) {
    if (n->is_string()) {
      out.push_back(n->get<std::string>());
    } else if (n->is_primitive() && !n->is_null()) {
      out.push_back(n->dump());
    }
  }
  return out;
}

}  // namespace vigie::load
