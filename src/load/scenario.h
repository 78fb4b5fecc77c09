// What emulated users do: weighted journeys of steps, with think time between steps, values
// captured from responses (an id from a list) and used in later URLs.
//
// YAML form (see docs/load.md):
//   think_time: 1s                # mean of an exponential pause between steps
//   headers: {X-Client: vigie}    # sent with every request
//   journeys:
//     - name: browse
//       weight: 9
//       steps:
//         - name: list
//           get: /api/images?page=1&limit=24
//           capture: {id: "images[*].id"}      # every id in the list
//         - name: thumb
//           get: /images/${id}/thumb?size=200  # ${id}: one captured value, picked at random
//           repeat: [3, 8]                     # 3 to 8 times
//         - name: upload
//           post: /api/images
//           body: generated_image              # or any text
//           probability: 0.1                   # run this step one time in ten
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/result.h"

namespace vigie::load {

struct Capture {
  std::string var;
  std::string json_path;  // "images[*].id", "images[0].id", "id"
  std::string regex;      // alternative: first group of an RE2 match
};

struct Step {
  std::string name;
  std::string method = "GET";
  std::string path;  // may contain ${var}
  std::map<std::string, std::string> headers;
  std::string body;  // may contain ${var}
  bool generated_image_body = false;
  double probability = 1.0;
  int repeat_min = 1;
  int repeat_max = 1;
  std::vector<Capture> captures;
};

struct Journey {
  std::string name;
  double weight = 1;
  std::vector<Step> steps;
};

struct Scenario {
  std::vector<Journey> journeys;
  double think_time_mean_s = 1.0;
  std::map<std::string, std::string> headers;
};

// The gallery journey: home page, a page of the list, 3 to 8 thumbnails, one original, and
// one time in ten an upload of a generated image.
Scenario DefaultGalleryScenario();
// A single GET of `path` with no think time: the --raw mode used for benchmarks.
Scenario RawScenario(const std::string& path);

Result<Scenario> ParseScenario(std::string_view yaml_text);
Result<Scenario> LoadScenarioFile(const std::string& path);

// Variables captured so far by one user: each holds every captured value.
using Vars = std::map<std::string, std::vector<std::string>>;

// Replaces ${name} with one of name's values (picked with `rng`); an unknown name is an error.
Result<std::string> Expand(std::string_view tmpl, const Vars& vars, std::mt19937_64& rng);
// Extracts values from a JSON body by a path like "images[*].id".
Result<std::vector<std::string>> JsonCapture(std::string_view body, std::string_view path);

}  // namespace vigie::load
