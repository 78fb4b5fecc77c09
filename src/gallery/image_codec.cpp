#include "gallery/image_codec.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "gallery/vips_loader.h"

namespace vigie::gallery {

namespace {

std::string TakeBuffer(const VipsApi& v, void* buf, size_t len) {
  std::string out(static_cast<const char*>(buf), len);
  v.free(buf);
  return out;
}

std::string VipsErrorText(const VipsApi& v) {
  std::string e = v.error_buffer();
  v.error_clear();
  while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
  return e;
}

}  // namespace

std::string_view ContentTypeOf(ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg:
      return "image/jpeg";
    case ImageFormat::kPng:
      return "image/png";
    case ImageFormat::kWebp:
      return "image/webp";
  }
  return "application/octet-stream";
}

std::string_view ExtensionOf(ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg:
      return "jpg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
  }
  return "bin";
}

Status InitImageCodec() {
  auto v = Vips();
  if (!v.ok()) return v.error();
  return OkStatus();
}

Result<ImageInfo> InspectImage(std::string_view bytes) {
  VIGIE_ASSIGN_OR_RETURN(const VipsApi* vp, Vips());
  const VipsApi& v = *vp;
  ImageInfo info{};
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
    info.format = ImageFormat::kJpeg;
  } else if (bytes.size() >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) {
    info.format = ImageFormat::kPng;
  } else if (bytes.size() >= 12 && std::memcmp(b, "RIFF", 4) == 0 &&
             std::memcmp(b + 8, "WEBP", 4) == 0) {
    info.format = ImageFormat::kWebp;
  } else {
    return InvalidArgument("not a JPEG, PNG or WebP image");
  }
  // Decode fully (fail="true" turns warnings about truncated data into errors).
  VipsImage* img = v.image_new_from_buffer(bytes.data(), bytes.size(), "", "fail", TRUE, NULL);
  if (!img) {
    return InvalidArgument(std::string("image does not decode: ") + VipsErrorText(v));
  }
  info.width = v.image_get_width(img);
  info.height = v.image_get_height(img);
  double avg = 0;
  int rc = v.avg(img, &avg, NULL);  // forces the pixels through the decoder
  v.object_unref(img);
  if (rc != 0) return InvalidArgument(std::string("image does not decode: ") + VipsErrorText(v));
  return info;
}

Result<std::string> RenderThumbnail(std::string_view bytes, int size) {
  VIGIE_ASSIGN_OR_RETURN(const VipsApi* vp, Vips());
  const VipsApi& v = *vp;
  if (size < 1 || size > 4096) return InvalidArgument("thumbnail size must be 1..4096");
  VipsImage* thumb = nullptr;
  if (v.thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &thumb, size, "size",
                         VIPS_SIZE_DOWN, NULL) != 0) {
    return InvalidArgument("cannot make a thumbnail: " + VipsErrorText(v));
  }
  void* buf = nullptr;
  size_t len = 0;
  int rc = v.jpegsave_buffer(thumb, &buf, &len, "Q", 80, "strip", TRUE, NULL);
  v.object_unref(thumb);
  if (rc != 0) return Internal("cannot encode a thumbnail: " + VipsErrorText(v));
  return TakeBuffer(v, buf, len);
}

Result<std::string> GenerateImage(uint64_t seed, int width, int height, ImageFormat format) {
  VIGIE_ASSIGN_OR_RETURN(const VipsApi* vp, Vips());
  const VipsApi& v = *vp;
  if (width < 8 || height < 8 || width > 8192 || height > 8192) {
    return InvalidArgument("generated image size must be 8..8192 pixels a side");
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  // Three colour planes, each a different mix of horizontal/vertical gradients and sine waves
  // with seed-dependent frequencies: every seed gives a visibly different picture.
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3);
  double fx[3], fy[3], ph[3], mix[3];
  for (int c = 0; c < 3; ++c) {
    fx[c] = 1 + unit(rng) * 12;
    fy[c] = 1 + unit(rng) * 12;
    ph[c] = unit(rng) * 6.28;
    mix[c] = unit(rng);
  }
  const double cx = unit(rng) * width, cy = unit(rng) * height;
  const double radius = (0.15 + unit(rng) * 0.3) * std::min(width, height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      double u = static_cast<double>(x) / width, v = static_cast<double>(y) / height;
      bool in_disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius;
      for (int c = 0; c < 3; ++c) {
        double wave = 0.5 + 0.5 * std::sin(fx[c] * u * 6.28 + fy[c] * v * 6.28 + ph[c]);
        double val = mix[c] * wave + (1 - mix[c]) * (c == 0 ? u : c == 1 ? v : 1 - u);
        if (in_disc) val = 1 - val;
        pixels[(static_cast<size_t>(y) * width + x) * 3 + c] =
            static_cast<unsigned char>(std::clamp(val, 0.0, 1.0) * 255);
      }
    }
  }
  VipsImage* img =
      v.image_new_from_memory(pixels.data(), pixels.size(), width, height, 3, VIPS_FORMAT_UCHAR);
  if (!img) return Internal("cannot build an image: " + VipsErrorText(v));
  void* buf = nullptr;
  size_t len = 0;
  int rc;
  switch (format) {
    case ImageFormat::kPng:
      rc = v.pngsave_buffer(img, &buf, &len, "compression", 3, NULL);
      break;
    case ImageFormat::kWebp:
      rc = v.webpsave_buffer(img, &buf, &len, "Q", 80, NULL);
      break;
    default:
      rc = v.jpegsave_buffer(img, &buf, &len, "Q", 85, NULL);
      break;
  }
  v.object_unref(img);
  if (rc != 0) return Internal("cannot encode a generated image: " + VipsErrorText(v));
  return TakeBuffer(v, buf, len);
}

}  // namespace vigie::gallery
