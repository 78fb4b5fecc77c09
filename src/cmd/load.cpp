#include <CLI/CLI.hpp>

#include "cmd/command.h"

namespace vigie::cmd {

RunFn AddLoadCommand(CLI::App& root) {
  auto* sub = root.add_subcommand("load", "emulated users driving an HTTP service");
  sub->allow_extras();
  return [] { return NotBuiltYet("load", "#6"); };
}

}  // namespace vigie::cmd
