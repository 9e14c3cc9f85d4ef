// The rule catalogue: stable ids (SARIF ruleId), names, descriptions and
// default severities.
#pragma once

#include "lib/model/finding.hpp"

#include <string>
#include <vector>

namespace twinctl::model {

struct Rule {
  std::string id;   // TWIN101
  std::string name; // status-drift
  std::string short_description;
  std::string full_description;
  std::string help; // what to do about it, plain text
  Severity default_severity = Severity::medium;
  std::vector<std::string> tags;
};

// All rules, sorted by id.
const std::vector<Rule>& rules();
// The rule with this id; nullptr when unknown.
const Rule* find_rule(const std::string& id);

} // namespace twinctl::model

#include "lib/model/twin.hpp"

namespace twinctl::model {

// The severity of `rule` for `asset` (may be null): the first matching
// override of the drift policy, else `dflt`.
Severity effective_severity(const DriftPolicy& policy, const std::string& rule, Severity dflt, const Asset* asset);

// A finding of `rule` with the parts every producer fills the same way: the
// severity (`dflt` through the drift policy), the remediation text, the
// location with the last commit of its file, and the fingerprint.
Finding make_finding(const Twin& twin, const std::string& rule, Severity dflt, const Asset* asset,
                     const std::string& asset_id, const std::string& field, const std::string& kind,
                     const SourceLocation& loc);

} // namespace twinctl::model
