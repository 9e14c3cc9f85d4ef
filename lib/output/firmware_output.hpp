// Formatters of `twinctl firmware`: the status (intended vs live, who is
// behind) and the rollout plan, one function per format.
#pragma once

#include "lib/firmware/rollout.hpp"

#include <ostream>

namespace twinctl::output {

void write_firmware_status_table(std::ostream& out, const firmware::Status& s, bool with_live);
void write_firmware_status_json(std::ostream& out, const firmware::Status& s, bool with_live);
void write_rollout_table(std::ostream& out, const firmware::Plan& p, const model::Twin& twin);
void write_rollout_json(std::ostream& out, const firmware::Plan& p, const model::Twin& twin);
// For the pull request that changes the twin: the waves as a checklist.
void write_rollout_markdown(std::ostream& out, const firmware::Plan& p, const model::Twin& twin);

} // namespace twinctl::output
