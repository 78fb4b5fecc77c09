#include "net/gzip.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>

namespace vigie::net {
namespace {

constexpr int kGzipWindowBits = 15 + 16;     // 15-bit window, gzip wrapper
constexpr int kInflateWindowBits = 15 + 32;  // gzip or zlib, detected from the header

}  // namespace

struct GzipEncoder::State {
  z_stream z{};
  int level = 6;
  libdeflate_compressor* whole = nullptr;  // allocated on first CompressWhole
};

GzipEncoder::GzipEncoder(int level) : state_(std::make_unique<State>()) {
  deflateInit2(&state_->z, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY);
  state_->level = level < 0 ? 6 : std::clamp(level, 1, 9);  // zlib's default is 6
}

GzipEncoder::~GzipEncoder() {
  deflateEnd(&state_->z);
  if (state_->whole != nullptr) libdeflate_free_compressor(state_->whole);
}

void GzipEncoder::CompressWhole(std::string_view data, std::string* out) {
  if (state_->whole == nullptr) state_->whole = libdeflate_alloc_compressor(state_->level);
  if (state_->whole == nullptr) {  // out of memory: the streaming path still works
    Reset();
    Write(data, false, out);
    Finish(out);
    return;
  }
  size_t old = out->size();
  size_t bound = libdeflate_gzip_compress_bound(state_->whole, data.size());
  out->resize(old + bound);
  size_t n =
      libdeflate_gzip_compress(state_->whole, data.data(), data.size(), out->data() + old, bound);
  out->resize(old + n);  // n > 0: the buffer holds the bound
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
