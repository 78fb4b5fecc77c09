#include <CLI/CLI.hpp>

#include "cmd/command.h"

namespace vigie::cmd {

RunFn AddServerCommand(CLI::App& root) {
  auto* sub = root.add_subcommand("server", "scrape, store, PromQL, rules and the HTTP API");
  sub->allow_extras();
  return [] { return NotBuiltYet("server", "#4"); };
}

}  // namespace vigie::cmd
