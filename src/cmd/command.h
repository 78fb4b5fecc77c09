// Wiring for the `vigie` command line: each subcommand lives in its own file and registers
// itself on the root CLI11 app; the returned function runs it once its flags are parsed.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace vigie::cmd {

using RunFn = std::function<int()>;

RunFn AddAgentCommand(CLI::App& root);
RunFn AddServerCommand(CLI::App& root);
RunFn AddGalleryCommand(CLI::App& root);
RunFn AddLoadCommand(CLI::App& root);
RunFn AddAnalyzeCommand(CLI::App& root);
RunFn AddDemoCommand(CLI::App& root);
RunFn AddTsdbCommand(CLI::App& root);

// For subcommands that are not built yet: says so plainly and exits 2.
int NotBuiltYet(const std::string& name, const std::string& issue);

// Exit codes shared by all subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

}  // namespace vigie::cmd
