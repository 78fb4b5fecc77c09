// The head's postings index: label pair -> sorted series refs. Readers take a shared lock and
// copy what they need; adds and deletes take the exclusive lock.
#pragma once

#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "tsdb/index/postings.h"
#include "tsdb/packed_labels.h"

namespace vigie::tsdb {

class MemPostings final : public index::PostingsReader {
 public:
  void Add(uint64_t ref, const PackedLabels& labels);
  // Removes refs (sorted) whose labels are given alongside.
  void Delete(const std::vector<std::pair<uint64_t, const PackedLabels*>>& series);

  index::Postings PostingsFor(const std::string& name, const std::string& value) const override;
  std::vector<std::string> ValuesOf(const std::string& name) const override;
  index::Postings AllPostings() const override;
  std::vector<std::string> Names() const;

 private:
  static void InsertSorted(index::Postings& p, uint64_t ref);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::unordered_map<std::string, index::Postings>> m_;
  index::Postings all_;
};

}  // namespace vigie::tsdb
