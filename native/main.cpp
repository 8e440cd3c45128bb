// grok: the native command line. A dispatcher only: each subcommand lives in its own file
// (commands.h). Errors are one line on stderr ("grok: error: ...") and a non-zero exit; the core
// never prints, this front end does.
#include <CLI/CLI.hpp>
#include <cstdio>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string>
#include <vector>

#include "commands.h"

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // The progress measures build a few MB of temporaries per snapshot. glibc serves blocks over
  // 128 KB with mmap and returns them at free, so every snapshot page-faulted them in again (a
  // third of a browser-preset run's time went to page faults on this VM). Keep freed memory
  // instead. Training steps allocate nothing, so this changes no step time.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
  CLI::App app{"grok: train small networks on modular arithmetic and watch them grok.\n"
               "Run `grok <command> --help` for a command's flags; docs/cli.md has examples."};
  app.require_subcommand(1);
  const std::vector<grok_cli::Command> commands = {
      grok_cli::train_command(app),
      grok_cli::sweep_command(app),
      grok_cli::sweep_merge_command(app),
      grok_cli::double_descent_command(app),
  };
  // CLI11 would only say "A subcommand is required" for a misspelt command: name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const auto& c : commands) {
      known = known || c.app->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + c.app->get_name();
    }
    if (!known) return grok_cli::fail(std::string("unknown command '") + argv[1] + "' (one of " + names + ")");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's messages can span lines; the contract is one line.
    std::string message = e.what();
    for (char& ch : message)
      if (ch == '\n') ch = ' ';
    return grok_cli::fail(message + " (see grok --help)");
  }
  for (const auto& c : commands)
    if (c.app->parsed()) return c.run();
  return grok_cli::fail("no command given (see grok --help)");
}
