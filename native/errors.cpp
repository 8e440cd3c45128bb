// The one way the CLI reports an error (commands.h). In the library, not in main.cpp: the Python
// module links the library's file layer, and a unity batch may put a command beside it.
#include <cstdio>
#include <string>

#include "commands.h"

namespace grok_cli {

int fail(const std::string& message, int status) {
  std::fprintf(stderr, "grok: error: %s\n", message.c_str());
  return status;
}

}  // namespace grok_cli
