#include "load/png_writer.h"

#include <zlib.h>

#include <random>
#include <vector>

namespace vigie::load {

namespace {

void Be32(std::string* out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out->push_back(static_cast<char>((v >> s) & 0xFF));
}

void Chunk(std::string* out, const char* type, const std::string& data) {
  Be32(out, static_cast<uint32_t>(data.size()));
  std::string td = std::string(type, 4) + data;
  out->append(td);
  Be32(out, static_cast<uint32_t>(
                crc32(0, reinterpret_cast<const Bytef*>(td.data()), static_cast<uInt>(td.size()))));
}

}  // namespace

std::string MakePng(uint64_t seed, int width, int height) {
  std::mt19937_64 rng(seed);
  // Raw scanlines: filter byte 0 then RGB.
  std::vector<unsigned char> raw;
  raw.reserve(static_cast<size_t>(height) * (1 + width * 3));
  const int stripe = 4 + static_cast<int>(rng() % 16);
  const unsigned char base[3] = {static_cast<unsigned char>(rng()),
                                 static_cast<unsigned char>(rng()),
                                 static_cast<unsigned char>(rng())};
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);
    for (int x = 0; x < width; ++x) {
      bool on = ((x + y) / stripe) % 2 == 0;
      for (int c = 0; c < 3; ++c) {
        raw.push_back(static_cast<unsigned char>(on ? base[c] : base[c] ^ (rng() & 0x3F)));
      }
    }
  }
  uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
  std::string z(zlen, '\0');
  compress2(reinterpret_cast<Bytef*>(z.data()), &zlen, raw.data(), static_cast<uLong>(raw.size()),
            6);
  z.resize(zlen);

  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  Be32(&ihdr, static_cast<uint32_t>(width));
  Be32(&ihdr, static_cast<uint32_t>(height));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no filter, no interlace
  Chunk(&png, "IHDR", ihdr);
  Chunk(&png, "IDAT", z);
  Chunk(&png, "IEND", "");
  return png;
}

}  // namespace vigie::load
