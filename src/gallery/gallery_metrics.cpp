#include "gallery/gallery_metrics.h"

#include "instrument/buckets.h"

namespace vigie::gallery {

Result<std::unique_ptr<GalleryMetrics>> GalleryMetrics::Register(instrument::Registry& r) {
  auto m = std::make_unique<GalleryMetrics>();
  VIGIE_ASSIGN_OR_RETURN(
      m->cache_, r.RegisterCounter(
                     {.name = "gallery_thumbnail_cache_requests_total",
                      .help = "Thumbnail lookups in the in-memory cache, by result (hit or miss).",
                      .label_names = {"result"}}));
  VIGIE_ASSIGN_OR_RETURN(m->render_,
                         r.RegisterHistogram({.name = "gallery_thumbnail_render_seconds",
                                              .help = "Time to render one thumbnail with libvips."},
                                             instrument::ExponentialBuckets(0.001, 2, 14)));
  VIGIE_ASSIGN_OR_RETURN(
      m->db_, r.RegisterHistogram({.name = "gallery_db_query_seconds",
                                   .help = "SQLite statement time by operation (includes waiting "
                                           "for a pooled connection's locks).",
                                   .label_names = {"operation"}},
                                  instrument::ExponentialBuckets(0.00005, 2, 16)));
  VIGIE_ASSIGN_OR_RETURN(m->uploaded_,
                         r.RegisterCounter({.name = "gallery_uploaded_bytes_total",
                                            .help = "Bytes of images accepted by uploads."}));
  VIGIE_ASSIGN_OR_RETURN(
      m->served_,
      r.RegisterCounter({.name = "gallery_served_bytes_total",
                         .help = "Bytes of image data (originals and thumbnails) sent."}));
  return m;
}

GalleryObservers GalleryMetrics::Observers() {
  GalleryObservers o;
  auto* hit = &cache_->WithLabelValues({"hit"});
  auto* miss = &cache_->WithLabelValues({"miss"});
  o.thumb_cache = [hit, miss](bool is_hit) { (is_hit ? hit : miss)->Inc(); };
  auto* render = &render_->Get();
  o.thumb_render = [render](double s) { render->Observe(s); };
  auto* db = db_;
  o.db = [db](const char* op, double s) { db->WithLabelValues({op}).Observe(s); };
  return o;
}

Status GalleryMetrics::WatchGallery(instrument::Registry& r, const Gallery& g) {
  const Gallery* gp = &g;
  VIGIE_RETURN_IF_ERROR(
      r.RegisterCallbackGauge({.name = "gallery_worker_queue_length",
                               .help = "Jobs waiting for a worker (decode, render)."},
                              [gp] { return static_cast<double>(gp->workers().queued()); }));
  VIGIE_RETURN_IF_ERROR(
      r.RegisterCallbackGauge({.name = "gallery_workers_busy", .help = "Workers running a job."},
                              [gp] { return static_cast<double>(gp->workers().busy()); }));
  VIGIE_RETURN_IF_ERROR(r.RegisterCallbackGauge(
      {.name = "gallery_workers", .help = "Size of the worker pool (--workers)."},
      [gp] { return static_cast<double>(gp->workers().size()); }));
  VIGIE_RETURN_IF_ERROR(
      r.RegisterCallbackGauge({.name = "gallery_thumbnail_cache_bytes",
                               .help = "Bytes held by the in-memory thumbnail cache."},
                              [gp] { return static_cast<double>(gp->thumb_cache().bytes()); }));
  VIGIE_RETURN_IF_ERROR(r.RegisterCallbackGauge(
      {.name = "gallery_thumbnail_cache_capacity_bytes",
       .help = "Capacity of the thumbnail cache (--thumb-cache-mb)."},
      [gp] { return static_cast<double>(gp->options().thumb_cache_bytes); }));
  return OkStatus();
}

}  // namespace vigie::gallery
