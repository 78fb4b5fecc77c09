// vigie: one binary, several roles (agent, server, gallery, load, analyze, demo).
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "cmd/command.h"
#include "core/log.h"

int main(int argc, char** argv) {
  CLI::App app{"vigie: a complete monitoring stack for containerised applications"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("vigie version ") + VIGIE_VERSION);
  std::string log_level = "info", log_format = "logfmt";
  app.add_option("--log.level", log_level,
                 "Only log messages at or above: debug, info, warn, error")
      ->capture_default_str();
  app.add_option("--log.format", log_format, "Log line format: logfmt or json")
      ->capture_default_str();

  std::map<CLI::App*, vigie::cmd::RunFn> runs;
  auto add = [&](vigie::cmd::RunFn (*fn)(CLI::App&)) {
    size_t before = app.get_subcommands({}).size();
    auto run = fn(app);
    auto subs = app.get_subcommands({});
    if (subs.size() > before) runs[subs.back()] = std::move(run);
  };
  add(vigie::cmd::AddAgentCommand);
  add(vigie::cmd::AddServerCommand);
  add(vigie::cmd::AddGalleryCommand);
  add(vigie::cmd::AddLoadCommand);
  add(vigie::cmd::AddAnalyzeCommand);
  add(vigie::cmd::AddDemoCommand);
  add(vigie::cmd::AddTsdbCommand);
  for (auto* sub : app.get_subcommands({})) {
    // Global logging flags are accepted after the subcommand too.
    sub->fallthrough();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : vigie::cmd::kExitUsage;
  }
  if (auto st = vigie::log::Init(log_level, log_format); !st.ok()) {
    std::cerr << "vigie: " << st.error().message() << "\n";
    return vigie::cmd::kExitUsage;
  }
  for (auto& [sub, run] : runs) {
    if (sub->parsed()) return run();
  }
  std::cerr << app.help();
  return vigie::cmd::kExitUsage;
}
