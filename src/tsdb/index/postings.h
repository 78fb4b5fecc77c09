// Postings: sorted lists of series ids, and the set algebra that turns label matchers into
// them (Prometheus semantics: a matcher that matches "" also selects series without the label).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "storage/matcher.h"

namespace vigie::tsdb::index {

using Postings = std::vector<uint64_t>;  // strictly increasing

Postings Intersect(const Postings& a, const Postings& b);
Postings Union(std::vector<Postings> lists);
// a minus b
Postings Subtract(const Postings& a, const Postings& b);

// What PostingsForMatchers needs from an index (the head's or a block's).
class PostingsReader {
 public:
  virtual ~PostingsReader() = default;
  // Series with label name=value (empty if none).
  virtual Postings PostingsFor(const std::string& name, const std::string& value) const = 0;
  // Sorted distinct values of `name` across all series.
  virtual std::vector<std::string> ValuesOf(const std::string& name) const = 0;
  // Every series.
  virtual Postings AllPostings() const = 0;
};

// Series satisfying all matchers. With no matchers: all series.
Postings PostingsForMatchers(const PostingsReader& r, std::span<const storage::Matcher> ms);

}  // namespace vigie::tsdb::index
