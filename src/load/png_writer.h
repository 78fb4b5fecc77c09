// A small valid PNG made from a seed (noise and stripes), so emulated users can upload
// distinct images without any image library.
#pragma once

#include <cstdint>
#include <string>

namespace vigie::load {

std::string MakePng(uint64_t seed, int width, int height);

}  // namespace vigie::load
