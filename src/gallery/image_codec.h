// Image decoding, thumbnails and procedural images, on libvips (loaded at run time, see
// vips_loader.h). Uploads are validated by decoding their header (never by file name);
// thumbnails are JPEG.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vigie::gallery {

enum class ImageFormat { kJpeg, kPng, kWebp };

struct ImageInfo {
  ImageFormat format;
  int width = 0;
  int height = 0;
};

std::string_view ContentTypeOf(ImageFormat f);
std::string_view ExtensionOf(ImageFormat f);

// Loads and starts libvips once per process (thread-safe, idempotent). Returns an error if it
// cannot (e.g. libvips.so.42 is not installed); every function below returns that error too.
Status InitImageCodec();

// Identifies JPEG, PNG or WebP by content and checks that the image decodes.
// Errors (kInvalidArgument) say why, e.g. "not a JPEG, PNG or WebP image".
Result<ImageInfo> InspectImage(std::string_view bytes);

// A JPEG whose longer side is at most `size` pixels (aspect kept; never upscaled).
Result<std::string> RenderThumbnail(std::string_view bytes, int size);

// A distinct image for `seed` (gradients and shapes), encoded as JPEG or PNG; no input needed.
Result<std::string> GenerateImage(uint64_t seed, int width, int height, ImageFormat format);

}  // namespace vigie::gallery
