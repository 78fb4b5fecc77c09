// A block's index file (see docs/format/index.md): a symbol table, the series (labels as
// symbol references + chunk metas) in label order, postings lists per label pair, a postings
// offset table and a table of contents. Every section carries a CRC32C.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/fs.h"
#include "core/labels.h"
#include "core/result.h"
#include "tsdb/index/postings.h"
#include "tsdb/mapped_file.h"

namespace vigie::tsdb::index {

inline constexpr uint32_t kIndexMagic = 0x76494458;  // "vIDX"
inline constexpr uint8_t kIndexVersion = 1;

struct ChunkMeta {
  int64_t mint = 0;
  int64_t maxt = 0;
  uint64_t ref = 0;  // into the block's chunk files
};

struct SeriesEntry {
  Labels labels;
  std::vector<ChunkMeta> chunks;  // ordered by time
};

// Writes the index for `series`, which must be sorted by labels with unique label sets.
Status WriteIndex(fs::FileSystem& fs, const std::string& path,
                  const std::vector<SeriesEntry>& series);

class IndexReader final : public PostingsReader {
 public:
  // Validates the header, the table of contents and the CRCs of the symbol and postings
  // offset tables; a damaged file is a kCorruption error naming it.
  static Result<std::unique_ptr<IndexReader>> Open(fs::FileSystem& fs, const std::string& path);

  Postings PostingsFor(const std::string& name, const std::string& value) const override;
  std::vector<std::string> ValuesOf(const std::string& name) const override;
  Postings AllPostings() const override;
  std::vector<std::string> LabelNames() const;

  // Reads series `id` (a posting). Checks its CRC.
  Status Series(uint64_t id, Labels* labels, std::vector<ChunkMeta>* chunks) const;
  uint64_t size() const { return file_->size(); }

 private:
  IndexReader() = default;
  Result<std::string_view> Symbol(uint64_t i) const;
  Postings ReadPostings(uint64_t offset) const;

  std::shared_ptr<MappedFile> file_;
  std::string path_;
  std::vector<std::string_view> symbols_;
  std::unordered_map<std::string, std::vector<std::pair<std::string_view, uint64_t>>> table_;
  uint64_t all_postings_offset_ = 0;
};

}  // namespace vigie::tsdb::index
