// The container collector: discovery, per-container state kept between scrapes (labels, start
// time, spec), and the mapping of CgroupStats to cAdvisor's families.
#include "collect/cgroup/container_collector.h"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <string>
#include <utility>

#include "collect/cgroup/cgroup_stats.h"
#include "collect/cgroup/discovery.h"
#include "collect/cgroup/families.h"
#include "collect/cgroup/file_cache.h"
#include "collect/cgroup/parse.h"
#include "collect/cgroup/proc_reader.h"
#include "collect/cgroup/reader.h"
#include "core/log.h"
#include "core/string_map.h"
#include "docker/container_cache.h"

namespace vigie::collect {

namespace {

// A new container's cgroup can show up a moment before its start event reaches the cache;
// while the cache is in sync, such a container is held back this long rather than reported
// once without its name and labels (which would make a short-lived extra series).
constexpr DurationMs kMetadataGraceMs = 10'000;

// cAdvisor reports limits above 2^62 (the kernel's rounding of "unlimited") as 0.
double SpecMemoryValue(uint64_t v) { return cgroup::IsLimited(v) ? static_cast<double>(v) : 0; }

double Seconds(uint64_t ns) { return static_cast<double>(ns) / 1e9; }

// A descriptor closed with its owner.
struct Fd {
  int fd = -1;
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct Entry {
  cgroup::EncodedLabels labels;                       // container_label_*, id, image, name
  std::shared_ptr<const docker::ContainerInfo> meta;  // the one the labels were built from
  bool labelled = false;
  TimestampMs first_seen_ms = 0;
  double start_time = NAN;
  cgroup::SpecStats spec;
  TimestampMs spec_read_ms = 0;
  bool spec_read = false;
  uint64_t seen_scrape = 0;
  bool logged_error = false;
  Fd dir;                    // the cgroup's directory, for CgroupStatsClient
  cgroup::TaskStates tasks;  // from CgroupStatsClient this scrape, when tasks_ok
  bool tasks_ok = false;
};

class ContainerCollector final : public Collector {
 public:
  explicit ContainerCollector(const ContainerCollectorOptions& o)
      : opts_(o),
        fs_(o.fs != nullptr ? *o.fs : fs::Real()),
        max_open_(o.max_open_files != 0 ? o.max_open_files : cgroup::DefaultMaxOpenFiles()),
        proc_(fs_, o.procfs, max_open_ / 4),
        use_cgroupstats_(o.use_cgroupstats && o.max_tasks_per_container > 0 &&
                         &fs_ == &fs::Real()) {
    discovery_.include_root = o.include_root;
    discovery_.raw_prefixes = o.raw_cgroup_prefixes;
    for (const auto& p : o.extra_docker_parents) discovery_.docker_parents.push_back(p);
  }

  std::string_view Name() const override { return "container"; }

  Status Collect(std::vector<expfmt::MetricFamily>* out) override {
    if (reader_ == nullptr) {
      auto r = cgroup::CgroupReader::Open(fs_, fs::Join(opts_.sysfs, "fs/cgroup"),
                                          max_open_ - max_open_ / 4);
      if (!r.ok()) return r.error();
      reader_ = std::move(r).value();
    }
    VIGIE_RETURN_IF_ERROR(cgroup::DiscoverCgroups(*reader_, discovery_, &names_, &cgroups_));
    ++scrape_;
    now_ms_ = opts_.now ? opts_.now() : NowMs();
    QueryTaskStates();  // before the reads: see CgroupReader::BeginScrape
    reader_->BeginScrape([this](std::string_view path) -> int64_t {
      auto it = entries_.find(path);
      if (it == entries_.end() || !it->second.tasks_ok) return -1;
      return static_cast<int64_t>(it->second.tasks.Total());
    });
    proc_.BeginScrape();
    for (const auto& cg : cgroups_) CollectOne(cg);
    reader_->EndScrape();
    proc_.EndScrape();
    // Forget containers that went away.
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = it->second.seen_scrape == scrape_ ? std::next(it) : entries_.erase(it);
    }
    fams_.MoveTo(out);
    return OkStatus();
  }

 private:
  // Asks the kernel for the task states of every container at once (cgroup_stats.h); the
  // containers it does not answer for are read from /proc in EmitTaskStates.
  void QueryTaskStates() {
    if (!use_cgroupstats_) return;
    if (stats_client_ == nullptr) {
      stats_client_ = cgroup::CgroupStatsClient::Open();
      if (stats_client_ == nullptr) {
        use_cgroupstats_ = false;
        log::Debug("taskstats netlink not reachable; container_tasks_state from /proc");
        return;
      }
    }
    query_fds_.clear();
    query_entries_.clear();
    for (const auto& cg : cgroups_) {
      if (cg.path == "/") continue;  // no task states for the root (see Emit)
      Entry& e = entries_[cg.path];
      e.tasks_ok = false;
      if (e.dir.fd < 0) {
        e.dir.fd =
            ::open(reader_->ProcessesDir(cg.path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (e.dir.fd < 0) continue;
      }
      query_fds_.push_back(e.dir.fd);
      query_entries_.push_back(&e);
    }
    if (query_fds_.empty()) return;
    if (Status st = stats_client_->Query(query_fds_, &query_tasks_, &query_ok_); !st.ok()) {
      log::Warn("taskstats netlink failed; container_tasks_state from /proc from now on",
                {{"err", st.error().message()}});
      use_cgroupstats_ = false;
      stats_client_.reset();
      return;
    }
    bool any_ok = false;
    for (size_t i = 0; i < query_entries_.size(); ++i) {
      query_entries_[i]->tasks = query_tasks_[i];
      query_entries_[i]->tasks_ok = query_ok_[i] != 0;
      any_ok = any_ok || query_ok_[i] != 0;
    }
    // The kernel's cgroupstats answers only for v1 hierarchies: on v2 every request is refused,
    // so stop asking.
    if (!any_ok && reader_->version() == cgroup::CgroupVersion::kV2) {
      log::Debug("taskstats refuses cgroup v2 directories; container_tasks_state from /proc");
      use_cgroupstats_ = false;
      stats_client_.reset();
    }
  }

  void CollectOne(const cgroup::DiscoveredCgroup& cg) {
    Entry& e = entries_[cg.path];
    if (e.seen_scrape == 0) e.first_seen_ms = now_ms_;  // new
    e.seen_scrape = scrape_;

    std::shared_ptr<const docker::ContainerInfo> meta;
    if (!cg.docker_id.empty() && opts_.containers != nullptr) {
      meta = opts_.containers->Get(cg.docker_id);
      if (meta == nullptr && opts_.containers->synced() &&
          now_ms_ - e.first_seen_ms < kMetadataGraceMs) {
        return;
      }
    }
    if (!e.labelled || meta != e.meta) BuildLabels(cg, meta, &e);

    bool read_spec = !e.spec_read || now_ms_ - e.spec_read_ms >= opts_.spec_max_age_ms;
    cgroup::CgroupReader::What what;
    what.spec = read_spec;
    what.throttling = e.spec.cpu_quota_us != 0;  // cAdvisor reports CFS figures only then
    // Without a limit the failure count stays 0; when the spec is read, the reader decides.
    what.failcnt = !read_spec && (!e.spec.has_memory || cgroup::IsLimited(e.spec.memory_limit));
    // The root's list holds every process outside a child cgroup (kernel threads, mostly), and
    // the kernel builds and sorts it at each read (~0.3 ms for 170 processes on our test VM).
    // cAdvisor reports container_processes only with its process metrics, which it leaves off by
    // default.
    what.processes = cg.path != "/";
    Status st = reader_->Read(cg.path, what, &stats_);
    if (!st.ok()) {
      if (st.error().code() != ErrorCode::kNotFound && !e.logged_error) {
        e.logged_error = true;
        log::Warn("cannot read cgroup", {{"id", cg.path}, {"err", st.error().message()}});
      }
      return;
    }
    if (read_spec) {
      e.spec = stats_.spec;
      e.spec_read = true;
      e.spec_read_ms = now_ms_;
    }
    if (std::isnan(e.start_time)) e.start_time = StartTime(cg, meta.get());

    Emit(cg, meta.get(), e);
  }

  void BuildLabels(const cgroup::DiscoveredCgroup& cg,
                   const std::shared_ptr<const docker::ContainerInfo>& meta, Entry* e) {
    std::vector<Label> labels;
    if (meta != nullptr && opts_.docker_labels) {
      for (const auto& [k, v] : meta->labels) {
        if (v.empty()) continue;
        labels.push_back(Label{cgroup::ContainerLabelName(k), v});
      }
      if (meta->restart_count > 0) {
        labels.push_back(
            Label{"container_label_restartcount", std::to_string(meta->restart_count)});
      }
    }
    labels.push_back(Label{"id", cg.path});
    if (meta != nullptr && !meta->image.empty()) labels.push_back(Label{"image", meta->image});
    if (meta != nullptr && !meta->name.empty()) labels.push_back(Label{"name", meta->name});
    // Sorted, and on a clash after sanitising ("a.b" and "a_b") the first one wins.
    std::stable_sort(labels.begin(), labels.end(),
                     [](const Label& a, const Label& b) { return a.name < b.name; });
    labels.erase(std::unique(labels.begin(), labels.end(),
                             [](const Label& a, const Label& b) { return a.name == b.name; }),
                 labels.end());
    e->labels.Build(labels);
    e->meta = meta;
    e->labelled = true;
    if (meta != nullptr && meta->started_ms > 0) e->start_time = NAN;  // prefer Docker's
  }

  double StartTime(const cgroup::DiscoveredCgroup& cg, const docker::ContainerInfo* meta) {
    if (meta != nullptr && meta->started_ms > 0) return static_cast<double>(meta->started_ms) / 1e3;
    if (cg.path == "/" || stats_.pids.empty()) return NAN;
    auto t = proc_.ProcessStartTime(stats_.pids.front());
    return t.ok() ? std::floor(*t) : NAN;
  }

  // The process whose network namespace is the container's; 0 when it has none of its own.
  int NetworkPid(const cgroup::DiscoveredCgroup& cg, const docker::ContainerInfo* meta) const {
    if (cg.path == "/") return 1;
    if (cg.docker_id.empty()) return 0;  // a raw cgroup: no network namespace of its own
    if (meta != nullptr) {
      // Containers that join another's namespace would only repeat its figures (cAdvisor);
      // those without a network have only loopback, which is not reported.
      if (meta->network_mode.starts_with("container:") || meta->network_mode == "none") return 0;
      if (meta->pid > 0) return meta->pid;
    }
    return stats_.pids.empty() ? 0 : stats_.pids.front();
  }

  void Emit(const cgroup::DiscoveredCgroup& cg, const docker::ContainerInfo* meta, const Entry& e) {
    const cgroup::EncodedLabels& l = e.labels;
    fams_.Add(cgroup::kLastSeen, l, std::floor(static_cast<double>(now_ms_) / 1000));
    if (!std::isnan(e.start_time)) fams_.Add(cgroup::kStartTime, l, e.start_time);

    const cgroup::SpecStats& spec = e.spec;
    if (stats_.has_cpu) {
      const auto& c = stats_.cpu;
      fams_.Add(cgroup::kCpuUsage, l, Seconds(c.usage_ns), "cpu", "total");
      fams_.Add(cgroup::kCpuUser, l, Seconds(c.user_ns));
      fams_.Add(cgroup::kCpuSystem, l, Seconds(c.system_ns));
      if (spec.cpu_quota_us != 0) {  // cAdvisor reports CFS figures only under a quota
        fams_.Add(cgroup::kCfsPeriods, l, static_cast<double>(c.periods));
        fams_.Add(cgroup::kCfsThrottledPeriods, l, static_cast<double>(c.throttled_periods));
        fams_.Add(cgroup::kCfsThrottledSeconds, l, Seconds(c.throttled_ns));
      }
    }
    if (spec.has_cpu) {
      fams_.Add(cgroup::kSpecCpuPeriod, l, static_cast<double>(spec.cpu_period_us));
      if (spec.cpu_quota_us != 0) {
        fams_.Add(cgroup::kSpecCpuQuota, l, static_cast<double>(spec.cpu_quota_us));
      }
      fams_.Add(cgroup::kSpecCpuShares, l, static_cast<double>(spec.cpu_shares));
    }
    if (spec.has_memory) fams_.Add(cgroup::kSpecMemoryLimit, l, SpecMemoryValue(spec.memory_limit));
    if (stats_.has_memory) {
      const auto& m = stats_.memory;
      fams_.Add(cgroup::kMemoryUsage, l, static_cast<double>(m.usage));
      fams_.Add(cgroup::kMemoryWorkingSet, l, static_cast<double>(m.working_set));
      fams_.Add(cgroup::kMemoryRss, l, static_cast<double>(m.rss));
      fams_.Add(cgroup::kMemoryCache, l, static_cast<double>(m.cache));
      fams_.Add(cgroup::kMemorySwap, l, static_cast<double>(m.swap));
      fams_.Add(cgroup::kMemoryFailcnt, l, static_cast<double>(m.failcnt));
    }
    for (const auto& d : stats_.io) {
      std::string dev = proc_.DeviceName(d.major, d.minor);
      if (dev.empty()) dev = std::to_string(d.major) + ":" + std::to_string(d.minor);
      fams_.Add(cgroup::kFsReadBytes, l, static_cast<double>(d.read_bytes), "device", dev);
      fams_.Add(cgroup::kFsWriteBytes, l, static_cast<double>(d.write_bytes), "device", dev);
      fams_.Add(cgroup::kFsReads, l, static_cast<double>(d.reads), "device", dev);
      fams_.Add(cgroup::kFsWrites, l, static_cast<double>(d.writes), "device", dev);
    }
    if (stats_.has_pids) {
      fams_.Add(cgroup::kProcesses, l, static_cast<double>(stats_.pids.size()));
      // The root's thread list is the whole host's; cAdvisor leaves it out too.
      if (opts_.max_tasks_per_container > 0 && cg.path != "/") EmitTaskStates(e);
    }
    if (int pid = NetworkPid(cg, meta); pid > 0 && proc_.ReadNetwork(pid, &ifaces_).ok()) {
      for (const auto& i : ifaces_) {
        const std::string& n = i.name;
        fams_.Add(cgroup::kNetRxBytes, l, static_cast<double>(i.rx_bytes), "interface", n);
        fams_.Add(cgroup::kNetRxPackets, l, static_cast<double>(i.rx_packets), "interface", n);
        fams_.Add(cgroup::kNetRxErrors, l, static_cast<double>(i.rx_errors), "interface", n);
        fams_.Add(cgroup::kNetRxDropped, l, static_cast<double>(i.rx_dropped), "interface", n);
        fams_.Add(cgroup::kNetTxBytes, l, static_cast<double>(i.tx_bytes), "interface", n);
        fams_.Add(cgroup::kNetTxPackets, l, static_cast<double>(i.tx_packets), "interface", n);
        fams_.Add(cgroup::kNetTxErrors, l, static_cast<double>(i.tx_errors), "interface", n);
        fams_.Add(cgroup::kNetTxDropped, l, static_cast<double>(i.tx_dropped), "interface", n);
      }
    }
  }

  void EmitTaskStates(const Entry& e) {
    const cgroup::EncodedLabels& l = e.labels;
    cgroup::TaskStates t =
        e.tasks_ok ? e.tasks : proc_.ReadTaskStates(stats_.pids, opts_.max_tasks_per_container);
    fams_.Add(cgroup::kTasksState, l, static_cast<double>(t.sleeping), "state", "sleeping");
    fams_.Add(cgroup::kTasksState, l, static_cast<double>(t.running), "state", "running");
    fams_.Add(cgroup::kTasksState, l, static_cast<double>(t.stopped), "state", "stopped");
    fams_.Add(cgroup::kTasksState, l, static_cast<double>(t.uninterruptible), "state",
              "uninterruptible");
    fams_.Add(cgroup::kTasksState, l, static_cast<double>(t.iowaiting), "state", "iowaiting");
  }

  ContainerCollectorOptions opts_;
  fs::FileSystem& fs_;
  size_t max_open_;
  cgroup::ProcReader proc_;
  cgroup::DiscoveryOptions discovery_;
  std::vector<std::string> names_;                 // discovery's scratch, reused
  std::vector<cgroup::DiscoveredCgroup> cgroups_;  // this scrape's cgroups, strings reused
  std::unique_ptr<cgroup::CgroupReader> reader_;
  StringMap<Entry> entries_;
  uint64_t scrape_ = 0;
  TimestampMs now_ms_ = 0;
  cgroup::CgroupStats stats_;  // reused across containers and scrapes
  std::vector<cgroup::InterfaceStats> ifaces_;
  cgroup::FamilySet fams_;
  bool use_cgroupstats_;
  std::unique_ptr<cgroup::CgroupStatsClient> stats_client_;
  std::vector<int> query_fds_;  // QueryTaskStates' buffers, reused
  std::vector<Entry*> query_entries_;
  std::vector<cgroup::TaskStates> query_tasks_;
  std::vector<uint8_t> query_ok_;
};

}  // namespace

std::unique_ptr<Collector> NewContainerCollector(const ContainerCollectorOptions& options) {
  return std::make_unique<ContainerCollector>(options);
}

}  // namespace vigie::collect
