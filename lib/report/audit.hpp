// The audit part of a Report: incidents from RCA, certificates and
// calibrations that fall due, and the contacts. Pure.
#pragma once

#include "lib/rca/report.hpp"
#include "lib/report/report.hpp"

namespace twinctl::report {

// Sets r.audit: incidents and isolated failures from `rca` (nullptr: none
// analysed), the due list from the TWIN201/TWIN202 findings of r (so expiry
// is judged once, by validate), and the twin's teams as contacts.
void describe_audit(Report& r, const model::Twin& twin, const rca::RcaReport* rca, int64_t now);

} // namespace twinctl::report
