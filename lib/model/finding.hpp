// A finding: one thing wrong with the intended or live state, with a rule id
// and a severity. Validate's policy checks and drift both produce findings.
#pragma once

#include "lib/model/location.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::model {

enum class Severity { info = 0, low = 1, medium = 2, high = 3, critical = 4 };

const char* to_string(Severity s);
// Parses critical|high|medium|low|info; nullopt otherwise.
std::optional<Severity> parse_severity(const std::string& s);

struct Finding {
  std::string rule;   // TWIN101 ...
  Severity severity = Severity::medium;
  std::string kind;   // changed|missing|unmanaged|unobserved|stale|policy|expiry
  std::string asset;  // asset id (or device ref for unmanaged)
  std::string field;  // status, ip, certificate:ID, relationship:FEEDS_DATA->x ...
  std::string message;
  std::string intended;      // raw
  std::string live;          // raw
  std::string intended_norm; // normalised
  std::string live_norm;     // normalised
  std::string source;        // live source name
  std::string observed_at;
  std::string remediation;
  SourceLocation loc;
  CommitInfo commit;
  std::string fingerprint; // stable: hash of site/asset/field/rule

  // Gate bookkeeping (set by the gate, shown by formatters).
  bool suppressed = false;
  std::string suppression_reason;
  std::string suppression_owner;
  std::string suppression_ticket;
  std::string suppression_expires;
  std::string baseline_state; // "", new, unchanged, updated (in the baseline with another observed value)
  std::string baseline_observed; // updated: the observed value the baseline recorded

  // History (audit with a history database; see lib/history/lifecycle.hpp).
  std::string history_state;  // "", new, open, reopened
  std::string opened_at;      // when its current episode began (RFC 3339)
  int64_t open_days = 0;      // whole days since opened_at
};

// The stable identity of a finding: 16 hex digits of FNV-1a over
// site/asset/field/rule.
std::string fingerprint(const std::string& site, const std::string& asset,
                        const std::string& field, const std::string& rule);

// Deterministic order: severity (most severe first), asset, rule, field.
void sort_findings(std::vector<Finding>& findings);

} // namespace twinctl::model
