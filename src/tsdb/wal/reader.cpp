#include <algorithm>

#include "core/log.h"
#include "tsdb/crc32c.h"
#include "tsdb/wal/wal.h"

namespace vigie::tsdb::wal {

Reader::Reader(fs::FileSystem& fs, std::string dir, std::vector<int> segments)
    : fs_(fs), dir_(std::move(dir)), segments_(std::move(segments)) {}

bool Reader::Fail(std::string msg) {
  err_ = Corruption("WAL " + fs::Join(dir_, SegmentName(segments_[cur_seg_])) + " at offset " +
                    std::to_string(pos_) + ": " + msg);
  done_ = true;
  return false;
}

bool Reader::LoadSegment() {
  auto f = MappedFile::Open(fs_, fs::Join(dir_, SegmentName(segments_[cur_seg_])));
  if (!f.ok()) {
    err_ = f.error();
    done_ = true;
    return false;
  }
  file_ = std::move(f).value();
  data_ = std::string_view(reinterpret_cast<const char*>(file_->bytes().data()), file_->size());
  pos_ = 0;
  good_offset_ = 0;
  loaded_ = true;
  return true;
}

bool Reader::Next() {
  if (done_) return false;
  rec_.clear();
  bool in_record = false;
  while (true) {
    if (!loaded_) {
      if (cur_seg_ >= segments_.size()) {
        done_ = true;
        return false;
      }
      if (!LoadSegment()) return false;
    }
    if (pos_ >= data_.size()) {
      if (in_record) return Fail("record cut off at the end of the segment");
      ++cur_seg_;
      loaded_ = false;
      continue;
    }
    size_t page_off = pos_ % kPageSize;
    size_t page_end = pos_ - page_off + kPageSize;
    if (kPageSize - page_off <= kRecordHeaderSize) {
      pos_ = page_end;  // padding too short for a header
      continue;
    }
    auto type = static_cast<uint8_t>(data_[pos_]);
    if (type == 0) {
      // Padding to the end of the page: must be all zeros.
      size_t end = std::min(page_end, data_.size());
      for (size_t i = pos_; i < end; ++i) {
        if (data_[i] != 0) return Fail("non-zero bytes in page padding");
      }
      if (in_record) return Fail("padding inside a fragmented record");
      pos_ = end;
      continue;
    }
    if (pos_ + kRecordHeaderSize > data_.size()) return Fail("truncated record header");
    auto u8 = [&](size_t i) {
      return static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i]));
    };
    size_t len = (u8(1) << 8) | u8(2);
    uint32_t crc = (u8(3) << 24) | (u8(4) << 16) | (u8(5) << 8) | u8(6);
    if (page_off + kRecordHeaderSize + len > kPageSize) return Fail("record crosses a page");
    if (pos_ + kRecordHeaderSize + len > data_.size()) return Fail("truncated record");
    std::string_view frag(data_.data() + pos_ + kRecordHeaderSize, len);
    if (Crc32c(0, frag.data(), frag.size()) != crc) return Fail("checksum mismatch");
    switch (type & 0x7) {
      case 1:  // full
        if (in_record) return Fail("full record inside a fragmented one");
        rec_.assign(frag);
        break;
      case 2:  // first
        if (in_record) return Fail("first fragment inside a fragmented record");
        rec_.assign(frag);
        in_record = true;
        break;
      case 3:  // middle
        if (!in_record) return Fail("middle fragment without a first one");
        rec_.append(frag);
        break;
      case 4:  // last
        if (!in_record) return Fail("last fragment without a first one");
        rec_.append(frag);
        in_record = false;
        break;
      default:
        return Fail("unknown record type " + std::to_string(type));
    }
    pos_ += kRecordHeaderSize + len;
    if (!in_record) {
      good_offset_ = pos_;
      return true;
    }
  }
}

Status Repair(fs::FileSystem& fs, const std::string& dir, int segment, uint64_t good_offset) {
  auto path = fs::Join(dir, SegmentName(segment));
  VIGIE_ASSIGN_OR_RETURN(uint64_t size, fs.FileSize(path));
  VIGIE_ASSIGN_OR_RETURN(auto segs, ListSegments(fs, dir));
  uint64_t dropped = size > good_offset ? size - good_offset : 0;
  int later = 0;
  for (int s : segs) {
    if (s <= segment) continue;
    VIGIE_ASSIGN_OR_RETURN(uint64_t n, fs.FileSize(fs::Join(dir, SegmentName(s))));
    dropped += n;
    ++later;
    VIGIE_RETURN_IF_ERROR(fs.Remove(fs::Join(dir, SegmentName(s))));
  }
  VIGIE_RETURN_IF_ERROR(fs.Truncate(path, good_offset));
  VIGIE_RETURN_IF_ERROR(fs.SyncDir(dir));
  log::Warn("repaired damaged WAL: dropped everything after the last good record",
            {{"segment", path},
             {"offset", good_offset},
             {"bytes_dropped", dropped},
             {"later_segments_removed", later}});
  return OkStatus();
}

}  // namespace vigie::tsdb::wal
