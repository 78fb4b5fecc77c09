// Factories for the node collectors (one per kernel source file); see collect/node.h.
#pragma once

#include <memory>

#include "collect/collector.h"
#include "collect/node.h"
#include "core/result.h"

namespace vigie::collect::node {

// The options with every seam filled in (real file system and system calls by default).
NodeOptions WithDefaults(const NodeOptions& options);

// An error meaning "this source does not exist here" (e.g. no /proc/pressure on old kernels):
// the collector reports node_scrape_collector_success 0 without logging an error.
Error NoData(std::string message);

std::unique_ptr<Collector> NewCpuCollector(const NodeOptions& o);
std::unique_ptr<Collector> NewStatCollector(const NodeOptions& o);
std::unique_ptr<Collector> NewMeminfoCollector(const NodeOptions& o);
std::unique_ptr<Collector> NewLoadavgCollector(const NodeOptions& o);
Result<std::unique_ptr<Collector>> NewFilesystemCollector(const NodeOptions& o);
Result<std::unique_ptr<Collector>> NewDiskstatsCollector(const NodeOptions& o);
Result<std::unique_ptr<Collector>> NewNetdevCollector(const NodeOptions& o);
std::unique_ptr<Collector> NewPressureCollector(const NodeOptions& o);
Result<std::unique_ptr<Collector>> NewVmstatCollector(const NodeOptions& o);
std::unique_ptr<Collector> NewTimeCollector(const NodeOptions& o);
std::unique_ptr<Collector> NewUnameCollector(const NodeOptions& o);
std::unique_ptr<Collector> NewOsCollector(const NodeOptions& o);
std::unique_ptr<Collector> NewMachineCollector(const NodeOptions& o);

}  // namespace vigie::collect::node
