#include <CLI/CLI.hpp>

#include "cmd/command.h"

namespace vigie::cmd {

RunFn AddAnalyzeCommand(CLI::App& root) {
  auto* sub = root.add_subcommand("analyze", "ramp load and name the bottleneck");
  sub->allow_extras();
  return [] { return NotBuiltYet("analyze", "#8"); };
}

}  // namespace vigie::cmd
