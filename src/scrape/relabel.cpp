#include "scrape/relabel.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "scrape/md5.h"

namespace vigie::scrape {
namespace {

constexpr std::string_view kDefaultRegex = "(.*)";
constexpr std::string_view kDefaultReplacement = "$1";
constexpr std::string_view kDefaultSeparator = ";";

struct ActionName {
  RelabelAction action;
  std::string_view name;
};
constexpr ActionName kActionNames[] = {
    {RelabelAction::kReplace, "replace"},     {RelabelAction::kKeep, "keep"},
    {RelabelAction::kDrop, "drop"},           {RelabelAction::kKeepEqual, "keepequal"},
    {RelabelAction::kDropEqual, "dropequal"}, {RelabelAction::kHashMod, "hashmod"},
    {RelabelAction::kLabelMap, "labelmap"},   {RelabelAction::kLabelDrop, "labeldrop"},
    {RelabelAction::kLabelKeep, "labelkeep"}, {RelabelAction::kLowercase, "lowercase"},
    {RelabelAction::kUppercase, "uppercase"},
};

// Go accepts "(?<name>...)" for named groups; this RE2 only knows "(?P<name>...)".
std::string NormalizeNamedGroups(std::string_view expr) {
  std::string out;
  out.reserve(expr.size() + 4);
  for (size_t i = 0; i < expr.size(); ++i) {
    if (expr[i] == '\\' && i + 1 < expr.size()) {
      out += expr[i];
      out += expr[++i];
      continue;
    }
    if (expr.compare(i, 3, "(?<") == 0 && i + 3 < expr.size() && expr[i + 3] != '=' &&
        expr[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      continue;
    }
    out += expr[i];
  }
  return out;
}

std::shared_ptr<const re2::RE2> CompileAnchored(std::string_view expr, std::string* error) {
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  std::string anchored = "^(?s:" + NormalizeNamedGroups(expr) + ")$";
  auto re = std::make_shared<re2::RE2>(anchored, opts);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  return re;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Target labels and labelmap replacements may contain "$1" or "${name}" references; what is
// left must still be a legal label name: ^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$
bool IsValidLabelNameTemplate(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      ++i;
    } else if (c == '$') {
      ++i;
      if (i < s.size() && s[i] == '{') {
        size_t j = i + 1;
        while (j < s.size() && IsWordChar(s[j])) ++j;
        if (j == i + 1 || j >= s.size() || s[j] != '}') return false;
        i = j + 1;
      } else {
        size_t j = i;
        while (j < s.size() && IsWordChar(s[j])) ++j;
        if (j == i) return false;
        i = j;
      }
    } else if (std::isdigit(static_cast<unsigned char>(c)) && i > 0) {
      ++i;  // \w* after a leading letter or reference
    } else {
      return false;
    }
  }
  return true;
}

bool HasVar(std::string_view s) { return s.find('$') != std::string_view::npos; }

std::string AsciiCase(std::string_view s, bool upper) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c))
                                : std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

uint64_t HashMod(std::string_view val, uint64_t modulus) {
  // Prometheus uses the last 8 bytes of the MD5 sum, big endian.
  const auto sum = Md5(val);
  uint64_t h = 0;
  for (int i = 8; i < 16; ++i) h = h << 8 | sum[i];
  return h % modulus;
}

bool RelabelOne(const RelabelConfig& cfg, LabelsBuilder& lb, std::string& val,
                std::vector<std::string_view>& groups) {
  val.clear();
  for (size_t i = 0; i < cfg.source_labels.size(); ++i) {
    if (i > 0) val += cfg.separator;
    val += lb.Get(cfg.source_labels[i]);
  }
  switch (cfg.action) {
    case RelabelAction::kDrop:
      return !cfg.regex.Matches(val);
    case RelabelAction::kKeep:
      return cfg.regex.Matches(val);
    case RelabelAction::kDropEqual:
      return lb.Get(cfg.target_label) != val;
    case RelabelAction::kKeepEqual:
      return lb.Get(cfg.target_label) == val;
    case RelabelAction::kReplace: {
      // Fast path: the default regex on an empty value just sets (or deletes) the target.
      if (val.empty() && cfg.regex.IsDefault() && !HasVar(cfg.target_label) &&
          !HasVar(cfg.replacement)) {
        lb.Set(cfg.target_label, cfg.replacement);
        return true;
      }
      if (!cfg.regex.Match(val, &groups)) return true;
      std::string target;
      cfg.regex.Expand(cfg.target_label, groups, &target);
      if (!IsValidLabelName(target)) return true;
      std::string res;
      cfg.regex.Expand(cfg.replacement, groups, &res);
      if (res.empty()) {
        lb.Del(target);
      } else {
        lb.Set(target, res);
      }
      return true;
    }
    case RelabelAction::kLowercase:
      lb.Set(cfg.target_label, AsciiCase(val, false));
      return true;
    case RelabelAction::kUppercase:
      lb.Set(cfg.target_label, AsciiCase(val, true));
      return true;
    case RelabelAction::kHashMod:
      lb.Set(cfg.target_label, std::to_string(HashMod(val, cfg.modulus)));
      return true;
    case RelabelAction::kLabelMap: {
      const Labels snapshot = lb.Build();
      for (const Label& l : snapshot) {
        if (!cfg.regex.Match(l.name, &groups)) continue;
        std::string name;
        cfg.regex.Expand(cfg.replacement, groups, &name);
        lb.Set(name, l.value);
      }
      return true;
    }
    case RelabelAction::kLabelDrop:
    case RelabelAction::kLabelKeep: {
      const bool keep = cfg.action == RelabelAction::kLabelKeep;
      const Labels snapshot = lb.Build();
      for (const Label& l : snapshot) {
        if (cfg.regex.Matches(l.name) != keep) lb.Del(l.name);
      }
      return true;
    }
  }
  return true;
}

}  // namespace

std::string_view RelabelActionName(RelabelAction a) {
  for (const auto& an : kActionNames) {
    if (an.action == a) return an.name;
  }
  return "unknown";
}

Result<RelabelAction> ParseRelabelAction(std::string_view s) {
  const std::string lower = AsciiCase(s, false);
  for (const auto& an : kActionNames) {
    if (an.name == lower) return an.action;
  }
  return InvalidArgument("unknown relabel action \"" + std::string(s) + "\"");
}

RelabelRegex::RelabelRegex() : source_(kDefaultRegex) {
  static const std::shared_ptr<const re2::RE2> kDefault = [] {
    std::string err;
    return CompileAnchored(kDefaultRegex, &err);
  }();
  re_ = kDefault;
}

Result<RelabelRegex> RelabelRegex::Compile(std::string_view expr) {
  if (expr == kDefaultRegex) return RelabelRegex();
  std::string err;
  auto re = CompileAnchored(expr, &err);
  if (re == nullptr) {
    std::string msg = "\"";
    msg.append(expr).append("\" is not a valid regex: ").append(err);
    return InvalidArgument(std::move(msg));
  }
  return RelabelRegex(std::string(expr), std::move(re));
}

bool RelabelRegex::Matches(std::string_view s) const {
  return re2::RE2::FullMatchN(re2::StringPiece(s.data(), s.size()), *re_, nullptr, 0);
}

bool RelabelRegex::Match(std::string_view s, std::vector<std::string_view>* groups) const {
  const int n = re_->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sp(static_cast<size_t>(n));
  if (!re_->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), re2::RE2::ANCHOR_BOTH,
                  sp.data(), n)) {
    return false;
  }
  groups->resize(sp.size());
  for (size_t i = 0; i < sp.size(); ++i) {
    (*groups)[i] =
        sp[i].data() == nullptr ? std::string_view() : std::string_view(sp[i].data(), sp[i].size());
  }
  return true;
}

void RelabelRegex::Expand(std::string_view tmpl, const std::vector<std::string_view>& groups,
                          std::string* out) const {
  size_t i = 0;
  while (i < tmpl.size()) {
    const size_t dollar = tmpl.find('$', i);
    if (dollar == std::string_view::npos) {
      out->append(tmpl.substr(i));
      return;
    }
    out->append(tmpl.substr(i, dollar - i));
    i = dollar + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {
      out->push_back('$');
      ++i;
      continue;
    }
    // Parse "name" or "{name}"; a malformed reference leaves the '$' as text.
    const bool brace = i < tmpl.size() && tmpl[i] == '{';
    size_t start = brace ? i + 1 : i;
    size_t end = start;
    while (end < tmpl.size() &&
           (IsWordChar(tmpl[end]) || static_cast<unsigned char>(tmpl[end]) >= 0x80)) {
      ++end;
    }
    if (end == start || (brace && (end >= tmpl.size() || tmpl[end] != '}'))) {
      out->push_back('$');
      continue;
    }
    const std::string_view name = tmpl.substr(start, end - start);
    i = brace ? end + 1 : end;
    // A number (no leading zeros, below 1e8) is a group index; anything else a group name.
    int64_t num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    if (num >= 0) {
      if (static_cast<size_t>(num) < groups.size()) out->append(groups[num]);
      continue;
    }
    const auto& names = re_->NamedCapturingGroups();
    auto it = names.find(std::string(name));
    if (it != names.end() && static_cast<size_t>(it->second) < groups.size()) {
      out->append(groups[it->second]);
    }
  }
}

Status RelabelConfig::Validate() const {
  const std::string_view act = RelabelActionName(action);
  const auto err = [&](std::string msg) -> Status { return InvalidArgument(std::move(msg)); };
  const bool needs_target =
      action == RelabelAction::kReplace || action == RelabelAction::kHashMod ||
      action == RelabelAction::kLowercase || action == RelabelAction::kUppercase ||
      action == RelabelAction::kKeepEqual || action == RelabelAction::kDropEqual;
  const bool plain_target =
      action == RelabelAction::kLowercase || action == RelabelAction::kUppercase ||
      action == RelabelAction::kKeepEqual || action == RelabelAction::kDropEqual;
  if (action == RelabelAction::kHashMod && modulus == 0) {
    return err("relabel configuration for hashmod requires non-zero modulus");
  }
  if (needs_target && target_label.empty()) {
    return err("relabel configuration for " + std::string(act) +
               " action requires 'target_label' value");
  }
  const auto bad_target = [&] {
    return err("\"" + target_label + "\" is invalid 'target_label' for " + std::string(act) +
               " action");
  };
  if (action == RelabelAction::kReplace) {
    if (HasVar(target_label) ? !IsValidLabelNameTemplate(target_label)
                             : !IsValidLabelName(target_label)) {
      return bad_target();
    }
  }
  if (plain_target && !IsValidLabelName(target_label)) return bad_target();
  if (plain_target && replacement != kDefaultReplacement) {
    return err("'replacement' can not be set for " + std::string(act) + " action");
  }
  if (action == RelabelAction::kLabelMap && !IsValidLabelNameTemplate(replacement)) {
    return err("\"" + replacement + "\" is invalid 'replacement' for " + std::string(act) +
               " action");
  }
  if (action == RelabelAction::kHashMod && !IsValidLabelName(target_label)) return bad_target();
  if (action == RelabelAction::kKeepEqual || action == RelabelAction::kDropEqual) {
    if (!regex.IsDefault() || modulus != 0 || separator != kDefaultSeparator ||
        replacement != kDefaultReplacement) {
      return err(std::string(act) +
                 " action requires only 'source_labels' and `target_label`, and no other fields");
    }
  }
  if (action == RelabelAction::kLabelDrop || action == RelabelAction::kLabelKeep) {
    if (!source_labels.empty() || !target_label.empty() || modulus != 0 ||
        separator != kDefaultSeparator || replacement != kDefaultReplacement) {
      return err(std::string(act) + " action requires only 'regex', and no other fields");
    }
  }
  return OkStatus();
}

bool Relabel(LabelsBuilder& lb, std::span<const RelabelConfig> cfgs) {
  std::string val;
  std::vector<std::string_view> groups;
  for (const RelabelConfig& cfg : cfgs) {
    if (!RelabelOne(cfg, lb, val, groups)) return false;
  }
  return true;
}

std::optional<Labels> Relabel(const Labels& in, std::span<const RelabelConfig> cfgs) {
  LabelsBuilder lb(in);
  if (!Relabel(lb, cfgs)) return std::nullopt;
  return lb.Build();
}

}  // namespace vigie::scrape
