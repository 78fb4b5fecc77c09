#include <CLI/CLI.hpp>

#include "cmd/command.h"

namespace vigie::cmd {

RunFn AddAgentCommand(CLI::App& root) {
  auto* sub = root.add_subcommand("agent", "host, container and Docker engine metrics on /metrics");
  sub->allow_extras();
  return [] { return NotBuiltYet("agent", "#3"); };
}

}  // namespace vigie::cmd
