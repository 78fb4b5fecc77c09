#include "net/gzip.h"

#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include <algorithm>
#include <memory>

namespace vigie::net {
namespace {

constexpr int kGzipWindowBits = 15 + 16;     // 15-bit window, gzip wrapper
constexpr int kInflateWindowBits = 15 + 32;  // gzip or zlib, detected from the header

// ISA-L's levels run 0..3: zlib's 1 maps to its 1 (about 4x faster than zlib or libdeflate at
// level 1 on metric text, a few percent larger), 2..5 to 2 and 6..9 to 3.
int IsalLevel(int zlib_level) { return zlib_level <= 1 ? 1 : zlib_level <= 5 ? 2 : 3; }

// The level buffer holds hash tables and a token buffer that is flushed as a block when full.
// For level 1 the small size (84 KiB, against 276 KiB by default) gives the same output on a
// 430 kB scrape body at the same speed, and a scrape touches a third of the memory.
size_t IsalLevelBufSize(int isal_level) {
  switch (isal_level) {
    case 1:
      return ISAL_DEF_LVL1_SMALL;
    case 2:
      return ISAL_DEF_LVL2_DEFAULT;
    default:
      return ISAL_DEF_LVL3_DEFAULT;
  }
}

}  // namespace

struct GzipEncoder::State {
  z_stream z{};
  int level = 6;
  // ISA-L's hash tables and token buffer, allocated on first CompressWhole and left
  // uninitialised: only the part a body needs becomes resident.
  std::unique_ptr<uint8_t[]> isal_level_buf;
  size_t isal_level_buf_size = 0;
  // CompressWhole's output room, also left uninitialised and kept: sized for incompressible
  // input (~the body's size) while a metric body shrinks about 15x, so zero-filling it in `out`
  // would write far more memory than the compressed bytes.
  std::unique_ptr<uint8_t[]> room;
  size_t room_size = 0;
};

GzipEncoder::GzipEncoder(int level) : state_(std::make_unique<State>()) {
  deflateInit2(&state_->z, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY);
  state_->level = level < 0 ? 6 : std::clamp(level, 1, 9);  // zlib's default is 6
}

GzipEncoder::~GzipEncoder() { deflateEnd(&state_->z); }

void GzipEncoder::CompressWhole(std::string_view data, std::string* out) {
  // ISA-L counts in 32 bits; beyond that, or should the room not suffice, the streaming path.
  if (data.size() > UINT32_MAX / 2 || !CompressStateless(data, out)) {
    Reset();
    Write(data, false, out);
    Finish(out);
  }
}

bool GzipEncoder::CompressStateless(std::string_view data, std::string* out) {
  int level = IsalLevel(state_->level);
  if (state_->isal_level_buf == nullptr) {
    state_->isal_level_buf_size = IsalLevelBufSize(level);
    state_->isal_level_buf = std::make_unique_for_overwrite<uint8_t[]>(state_->isal_level_buf_size);
  }
  // Room for stored blocks (5 bytes per 64 KiB) and the header and trailer, with slack for
  // ISA-L's wide writes.
  size_t room = data.size() + data.size() / 64 + 1024;
  if (state_->room_size < room) {
    state_->room = std::make_unique_for_overwrite<uint8_t[]>(room);
    state_->room_size = room;
  }
  isal_zstream z;
  isal_deflate_stateless_init(&z);
  z.level = static_cast<uint32_t>(level);
  z.level_buf = state_->isal_level_buf.get();
  z.level_buf_size = static_cast<uint32_t>(state_->isal_level_buf_size);
  z.gzip_flag = IGZIP_GZIP;
  z.end_of_stream = 1;
  z.flush = NO_FLUSH;
  z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uint32_t>(data.size());
  z.next_out = state_->room.get();
  z.avail_out = static_cast<uint32_t>(room);
  if (isal_deflate_stateless(&z) != COMP_OK) return false;
  out->append(reinterpret_cast<const char*>(state_->room.get()), z.total_out);
  return true;
}

void GzipEncoder::Reset() { deflateReset(&state_->z); }

namespace {

void Deflate(z_stream& z, std::string_view in, int mode, std::string* out) {
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  while (true) {
    size_t old = out->size();
    size_t room = deflateBound(&z, z.avail_in) + 64;
    out->resize(old + room);
    z.next_out = reinterpret_cast<Bytef*>(out->data() + old);
    z.avail_out = static_cast<uInt>(room);
    int rc = deflate(&z, mode);
    out->resize(old + room - z.avail_out);
    if (rc == Z_STREAM_END) return;
    if (z.avail_in == 0 && z.avail_out != 0 && mode != Z_FINISH) return;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return;
  }
}

}  // namespace

void GzipEncoder::Write(std::string_view data, bool flush, std::string* out) {
  Deflate(state_->z, data, flush ? Z_SYNC_FLUSH : Z_NO_FLUSH, out);
}

void GzipEncoder::Finish(std::string* out) { Deflate(state_->z, {}, Z_FINISH, out); }

std::string GzipCompress(std::string_view data, int level) {
  GzipEncoder enc(level);
  std::string out;
  enc.CompressWhole(data, &out);
  return out;
}

struct GzipDecoder::State {
  z_stream z{};
  size_t max_output = 0;
  size_t total_out = 0;  // across members (inflateReset clears z.total_out)
  bool done = false;
};

GzipDecoder::GzipDecoder(size_t max_output) : state_(std::make_unique<State>()) {
  state_->max_output = max_output;
  inflateInit2(&state_->z, kInflateWindowBits);
}

GzipDecoder::~GzipDecoder() { inflateEnd(&state_->z); }

bool GzipDecoder::done() const { return state_->done; }

size_t GzipDecoder::total_out() const { return state_->total_out; }

Status GzipDecoder::Feed(std::string_view data, std::string* out) {
  z_stream& z = state_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  char buf[16384];
  while (z.avail_in > 0) {
    if (state_->done) {
      // Another member follows (RFC 1952 allows concatenation).
      inflateReset(&z);
      state_->done = false;
    }
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    int rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return Corruption(std::string("invalid gzip data: ") + (z.msg ? z.msg : "inflate failed"));
    }
    size_t produced = sizeof(buf) - z.avail_out;
    state_->total_out += produced;
    if (state_->total_out > state_->max_output) {
      return ResourceExhausted("decompressed body exceeds the limit of " +
                               std::to_string(state_->max_output) + " bytes");
    }
    out->append(buf, produced);
    if (rc == Z_STREAM_END) {
      state_->done = true;
    } else if (rc == Z_BUF_ERROR || (produced == 0 && z.avail_in == 0)) {
      break;
    }
  }
  return OkStatus();
}

Result<std::string> GzipDecompress(std::string_view data, size_t max_output) {
  GzipDecoder dec(max_output);
  std::string out;
  VIGIE_RETURN_IF_ERROR(dec.Feed(data, &out));
  if (!dec.done()) return Corruption("invalid gzip data: truncated input");
  return out;
}

}  // namespace vigie::net
