#include <algorithm>
#include <map>

#include "tsdb/crc32c.h"
#include "tsdb/encoding.h"
#include "tsdb/index/index.h"

namespace vigie::tsdb::index {

namespace {
class Out {
 public:
  explicit Out(std::unique_ptr<fs::WritableFile> f) : f_(std::move(f)) {}
  uint64_t pos() const { return written_ + buf_.size(); }
  void Add(std::string_view b) { buf_.append(b); }
  Status MaybeFlush() {
    if (buf_.size() < (1 << 20)) return OkStatus();
    return Flush();
  }
  Status Flush() {
    VIGIE_RETURN_IF_ERROR(f_->Append(buf_));
    written_ += buf_.size();
    buf_.clear();
    return OkStatus();
  }
  void PadTo(uint64_t align) {
    while (pos() % align != 0) buf_.push_back('\0');
  }
  Status Close() {
    VIGIE_RETURN_IF_ERROR(Flush());
    VIGIE_RETURN_IF_ERROR(f_->Sync());
    return f_->Close();
  }

 private:
  std::unique_ptr<fs::WritableFile> f_;
  std::string buf_;
  uint64_t written_ = 0;
};

// len(4) | content | crc32c(content)
void Section(Out& out, const std::string& content) {
  EncBuf b;
  b.PutBE32(static_cast<uint32_t>(content.size()));
  b.PutBytes(content);
  b.PutBE32(Crc32c(content));
  out.Add(b.str());
}
}  // namespace

Status WriteIndex(fs::FileSystem& fs, const std::string& path,
                  const std::vector<SeriesEntry>& series) {
  VIGIE_ASSIGN_OR_RETURN(auto f, fs.OpenWritable(path, true));
  Out out(std::move(f));
  EncBuf hdr;
  hdr.PutBE32(kIndexMagic);
  hdr.PutByte(kIndexVersion);
  out.Add(hdr.str());

  // Symbols: every name and value, sorted.
  std::vector<std::string_view> syms;
  for (const auto& s : series) {
    for (const auto& l : s.labels) {
      syms.push_back(l.name);
      syms.push_back(l.value);
    }
  }
  std::sort(syms.begin(), syms.end());
  syms.erase(std::unique(syms.begin(), syms.end()), syms.end());
  auto sym_index = [&](std::string_view s) {
    return static_cast<uint64_t>(std::lower_bound(syms.begin(), syms.end(), s) - syms.begin());
  };
  uint64_t symbols_off = out.pos();
  {
    EncBuf b;
    b.PutBE32(static_cast<uint32_t>(syms.size()));
    for (auto s : syms) b.PutString(s);
    Section(out, b.str());
  }

  // Series, each 16-byte aligned; id = offset / 16. Postings are collected on the way.
  out.PadTo(16);
  uint64_t series_off = out.pos();
  std::map<std::pair<std::string_view, std::string_view>, std::vector<uint32_t>> postings;
  std::vector<uint32_t> all;
  all.reserve(series.size());
  EncBuf b;
  for (const auto& s : series) {
    out.PadTo(16);
    uint64_t id = out.pos() / 16;
    if (id > UINT32_MAX) return InvalidArgument("index too large: more than 64 GiB of series");
    b.Reset();
    b.PutUvarint(s.labels.size());
    for (const auto& l : s.labels) {
      b.PutUvarint(sym_index(l.name));
      b.PutUvarint(sym_index(l.value));
      postings[{l.name, l.value}].push_back(static_cast<uint32_t>(id));
    }
    all.push_back(static_cast<uint32_t>(id));
    b.PutUvarint(s.chunks.size());
    int64_t prev_maxt = 0;
    uint64_t prev_ref = 0;
    for (size_t i = 0; i < s.chunks.size(); ++i) {
      const auto& c = s.chunks[i];
      if (i == 0) {
        b.PutVarint(c.mint);
        b.PutUvarint(static_cast<uint64_t>(c.maxt - c.mint));
        b.PutUvarint(c.ref);
      } else {
        b.PutUvarint(static_cast<uint64_t>(c.mint - prev_maxt));
        b.PutUvarint(static_cast<uint64_t>(c.maxt - c.mint));
        b.PutVarint(static_cast<int64_t>(c.ref - prev_ref));
      }
      prev_maxt = c.maxt;
      prev_ref = c.ref;
    }
    EncBuf e;
    e.PutUvarint(b.size());
    e.PutBytes(b.str());
    e.PutBE32(Crc32c(b.str()));
    out.Add(e.str());
    VIGIE_RETURN_IF_ERROR(out.MaybeFlush());
  }

  // Postings lists: the list of all series first (under the empty pair), then by label pair.
  out.PadTo(4);
  uint64_t postings_off = out.pos();
  std::vector<std::tuple<std::string_view, std::string_view, uint64_t>> table;
  auto write_list = [&](std::string_view n, std::string_view v, const std::vector<uint32_t>& ids) {
    out.PadTo(4);
    table.emplace_back(n, v, out.pos());
    EncBuf p;
    p.PutBE32(static_cast<uint32_t>(ids.size()));
    for (uint32_t id : ids) p.PutBE32(id);
    Section(out, p.str());
  };
  write_list("", "", all);
  for (const auto& [pair, ids] : postings) {
    write_list(pair.first, pair.second, ids);
    VIGIE_RETURN_IF_ERROR(out.MaybeFlush());
  }

  uint64_t table_off = out.pos();
  {
    EncBuf t;
    t.PutBE32(static_cast<uint32_t>(table.size()));
    for (const auto& [n, v, off] : table) {
      t.PutString(n);
      t.PutString(v);
      t.PutUvarint(off);
    }
    Section(out, t.str());
  }

  EncBuf toc;
  toc.PutBE64(symbols_off);
  toc.PutBE64(series_off);
  toc.PutBE64(postings_off);
  toc.PutBE64(table_off);
  uint32_t crc = Crc32c(toc.str());
  toc.PutBE32(crc);
  out.Add(toc.str());
  return out.Close();
}

}  // namespace vigie::tsdb::index
