#include "gallery/vips_loader.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace vigie::gallery {

namespace {

// dlsym into a typed slot; a missing symbol is remembered by name.
template <typename Fn>
void Resolve(void* handle, const char* name, Fn* slot, std::string* missing) {
  // dlsym looks in the library and in the libraries it depends on (GLib, GObject).
  *slot = reinterpret_cast<Fn>(dlsym(handle, name));
  if (*slot == nullptr) {
    if (!missing->empty()) *missing += ", ";
    *missing += name;
  }
}

std::string TrimmedVipsError(const VipsApi& v) {
  std::string e = v.error_buffer();
  v.error_clear();
  while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
  return e;
}

}  // namespace

Result<std::unique_ptr<VipsApi>> OpenVipsApi(const char* library) {
  void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Unavailable(std::string("cannot load ") + library +
                       ", which image operations need (on Debian: apt-get install libvips42): " +
                       (why != nullptr ? why : "unknown dlopen error"));
  }
  auto api = std::make_unique<VipsApi>();
  std::string missing;
  Resolve(handle, "vips_version", &api->version, &missing);
  Resolve(handle, "vips_init", &api->init, &missing);
  Resolve(handle, "vips_cache_set_max", &api->cache_set_max, &missing);
  Resolve(handle, "vips_concurrency_set", &api->concurrency_set, &missing);
  Resolve(handle, "vips_error_buffer", &api->error_buffer, &missing);
  Resolve(handle, "vips_error_clear", &api->error_clear, &missing);
  Resolve(handle, "vips_image_new_from_buffer", &api->image_new_from_buffer, &missing);
  Resolve(handle, "vips_image_new_from_memory", &api->image_new_from_memory, &missing);
  Resolve(handle, "vips_image_get_width", &api->image_get_width, &missing);
  Resolve(handle, "vips_image_get_height", &api->image_get_height, &missing);
  Resolve(handle, "vips_avg", &api->avg, &missing);
  Resolve(handle, "vips_thumbnail_buffer", &api->thumbnail_buffer, &missing);
  Resolve(handle, "vips_jpegsave_buffer", &api->jpegsave_buffer, &missing);
  Resolve(handle, "vips_pngsave_buffer", &api->pngsave_buffer, &missing);
  Resolve(handle, "vips_webpsave_buffer", &api->webpsave_buffer, &missing);
  Resolve(handle, "g_object_unref", &api->object_unref, &missing);
  Resolve(handle, "g_free", &api->free, &missing);
  // The handle is deliberately never closed (see the header).
  if (!missing.empty()) {
    return Unavailable(std::string(library) + " lacks functions vigie needs (" + missing +
                       "); libvips 8.10 or newer is required");
  }
  // What VIPS_INIT checks: the library's ABI (current - age) is the one of the headers.
  const int abi = api->version(3) - api->version(5);
  if (abi != VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE) {
    return Unavailable(std::string(library) + " has ABI version " + std::to_string(abi) +
                       ", vigie was built for " +
                       std::to_string(VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE));
  }
  return api;
}

Result<const VipsApi*> Vips() {
  static std::once_flag once;
  static const VipsApi* api = nullptr;
  static Error* failure = nullptr;  // leaked on purpose, like the library itself
  std::call_once(once, [] {
    auto opened = OpenVipsApi(kVipsLibrary);
    if (!opened.ok()) {
      failure = new Error(opened.error());
      return;
    }
    const VipsApi& v = **opened;
    if (v.init("vigie") != 0) {
      failure = new Error(Internal("cannot start libvips: " + TrimmedVipsError(v)));
      return;
    }
    // We keep our own bounded caches; vips' operation cache would grow per distinct image.
    v.cache_set_max(0);
    v.concurrency_set(1);
    api = opened->release();
  });
  if (api == nullptr) return *failure;
  return api;
}

}  // namespace vigie::gallery
