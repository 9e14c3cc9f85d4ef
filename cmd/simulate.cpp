// Placeholder: `simulate` is being written.
#include "cmd/commands.hpp"

namespace twinctl::cmd {

void register_simulate(CLI::App& root, GlobalOptions& /*g*/, int& /*rc*/) {
  root.add_subcommand("simulate", "Generate synthetic twins, failures and sensor data");
}

} // namespace twinctl::cmd
