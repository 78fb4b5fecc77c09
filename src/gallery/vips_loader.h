// libvips, loaded at run time. Only `vigie gallery` (and `vigie demo`'s gallery replicas) decode
// images; linking libvips into the one `vigie` binary would make every subcommand map and
// relocate its ~100 dependent shared libraries at start (16 MiB of the agent's resident memory).
// So the binary does not link it: the first image operation dlopen()s libvips.so.42 and resolves
// the handful of vips/glib functions the gallery calls into one table.
//
// Private to src/gallery (it includes the vips headers, compiled with vips' cflags only, for the
// types, enums and exact function signatures).
#pragma once

#include <vips/vips.h>

#include <memory>

#include "core/result.h"

namespace vigie::gallery {

// The library the loader opens: the soname of libvips 8.x (Debian's libvips42).
inline constexpr const char* kVipsLibrary = "libvips.so.42";

// Each member has exactly the type of the function it stands for (variadic vips calls stay
// variadic, so their NULL-terminated option lists pass through unchanged).
struct VipsApi {
  decltype(&::vips_version) version;
  decltype(&::vips_init) init;
  decltype(&::vips_cache_set_max) cache_set_max;
  decltype(&::vips_concurrency_set) concurrency_set;
  decltype(&::vips_error_buffer) error_buffer;
  decltype(&::vips_error_clear) error_clear;
  decltype(&::vips_image_new_from_buffer) image_new_from_buffer;
  decltype(&::vips_image_new_from_memory) image_new_from_memory;
  decltype(&::vips_image_get_width) image_get_width;
  decltype(&::vips_image_get_height) image_get_height;
  decltype(&::vips_avg) avg;
  decltype(&::vips_thumbnail_buffer) thumbnail_buffer;
  decltype(&::vips_jpegsave_buffer) jpegsave_buffer;
  decltype(&::vips_pngsave_buffer) pngsave_buffer;
  decltype(&::vips_webpsave_buffer) webpsave_buffer;
  decltype(&::g_object_unref) object_unref;  // GObject, from libvips' dependencies
  decltype(&::g_free) free;                  // GLib, likewise
};

// Opens `library` (RTLD_NOW | RTLD_LOCAL), resolves every function of VipsApi and checks that
// its ABI is the one the headers describe (what VIPS_INIT checks). The library stays loaded for
// the life of the process (GLib type registrations cannot be undone). Errors name the library
// and what failed, e.g. "cannot load libvips.so.42 (install Debian's libvips42): ...".
Result<std::unique_ptr<VipsApi>> OpenVipsApi(const char* library);

// The process-wide table: opens kVipsLibrary and starts libvips (vips_init) on the first call,
// thread-safe; later calls return the same table, or the same error.
Result<const VipsApi*> Vips();

}  // namespace vigie::gallery
