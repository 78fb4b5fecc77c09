#include <CLI/CLI.hpp>

#include "cmd/command.h"

namespace vigie::cmd {

RunFn AddDemoCommand(CLI::App& root) {
  auto* sub = root.add_subcommand("demo", "the whole stack on this machine");
  sub->allow_extras();
  return [] { return NotBuiltYet("demo", "#7"); };
}

}  // namespace vigie::cmd
