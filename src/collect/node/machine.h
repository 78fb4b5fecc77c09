// cAdvisor's machine facts, which dashboards divide container figures by
// (container_memory_working_set_bytes / machine_memory_bytes):
//   machine_cpu_cores            logical CPUs online       <sysfs>/devices/system/cpu/online
//   machine_cpu_physical_cores   distinct (package, core)
//   .../cpu<N>/topology/{physical_package,core}_id machine_cpu_sockets          distinct packages
//   machine_memory_bytes         MemTotal                  <procfs>/meminfo
// each labelled like cAdvisor's with machine_id (<rootfs>/etc/machine-id), system_uuid
// (<sysfs>/class/dmi/id/product_uuid, readable by root only) and boot_id
// (<procfs>/sys/kernel/random/boot_id); a label that cannot be read is left out. Read at the
// first scrape and again every five minutes, as cAdvisor refreshes its machine info.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::collect::node {

// A kernel CPU list ("0-3,8,10-11") as CPU numbers.
Result<std::vector<int>> ParseCpuList(std::string_view text);

}  // namespace vigie::collect::node
