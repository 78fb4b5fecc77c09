#include "instrument/family.h"

#include <xxhash.h>

#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "core/log.h"

namespace vigie::instrument {
namespace {

using Values = std::vector<std::string>;
using ValueViews = std::span<const std::string_view>;

// Chained XXH3 over the values: each value seeds the next, so ("ab","c") != ("a","bc").
template <typename Range>
size_t HashValues(const Range& values) {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (const auto& v : values) h = XXH3_64bits_withSeed(v.data(), v.size(), h);
  return static_cast<size_t>(h);
}

struct ValuesHash {
  using is_transparent = void;
  size_t operator()(const Values* v) const { return HashValues(*v); }
  size_t operator()(ValueViews v) const { return HashValues(v); }
};

bool SameValues(ValueViews a, const Values& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

struct ValuesEq {
  using is_transparent = void;
  bool operator()(const Values* a, const Values* b) const { return *a == *b; }
  bool operator()(ValueViews a, const Values* b) const { return SameValues(a, *b); }
  bool operator()(const Values* a, ValueViews b) const { return SameValues(b, *a); }
};

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len;
  uint32_t min;
  if ((c & 0xe0) == 0xc0) {
    len = 2, min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    len = 3, min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    len = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  uint32_t cp = c & (0x7f >> len);
  for (size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

// Replaces each invalid byte with U+FFFD so the exposition stays valid UTF-8.
std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out.append("\xef\xbf\xbd");
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace

struct FamilyBase::Index {
  struct Entry {
    Labels labels;  // const labels plus label_names=values, sorted, without __name__
    std::unique_ptr<ChildBase> child;
  };
  mutable std::shared_mutex mu;
  std::map<Values, Entry> children;  // owner; ordered as exposed
  std::unordered_map<const Values*, Entry*, ValuesHash, ValuesEq> by_values;
  std::unique_ptr<ChildBase> detached;  // target of calls with a wrong number of values
};

FamilyBase::FamilyBase(FamilyDesc desc, std::function<std::unique_ptr<ChildBase>()> make_child)
    : Collectable(std::move(desc)),
      index_(std::make_unique<Index>()),
      make_child_(std::move(make_child)) {
  // A family without labels exposes its single series (at 0) from the start.
  if (label_names().empty()) Lookup({});
}

FamilyBase::~FamilyBase() = default;

size_t FamilyBase::size() const {
  std::shared_lock lock(index_->mu);
  return index_->children.size();
}

ChildBase& FamilyBase::Lookup(ValueViews values) {
  {
    std::shared_lock lock(index_->mu);
    auto it = index_->by_values.find(values);
    if (it != index_->by_values.end()) return *it->second->child;
  }
  const auto& names = label_names();
  if (values.size() != names.size()) {
    if (!warned_.exchange(true)) {
      log::Warn("metric used with a wrong number of label values; updates are dropped",
                {{"metric", name()}, {"want", names.size()}, {"got", values.size()}});
    }
    std::unique_lock lock(index_->mu);
    if (!index_->detached) index_->detached = make_child_();
    return *index_->detached;
  }
  Values key;
  key.reserve(values.size());
  for (std::string_view v : values) {
    key.push_back(IsValidUtf8(v) ? std::string(v) : SanitizeUtf8(v));
  }
  std::unique_lock lock(index_->mu);
  auto [it, inserted] = index_->children.try_emplace(std::move(key));
  if (inserted) {
    std::vector<Label> labels = desc().const_labels.items();
    for (size_t i = 0; i < names.size(); ++i) labels.push_back({names[i], it->first[i]});
    it->second.labels = Labels::FromUnsorted(std::move(labels));
    it->second.child = make_child_();
    index_->by_values.emplace(&it->first, &it->second);
  }
  return *it->second.child;
}

Result<ChildBase*> FamilyBase::TryLookup(ValueViews values) {
  if (values.size() != label_names().size()) {
    return InvalidArgument("metric " + name() + ": got " + std::to_string(values.size()) +
                           " label values, want " + std::to_string(label_names().size()));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!IsValidUtf8(values[i])) {
      return InvalidArgument("metric " + name() + ": value of label " + label_names()[i] +
                             " is not valid UTF-8");
    }
  }
  return &Lookup(values);
}

bool FamilyBase::Remove(ValueViews values) {
  std::unique_lock lock(index_->mu);
  auto it = index_->by_values.find(values);
  if (it == index_->by_values.end()) return false;
  Values key = *it->first;
  index_->by_values.erase(it);
  index_->children.erase(key);
  return true;
}

void FamilyBase::Clear() {
  {
    std::unique_lock lock(index_->mu);
    index_->by_values.clear();
    index_->children.clear();
  }
  if (label_names().empty()) Lookup({});
}

void FamilyBase::ForEachChild(
    const std::function<void(const Labels&, const ChildBase&)>& fn) const {
  std::shared_lock lock(index_->mu);
  for (const auto& [values, entry] : index_->children) fn(entry.labels, *entry.child);
}

}  // namespace vigie::instrument
