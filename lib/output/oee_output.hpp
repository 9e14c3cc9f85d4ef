// The OEE document of `replay -o oee=FILE` (schemas/oee.schema.json).
#pragma once

#include "lib/oee/oee.hpp"

#include <ostream>

namespace twinctl::output {

void write_oee_json(std::ostream& out, const oee::Result& r);

} // namespace twinctl::output
