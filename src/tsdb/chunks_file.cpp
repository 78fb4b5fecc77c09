#include "tsdb/chunks_file.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "tsdb/chunkenc/scaled_int.h"
#include "tsdb/chunkenc/xor.h"
#include "tsdb/crc32c.h"
#include "tsdb/encoding.h"

namespace vigie::tsdb {

std::string ChunkFileName(int seq) {
  char b[16];
  std::snprintf(b, sizeof b, "%06d", seq + 1);
  return b;
}

Status ChunksWriter::FlushBuf() {
  if (buf_.empty()) return OkStatus();
  VIGIE_RETURN_IF_ERROR(file_->Append(buf_));
  buf_.clear();
  return OkStatus();
}

Status ChunksWriter::Cut() {
  if (file_) VIGIE_RETURN_IF_ERROR(Close());
  ++seq_;
  VIGIE_RETURN_IF_ERROR(fs_.MkdirAll(dir_));
  VIGIE_ASSIGN_OR_RETURN(file_, fs_.OpenWritable(fs::Join(dir_, ChunkFileName(seq_)), true));
  EncBuf h;
  h.PutBE32(kChunksMagic);
  h.PutByte(1);
  h.PutBytes(std::string_view("\0\0\0", 3));
  buf_ = h.str();
  offset_ = kChunksHeaderSize;
  total_ += kChunksHeaderSize;
  return OkStatus();
}

Result<uint64_t> ChunksWriter::Write(std::span<const uint8_t> data, uint8_t encoding) {
  size_t need = 10 + 1 + data.size() + 4;
  if (!file_ || offset_ + need > segment_size_) VIGIE_RETURN_IF_ERROR(Cut());
  uint64_t ref = (static_cast<uint64_t>(seq_) << 32) | offset_;
  EncBuf b;
  b.PutUvarint(data.size());
  size_t start = b.size();
  b.PutByte(encoding);
  b.PutBytes(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  uint32_t crc = Crc32c(0, b.str().data() + start, b.size() - start);
  b.PutBE32(crc);
  buf_ += b.str();
  offset_ += b.size();
  total_ += b.size();
  if (buf_.size() >= (1 << 20)) VIGIE_RETURN_IF_ERROR(FlushBuf());
  return ref;
}

Status ChunksWriter::Close() {
  if (!file_) return OkStatus();
  VIGIE_RETURN_IF_ERROR(FlushBuf());
  VIGIE_RETURN_IF_ERROR(file_->Sync());
  VIGIE_RETURN_IF_ERROR(file_->Close());
  file_.reset();
  return OkStatus();
}

Result<std::unique_ptr<ChunksReader>> ChunksReader::Open(fs::FileSystem& fs,
                                                         const std::string& dir) {
  VIGIE_ASSIGN_OR_RETURN(auto entries, fs.ListDir(dir));
  std::vector<int> seqs;
  for (const auto& e : entries) {
    int v = 0;
    auto [p, ec] = std::from_chars(e.name.data(), e.name.data() + e.name.size(), v);
    if (ec == std::errc() && p == e.name.data() + e.name.size() && e.name.size() == 6 && v > 0) {
      seqs.push_back(v - 1);
    }
  }
  std::sort(seqs.begin(), seqs.end());
  auto r = std::unique_ptr<ChunksReader>(new ChunksReader());
  r->dir_ = dir;
  for (size_t i = 0; i < seqs.size(); ++i) {
    if (seqs[i] != static_cast<int>(i)) {
      return Corruption(dir + ": chunk file " + ChunkFileName(static_cast<int>(i)) + " is missing");
    }
    auto path = fs::Join(dir, ChunkFileName(seqs[i]));
    VIGIE_ASSIGN_OR_RETURN(auto f, MappedFile::Open(fs, path));
    DecBuf d(f->bytes());
    uint32_t magic = d.BE32();
    uint8_t version = d.Byte();
    if (!d.ok() || magic != kChunksMagic || version != 1) {
      return Corruption(path + ": not a chunks file (bad magic or version)");
    }
    r->files_.push_back(std::move(f));
  }
  return r;
}

Result<ChunksReader::ChunkData> ChunksReader::Chunk(uint64_t ref, bool verify) const {
  size_t seq = ref >> 32;
  uint64_t off = ref & 0xffffffffULL;
  if (seq >= files_.size()) return Corruption(dir_ + ": chunk reference to a missing file");
  auto bytes = files_[seq]->bytes();
  if (off < kChunksHeaderSize || off >= bytes.size()) {
    return Corruption(dir_ + ": chunk reference beyond the end of " +
                      ChunkFileName(static_cast<int>(seq)));
  }
  DecBuf d(bytes.subspan(off));
  uint64_t len = d.Uvarint();
  const uint8_t* enc_start = d.data();
  uint8_t enc = d.Byte();
  auto data = d.Bytes(len);
  uint32_t crc = d.BE32();
  if (!d.ok()) return Corruption(dir_ + ": chunk at " + std::to_string(off) + " is truncated");
  if (enc != static_cast<uint8_t>(chunkenc::Encoding::kXOR) &&
      enc != chunkenc::kScaledIntEncoding) {
    return Corruption(dir_ + ": unknown chunk encoding " + std::to_string(enc));
  }
  if (verify && Crc32c(0, enc_start, len + 1) != crc) {
    return Corruption(dir_ + ": chunk at " + std::to_string(off) + " fails its checksum");
  }
  return ChunkData{data, enc};
}

uint64_t ChunksReader::size() const {
  uint64_t n = 0;
  for (const auto& f : files_) n += f->size();
  return n;
}

}  // namespace vigie::tsdb
