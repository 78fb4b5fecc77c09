#include <algorithm>

#include "tsdb/crc32c.h"
#include "tsdb/encoding.h"
#include "tsdb/index/index.h"

namespace vigie::tsdb::index {

namespace {
constexpr size_t kTocSize = 4 * 8 + 4;

// Reads a len | content | crc section at `off`; returns its content.
Result<std::span<const uint8_t>> ReadSection(std::span<const uint8_t> file, uint64_t off,
                                             const std::string& what) {
  if (off + 4 > file.size()) return Corruption(what + " starts beyond the end of the file");
  DecBuf d(file.subspan(off));
  uint32_t len = d.BE32();
  auto content = d.Bytes(len);
  uint32_t crc = d.BE32();
  if (!d.ok()) return Corruption(what + " is truncated");
  if (Crc32c(0, content.data(), content.size()) != crc)
    return Corruption(what + " fails its checksum");
  return content;
}
}  // namespace

Result<std::unique_ptr<IndexReader>> IndexReader::Open(fs::FileSystem& fs,
                                                       const std::string& path) {
  std::unique_ptr<IndexReader> r(new IndexReader());
  r->path_ = path;
  VIGIE_ASSIGN_OR_RETURN(r->file_, MappedFile::Open(fs, path));
  auto b = r->file_->bytes();
  auto bad = [&](const std::string& m) { return Corruption("index " + path + ": " + m); };
  if (b.size() < 5 + kTocSize) return bad("file too short");
  DecBuf h(b);
  if (h.BE32() != kIndexMagic || h.Byte() != kIndexVersion) return bad("bad magic or version");
  DecBuf toc(b.subspan(b.size() - kTocSize));
  uint64_t sym_off = toc.BE64();
  toc.BE64();  // series offset (series are addressed by id)
  toc.BE64();  // postings start
  uint64_t table_off = toc.BE64();
  uint32_t crc = toc.BE32();
  if (Crc32c(0, b.data() + b.size() - kTocSize, kTocSize - 4) != crc) {
    return bad("table of contents fails its checksum");
  }
  auto syms = ReadSection(b, sym_off, "index " + path + ": symbol table");
  if (!syms.ok()) return syms.error();
  DecBuf sd(*syms);
  uint32_t n = sd.BE32();
  r->symbols_.reserve(n);
  for (uint32_t i = 0; i < n && sd.ok(); ++i) r->symbols_.push_back(sd.String());
  if (!sd.ok()) return bad("symbol table is malformed");

  auto tab = ReadSection(b, table_off, "index " + path + ": postings offset table");
  if (!tab.ok()) return tab.error();
  DecBuf td(*tab);
  uint32_t entries = td.BE32();
  for (uint32_t i = 0; i < entries && td.ok(); ++i) {
    auto name = td.String();
    auto value = td.String();
    uint64_t off = td.Uvarint();
    if (i == 0 && name.empty() && value.empty()) {
      r->all_postings_offset_ = off;
      continue;
    }
    r->table_[std::string(name)].emplace_back(value, off);
  }
  if (!td.ok()) return bad("postings offset table is malformed");
  return r;
}

Postings IndexReader::ReadPostings(uint64_t offset) const {
  auto content = ReadSection(file_->bytes(), offset, "postings");
  if (!content.ok()) return {};
  DecBuf d(*content);
  uint32_t n = d.BE32();
  Postings out;
  out.reserve(n);
  for (uint32_t i = 0; i < n && d.ok(); ++i) out.push_back(d.BE32());
  return out;
}

Postings IndexReader::PostingsFor(const std::string& name, const std::string& value) const {
  auto it = table_.find(name);
  if (it == table_.end()) return {};
  const auto& vals = it->second;
  auto v = std::lower_bound(vals.begin(), vals.end(), std::string_view(value),
                            [](const auto& e, std::string_view x) { return e.first < x; });
  if (v == vals.end() || v->first != value) return {};
  return ReadPostings(v->second);
}

std::vector<std::string> IndexReader::ValuesOf(const std::string& name) const {
  auto it = table_.find(name);
  if (it == table_.end()) return {};
  std::vector<std::string> out;
  out.reserve(it->second.size());
  for (const auto& [v, _] : it->second) out.emplace_back(v);
  return out;
}

Postings IndexReader::AllPostings() const { return ReadPostings(all_postings_offset_); }

std::vector<std::string> IndexReader::LabelNames() const {
  std::vector<std::string> out;
  for (const auto& [n, _] : table_) out.push_back(n);
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string_view> IndexReader::Symbol(uint64_t i) const {
  if (i >= symbols_.size()) return Corruption("index " + path_ + ": symbol reference out of range");
  return symbols_[i];
}

Status IndexReader::Series(uint64_t id, Labels* labels, std::vector<ChunkMeta>* chunks) const {
  auto b = file_->bytes();
  uint64_t off = id * 16;
  auto bad = [&](const std::string& m) {
    return Corruption("index " + path_ + ": series " + std::to_string(id) + ": " + m);
  };
  if (off >= b.size()) return bad("beyond the end of the file");
  DecBuf d(b.subspan(off));
  uint64_t len = d.Uvarint();
  auto content = d.Bytes(len);
  uint32_t crc = d.BE32();
  if (!d.ok()) return bad("truncated");
  if (Crc32c(0, content.data(), content.size()) != crc) return bad("fails its checksum");
  DecBuf s(content);
  uint64_t nl = s.Uvarint();
  std::vector<Label> ls;
  ls.reserve(nl);
  for (uint64_t i = 0; i < nl && s.ok(); ++i) {
    VIGIE_ASSIGN_OR_RETURN(auto n, Symbol(s.Uvarint()));
    VIGIE_ASSIGN_OR_RETURN(auto v, Symbol(s.Uvarint()));
    ls.push_back({std::string(n), std::string(v)});
  }
  *labels = Labels::FromSorted(std::move(ls));
  uint64_t nc = s.Uvarint();
  chunks->clear();
  if (!s.ok() || nc > s.remaining()) return bad("malformed");
  chunks->reserve(nc);
  int64_t prev_maxt = 0;
  uint64_t prev_ref = 0;
  for (uint64_t i = 0; i < nc && s.ok(); ++i) {
    ChunkMeta c;
    if (i == 0) {
      c.mint = s.Varint();
      c.maxt = c.mint + static_cast<int64_t>(s.Uvarint());
      c.ref = s.Uvarint();
    } else {
      c.mint = prev_maxt + static_cast<int64_t>(s.Uvarint());
      c.maxt = c.mint + static_cast<int64_t>(s.Uvarint());
      c.ref = prev_ref + static_cast<uint64_t>(s.Varint());
    }
    prev_maxt = c.maxt;
    prev_ref = c.ref;
    chunks->push_back(c);
  }
  if (!s.ok()) return bad("malformed chunk metas");
  return OkStatus();
}

}  // namespace vigie::tsdb::index
