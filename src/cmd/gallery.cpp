#include <CLI/CLI.hpp>

#include "cmd/command.h"

namespace vigie::cmd {

RunFn AddGalleryCommand(CLI::App& root) {
  auto* sub = root.add_subcommand("gallery", "the demo image gallery");
  sub->allow_extras();
  return [] { return NotBuiltYet("gallery", "#6"); };
}

}  // namespace vigie::cmd
