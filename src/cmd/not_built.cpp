#include <iostream>

#include "cmd/command.h"

namespace vigie::cmd {

int NotBuiltYet(const std::string& name, const std::string& issue) {
  std::cerr << "vigie " << name << ": not built yet (tracked in issue " << issue
            << "); nothing was started.\n";
  return kExitUsage;
}

}  // namespace vigie::cmd
