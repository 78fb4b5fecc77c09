// The gallery's own metrics beyond RED: thumbnail cache, render time, SQLite query time,
// bytes uploaded and served, worker pool queue and busy workers.
#pragma once

#include <memory>

#include "core/result.h"
#include "gallery/gallery.h"
#include "instrument/registry.h"

namespace vigie::gallery {

class GalleryMetrics {
 public:
  static Result<std::unique_ptr<GalleryMetrics>> Register(instrument::Registry& registry);

  // Observers to pass to Gallery::Open.
  GalleryObservers Observers();
  // Gauges read from the gallery at scrape time (call once the gallery exists; it must outlive
  // the registry's use of them).
  Status WatchGallery(instrument::Registry& registry, const Gallery& gallery);

  void BytesUploaded(size_t n) { uploaded_->Get().Add(static_cast<double>(n)); }
  void BytesServed(size_t n) { served_->Get().Add(static_cast<double>(n)); }

 private:
  instrument::CounterFamily* cache_ = nullptr;
  instrument::HistogramFamily* render_ = nullptr;
  instrument::HistogramFamily* db_ = nullptr;
  instrument::CounterFamily* uploaded_ = nullptr;
  instrument::CounterFamily* served_ = nullptr;
};

}  // namespace vigie::gallery
