#include <CLI/CLI.hpp>

#include "cmd/command.h"

namespace vigie::cmd {

RunFn AddTsdbCommand(CLI::App& root) {
  auto* sub = root.add_subcommand("tsdb", "TSDB tools: import and analyze");
  sub->allow_extras();
  return [] { return NotBuiltYet("tsdb", "#4"); };
}

}  // namespace vigie::cmd
