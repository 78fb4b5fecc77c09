// Relabelling, as Prometheus defines it (relabel_configs, metric_relabel_configs,
// alert_relabel_configs, write_relabel_configs): every action, the same defaults (separator
// ";", regex "(.*)" fully anchored, replacement "$1", action replace), Go-style "$1" / "${name}"
// expansion, and the same validation messages.
//
// Regexes are RE2 (the syntax Prometheus uses, linear time). A RelabelConfig is immutable after
// validation and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/result.h"

namespace re2 {
class RE2;
}

namespace vigie::scrape {

enum class RelabelAction {
  kReplace,
  kKeep,
  kDrop,
  kKeepEqual,
  kDropEqual,
  kHashMod,
  kLabelMap,
  kLabelDrop,
  kLabelKeep,
  kLowercase,
  kUppercase,
};

std::string_view RelabelActionName(RelabelAction a);
// Case-insensitive, as in Prometheus; the error reads `unknown relabel action "x"`.
Result<RelabelAction> ParseRelabelAction(std::string_view s);

// A regex anchored at both ends, with "." matching newlines: Prometheus compiles the
// configured expression as "^(?s:<expr>)$". Copies share the compiled program.
class RelabelRegex {
 public:
  // The default expression "(.*)".
  RelabelRegex();
  // Errors carry RE2's reason, e.g. `"a(b" is not a valid regex: missing ): a(b`.
  static Result<RelabelRegex> Compile(std::string_view expr);

  // The expression as configured (without the anchoring).
  const std::string& source() const { return source_; }
  bool IsDefault() const { return source_ == "(.*)"; }

  bool Matches(std::string_view s) const;
  // On a match fills `groups` (groups[0] is all of `s`, unmatched groups are empty) and
  // returns true.
  bool Match(std::string_view s, std::vector<std::string_view>* groups) const;
  // Appends `tmpl` to *out with $1, ${1}, $name, ${name} replaced by groups of a Match, as Go's
  // regexp.Expand does: "$$" is a literal "$", a reference to a missing group is empty, and
  // "$1x" names the group "1x" (use "${1}x").
  void Expand(std::string_view tmpl, const std::vector<std::string_view>& groups,
              std::string* out) const;

  friend bool operator==(const RelabelRegex& a, const RelabelRegex& b) {
    return a.source_ == b.source_;
  }

 private:
  RelabelRegex(std::string source, std::shared_ptr<const re2::RE2> re)
      : source_(std::move(source)), re_(std::move(re)) {}
  std::string source_;
  std::shared_ptr<const re2::RE2> re_;
};

struct RelabelConfig {
  std::vector<std::string> source_labels;
  std::string separator = ";";
  RelabelRegex regex;
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement = "$1";
  RelabelAction action = RelabelAction::kReplace;

  // The checks Prometheus makes when loading a config, with its wording, e.g.
  // "relabel configuration for replace action requires 'target_label' value" or
  // "labelkeep action requires only 'regex', and no other fields".
  Status Validate() const;

  friend bool operator==(const RelabelConfig&, const RelabelConfig&) = default;
};

// Applies `cfgs` in order to `lb`. Returns false as soon as one of them drops the label set
// (keep, drop, keepequal, dropequal); `lb` is then left partly relabelled.
bool Relabel(LabelsBuilder& lb, std::span<const RelabelConfig> cfgs);
// Convenience form: the relabelled set, or nullopt when dropped.
std::optional<Labels> Relabel(const Labels& in, std::span<const RelabelConfig> cfgs);

}  // namespace vigie::scrape
