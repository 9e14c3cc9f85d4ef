// PR mode (`drift --base REF`, `validate --base REF`): the terraform plan of a
// change to the intended state. The same checks run on the twin at REF and on
// the change, against the same live state; the change introduces the findings
// that gate after it and did not gate at REF, and resolves those that gated at
// REF and no longer do. The gate then fails only on what the change introduces.
#pragma once

#include "lib/report/report.hpp"

#include <vector>

namespace twinctl::report {

// True when the finding counts for the gate: neither suppressed nor in the baseline.
bool gates(const model::Finding& f);

// Keeps in `r` (the checks of the change, gated) only the findings the change
// introduces, records in r.plan those it resolves (`base`: the findings of the
// same checks at the base, gated), then recounts and decides the gate on the
// introduced ones. A finding is the same on both sides when its fingerprint
// (site, asset, field, rule) is.
void apply_plan(Report& r, const std::vector<model::Finding>& base, Plan plan);

} // namespace twinctl::report
