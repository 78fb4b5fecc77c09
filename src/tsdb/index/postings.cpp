#include "tsdb/index/postings.h"

#include <algorithm>
#include <queue>

namespace vigie::tsdb::index {

Postings Intersect(const Postings& a, const Postings& b) {
  Postings out;
  out.reserve(std::min(a.size(), b.size()));
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Postings Subtract(const Postings& a, const Postings& b) {
  Postings out;
  out.reserve(a.size());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Postings Union(std::vector<Postings> lists) {
  std::erase_if(lists, [](const Postings& p) { return p.empty(); });
  if (lists.empty()) return {};
  if (lists.size() == 1) return std::move(lists[0]);
  if (lists.size() == 2) {
    Postings out;
    std::set_union(lists[0].begin(), lists[0].end(), lists[1].begin(), lists[1].end(),
                   std::back_inserter(out));
    return out;
  }
  // k-way merge with a heap of (value, list, position).
  using Item = std::tuple<uint64_t, size_t, size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
  size_t total = 0;
  for (size_t i = 0; i < lists.size(); ++i) {
    heap.emplace(lists[i][0], i, 0);
    total += lists[i].size();
  }
  Postings out;
  out.reserve(total);
  while (!heap.empty()) {
    auto [v, li, pos] = heap.top();
    heap.pop();
    if (out.empty() || out.back() != v) out.push_back(v);
    if (pos + 1 < lists[li].size()) heap.emplace(lists[li][pos + 1], li, pos + 1);
  }
  return out;
}

namespace {
// Union of postings of the values of m.name() for which Matches(v) == want.
Postings ValuesMatching(const PostingsReader& r, const storage::Matcher& m, bool want) {
  using storage::MatchType;
  if (want && m.type() == MatchType::kEqual) return r.PostingsFor(m.name(), m.value());
  if (!want && m.type() == MatchType::kNotEqual) return r.PostingsFor(m.name(), m.value());
  if (want && m.type() == MatchType::kRegexMatch && !m.SetMatches().empty()) {
    std::vector<Postings> lists;
    for (const auto& v : m.SetMatches()) lists.push_back(r.PostingsFor(m.name(), v));
    return Union(std::move(lists));
  }
  std::vector<Postings> lists;
  for (const auto& v : r.ValuesOf(m.name())) {
    if (m.Matches(v) == want) lists.push_back(r.PostingsFor(m.name(), v));
  }
  return Union(std::move(lists));
}
}  // namespace

Postings PostingsForMatchers(const PostingsReader& r, std::span<const storage::Matcher> ms) {
  std::vector<Postings> positive;
  std::vector<Postings> negative;
  for (const auto& m : ms) {
    if (m.MatchesEmpty()) {
      // Selects series without the label too: everything except the values it rejects.
      // A matcher that matches every value (e.g. =~".*") constrains nothing.
      negative.push_back(ValuesMatching(r, m, false));
    } else {
      positive.push_back(ValuesMatching(r, m, true));
    }
  }
  Postings result;
  if (positive.empty()) {
    result = r.AllPostings();
  } else {
    std::sort(positive.begin(), positive.end(),
              [](const Postings& a, const Postings& b) { return a.size() < b.size(); });
    result = std::move(positive[0]);
    for (size_t i = 1; i < positive.size() && !result.empty(); ++i) {
      result = Intersect(result, positive[i]);
    }
  }
  for (const auto& n : negative) {
    if (result.empty()) break;
    if (!n.empty()) result = Subtract(result, n);
  }
  return result;
}

}  // namespace vigie::tsdb::index
