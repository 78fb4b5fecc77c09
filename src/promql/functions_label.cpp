// label_replace() and label_join(), with Go's regexp template expansion ($1, ${1}, $name).
#include <re2/re2.h>

#include <map>
#include <memory>
#include <unordered_map>

#include "promql/functions_eval.h"

namespace vigie::promql::internal {

namespace {

const std::string& StringArg(const parser::Call& call, size_t i) {
  const auto* s = Unwrap(*call.args[i]).As<parser::StringLiteral>();
  if (s == nullptr) Throw(Internal("expected a string argument"));
  return s->value;
}

bool IsNameChar(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

// Go's Regexp.Expand: $$ is a dollar; $name / ${name} is a group by number (all digits, no
// leading zero) or by name; a name that matches nothing expands to ""; a malformed reference
// leaves the $ as text.
std::string Expand(const std::string& tmpl, const std::vector<std::string_view>& groups,
                   const std::map<std::string, int>& names) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t d = tmpl.find('$', i);
    if (d == std::string::npos) break;
    out.append(tmpl, i, d - i);
    i = d + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    bool brace = i < tmpl.size() && tmpl[i] == '{';
    size_t p = brace ? i + 1 : i;
    size_t q = p;
    while (q < tmpl.size() && IsNameChar(static_cast<unsigned char>(tmpl[q]))) ++q;
    if (q == p || (brace && (q >= tmpl.size() || tmpl[q] != '}'))) {
      out.push_back('$');
      continue;
    }
    std::string name = tmpl.substr(p, q - p);
    i = brace ? q + 1 : q;
    int num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    int index = num;
    if (num < 0) {
      auto it = names.find(name);
      index = it == names.end() ? -1 : it->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size() &&
        groups[index].data() != nullptr) {
      out.append(groups[index]);
    }
  }
  if (i < tmpl.size()) out.append(tmpl, i, std::string::npos);
  return out;
}

struct LabelReplaceState {
  QueryContext* ctx;
  std::string dst, repl, src, regex_str;
  std::unique_ptr<RE2> re;
  std::map<std::string, int> names;
  std::unordered_map<LabelsRef, LabelsRef> cache;

  void Init() {
    RE2::Options opts;
    opts.set_log_errors(false);
    re = std::make_unique<RE2>("^(?:" + regex_str + ")$", opts);
    if (!re->ok()) ThrowExec("invalid regular expression in label_replace(): " + regex_str);
    if (!IsValidLabelName(dst)) {
      ThrowExec("invalid destination label name in label_replace(): " + dst);
    }
    names = re->NamedCapturingGroups();
  }

  LabelsRef Apply(LabelsRef m) {
    auto it = cache.find(m);
    if (it != cache.end()) return it->second;
    std::string_view src_val = m->labels().Get(src);
    const int n = re->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> pieces(n);
    LabelsRef result = m;
    if (re->Match(re2::StringPiece(src_val.data(), src_val.size()), 0, src_val.size(),
                  RE2::UNANCHORED, pieces.data(), n)) {
      std::vector<std::string_view> groups(n);
      for (int i = 0; i < n; ++i) {
        if (pieces[i].data() != nullptr)
          groups[i] = std::string_view(pieces[i].data(), pieces[i].size());
      }
      std::string res = Expand(repl, groups, names);
      LabelsBuilder b(m->labels());
      b.Del(dst);
      if (!res.empty()) b.Set(dst, res);
      result = ctx->pool.Intern(b.Build());
    }
    cache.emplace(m, result);
    return result;
  }

  void Step(StepArgs& a, IVector& out) {
    if (!re) Init();
    for (const ISample& s : a.vecs[0]) out.push_back({Apply(s.metric), s.v, 0, nullptr});
  }
};

struct LabelJoinState {
  QueryContext* ctx;
  std::string dst, sep;
  std::vector<std::string> srcs;
  std::unordered_map<LabelsRef, LabelsRef> cache;

  LabelsRef Apply(LabelsRef m) {
    auto it = cache.find(m);
    if (it != cache.end()) return it->second;
    std::string joined;
    for (size_t i = 0; i < srcs.size(); ++i) {
      if (i > 0) joined += sep;
      joined += m->labels().Get(srcs[i]);
    }
    LabelsBuilder b(m->labels());
    if (joined.empty()) {
      b.Del(dst);
    } else {
      b.Set(dst, joined);
    }
    LabelsRef r = ctx->pool.Intern(b.Build());
    cache.emplace(m, r);
    return r;
  }

  void Step(StepArgs& a, IVector& out) {
    for (const auto& s : srcs) {
      if (!IsValidLabelName(s)) ThrowExec("invalid source label name in label_join(): " + s);
    }
    if (!IsValidLabelName(dst)) {
      ThrowExec("invalid destination label name in label_join(): " + dst);
    }
    for (const ISample& s : a.vecs[0]) out.push_back({Apply(s.metric), s.v, 0, nullptr});
  }
};

}  // namespace

StepFn MakeLabelFunction(const parser::Call& call, QueryContext& ctx) {
  if (call.func->id == parser::FunctionId::kLabelReplace) {
    auto st = std::make_shared<LabelReplaceState>();
    st->ctx = &ctx;
    st->dst = StringArg(call, 1);
    st->repl = StringArg(call, 2);
    st->src = StringArg(call, 3);
    st->regex_str = StringArg(call, 4);
    return [st](StepArgs& a, IVector& out) { st->Step(a, out); };
  }
  auto st = std::make_shared<LabelJoinState>();
  st->ctx = &ctx;
  st->dst = StringArg(call, 1);
  st->sep = StringArg(call, 2);
  for (size_t i = 3; i < call.args.size(); ++i) st->srcs.push_back(StringArg(call, i));
  return [st](StepArgs& a, IVector& out) { st->Step(a, out); };
}

}  // namespace vigie::promql::internal
