#include "lib/model/rules.hpp"

namespace twinctl::model {

const std::vector<Rule>& rules() {
  static const std::vector<Rule> k_rules = {
      {"TWIN101", "status-drift", "Asset status differs from the intended status",
       "The live status of the asset differs from `expected.status` in the twin. High when the asset "
       "should be running and is in fault or offline, medium otherwise.",
       "Bring the asset back to its intended status, or change expected.status in the twin if the "
       "change is intended.",
       Severity::medium, {"drift", "availability"}},
      {"TWIN102", "ip-drift", "Asset IP address differs from the intended address",
       "The asset answers on an IP address other than `expected.ip`. An unplanned address change "
       "breaks firewall rules, conduits and HMI connections.",
       "Restore the intended address on the device, or update expected.ip (and the zone policy) in "
       "the twin through a reviewed change.",
       Severity::high, {"drift", "security", "network"}},
      {"TWIN103", "firmware-drift", "Asset firmware differs from the intended version",
       "The firmware reported by the asset differs from `expected.firmware`. The finding says whether "
       "the device is behind or ahead when both parse as versions. High for safety-critical assets.",
       "Update (or roll back) the firmware to the intended version in a maintenance window, or change "
       "expected.firmware in the twin once the new version is approved.",
       Severity::medium, {"drift", "security", "firmware"}},
      {"TWIN104", "config-drift", "Asset configuration checksum differs",
       "The checksum of the running configuration differs from `expected.config_checksum`: the "
       "program or configuration was changed outside of the reviewed process.",
       "Compare the running configuration with the approved one and restore it, or commit the new "
       "checksum to the twin after review.",
       Severity::high, {"drift", "security", "configuration"}},
      {"TWIN105", "zone-drift", "Asset is in a different security zone",
       "The asset was observed in a security zone other than its intended IEC 62443 zone. A device in "
       "the wrong zone bypasses the conduits that protect it.",
       "Move the device back into its intended zone (VLAN, firewall), or change the zone in the twin "
       "and the zone policy through a reviewed change.",
       Severity::critical, {"drift", "security", "iec62443"}},
      {"TWIN106", "asset-missing", "Intended asset was not observed",
       "The asset is in the twin, but no successfully read live source reported it.",
       "Check that the device is powered and connected, that its live binding (`live:`) is right, or "
       "decommission it in the twin.",
       Severity::high, {"drift", "inventory"}},
      {"TWIN107", "unmanaged-asset", "A device is live that the twin does not know",
       "A live source reported a device that matches no asset of the twin: an unmanaged or rogue "
       "device on the OT network.",
       "Identify the device. Add it to the twin through a reviewed change, or remove it from the "
       "network.",
       Severity::critical, {"drift", "security", "inventory"}},
      {"TWIN108", "stale-observation", "Live observation is older than stale_after",
       "The newest observation of the asset is older than the twin's `stale_after`; its live values "
       "cannot be trusted.",
       "Check the data path from the device to the live source (gateway, broker, connector).",
       Severity::medium, {"drift", "observability"}},
      {"TWIN201", "certificate-expired", "Certificate expired or calibration overdue",
       "A certificate of the asset has expired, or a sensor's calibration interval has passed.",
       "Renew the certificate or recalibrate the sensor, then update the twin with the new dates.",
       Severity::high, {"compliance", "certificates"}},
      {"TWIN202", "certificate-due-soon", "Certificate or calibration due soon",
       "A certificate expires, or a calibration falls due, within the twin's `cert_due_soon` window.",
       "Plan the renewal or recalibration before the due date.",
       Severity::low, {"compliance", "certificates"}},
      {"TWIN203", "maintenance-overdue", "Maintenance overdue",
       "A maintenance task of the asset (`maintenance:` in the twin) is past its interval: the last time it was done "
       "plus the interval is before today.",
       "Do the maintenance, then update `last` in the twin; or change the interval through a reviewed change.",
       Severity::medium, {"maintenance"}},
      {"TWIN204", "maintenance-due-soon", "Maintenance due soon",
       "A maintenance task of the asset falls due within the twin's `maintenance_due_soon` window (default 14 days).",
       "Plan the maintenance (and the stop it needs) before the due date.",
       Severity::low, {"maintenance"}},
      {"TWIN301", "conduit-missing", "Data flow crosses zones without a conduit",
       "A FEEDS_DATA relationship connects assets in two different zones, and no conduit of the zone "
       "policy allows that flow (IEC 62443-3-2).",
       "Add a conduit for the flow to policy/zones.yaml through a security review, or route the data "
       "through an allowed path.",
       Severity::high, {"policy", "security", "iec62443"}},
      {"TWIN302", "purdue-level-skip", "Data flow skips a Purdue level",
       "A FEEDS_DATA relationship connects assets whose Purdue levels are not adjacent (for example "
       "level 1 to level 4), bypassing the levels in between and the IDMZ.",
       "Route the flow through the intermediate level (for example a historian or a broker in the "
       "IDMZ at level 3.5).",
       Severity::critical, {"policy", "security", "purdue"}},
      {"TWIN901", "suppression-expired", "A suppression has expired",
       "A suppression in the ignore list has passed its `expires` date and no longer hides its "
       "findings.",
       "Fix the suppressed findings, or renew the suppression with a new reason and expiry date.",
       Severity::medium, {"policy", "hygiene"}},
  };
  return k_rules;
}

const Rule* find_rule(const std::string& id) {
  for (const Rule& r : rules()) {
    if (r.id == id) {
      return &r;
    }
  }
  return nullptr;
}

} // namespace twinctl::model

namespace twinctl::model {

Severity effective_severity(const DriftPolicy& policy, const std::string& rule, Severity dflt, const Asset* asset) {
  for (const SeverityOverride& o : policy.overrides) {
    if (o.rule != rule) {
      continue;
    }
    if (!o.asset_class.empty() && (!asset || asset->asset_class != o.asset_class)) {
      continue;
    }
    if (!o.criticality.empty() && (!asset || asset->criticality != o.criticality)) {
      continue;
    }
    if (auto s = parse_severity(o.severity)) {
      return *s;
    }
  }
  return dflt;
}

Finding make_finding(const Twin& twin, const std::string& rule, Severity dflt, const Asset* asset,
                     const std::string& asset_id, const std::string& field, const std::string& kind,
                     const SourceLocation& loc) {
  Finding f;
  f.rule = rule;
  f.severity = effective_severity(twin.drift_policy, rule, dflt, asset);
  f.kind = kind;
  f.asset = asset_id;
  f.field = field;
  const Rule* r = find_rule(rule);
  f.remediation = r ? r->help : "";
  f.loc = loc;
  f.commit = twin.commit_of(loc.path);
  f.fingerprint = fingerprint(twin.id, asset_id, field, rule);
  return f;
}

} // namespace twinctl::model
