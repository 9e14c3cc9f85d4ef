#!/usr/bin/python3
"""Validate a SARIF file written by twinctl.

    validate_sarif.py FILE [--schema SCHEMA] [--no-github]

1. Against the official OASIS SARIF 2.1.0 schema (default: the copy next to
   this script, sarif-schema-2.1.0.json; see README.md here for its source).
   That schema is JSON Schema draft-04; the validator class is picked from its
   `$schema` (Draft4Validator), never hard-coded, so the draft-07 copy works too.
2. Against the rules GitHub code scanning applies on upload,
   unless --no-github: one run, repo-relative artifact URIs, region.startLine
   >= 1, every result with a location and partialFingerprints.primaryLocationLineHash,
   rule name != id, help text and markdown, security-severity a string in
   (0, 10], no suppressed results, unique rule ids, every result's ruleId a
   rule and its ruleIndex pointing at it, GitHub's limits (25,000 results and
   rules per run, 20 tags per rule, 1,000 locations per result), a message.
   And twinctl's promise: every rule has a security-severity, and the severity
   GitHub derives from the result's rule (> 9.0 critical, 7.0-8.9 high,
   4.0-6.9 medium, 0.1-3.9 low) is the result's twinctl severity
   (properties.severity; info shows as low, GitHub has nothing lower).

Prints one line per problem. Exit status: 0 valid, 1 invalid, 2 usage error
or a missing schema (a missing schema is never a pass).

Needs only Debian's python3-jsonschema (4.10).
"""

import argparse
import json
import os
import sys

from jsonschema import FormatChecker
from jsonschema.validators import validator_for

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "sarif-schema-2.1.0.json")
MAX_RESULTS = 25000
MAX_RULES = 25000
MAX_TAGS = 20
MAX_LOCATIONS = 1000


def github_severity(score):
    """GitHub's translation of a security-severity score; None for no security severity."""
    try:
        v = float(score)
    except (TypeError, ValueError):
        return None
    if v > 9.0:
        return "critical"
    if v >= 7.0:
        return "high"
    if v >= 4.0:
        return "medium"
    if v >= 0.1:
        return "low"
    return None


def schema_problems(doc, schema):
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=FormatChecker())
    out = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        out.append("schema (%s): %s: %s" % (cls.__name__, where, err.message))
    return out


def github_problems(doc):
    out = []
    runs = doc.get("runs") or []
    if len(runs) != 1:
        out.append("github: expected exactly one run, found %d" % len(runs))
    for ri, run in enumerate(runs):
        rules = run.get("tool", {}).get("driver", {}).get("rules", [])
        ids = [r.get("id") for r in rules]
        if len(rules) > MAX_RULES:
            out.append("github: run %d: %d rules, more than %d" % (ri, len(rules), MAX_RULES))
        if len(set(ids)) != len(ids):
            out.append("github: run %d: rule ids are not unique" % ri)
        for r in rules:
            rid = r.get("id")
            if not r.get("name") or r.get("name") == rid:
                out.append("github: rule %s: name must be set and differ from the id" % rid)
            for key in ("shortDescription", "fullDescription"):
                if not r.get(key, {}).get("text"):
                    out.append("github: rule %s: %s.text is required" % (rid, key))
            if not r.get("help", {}).get("text") or not r.get("help", {}).get("markdown"):
                out.append("github: rule %s: help.text and help.markdown are required" % rid)
            sev = r.get("properties", {}).get("security-severity")
            if sev is not None:
                try:
                    ok = isinstance(sev, str) and 0.0 < float(sev) <= 10.0
                except ValueError:
                    ok = False
                if not ok:
                    out.append("github: rule %s: security-severity must be a string in (0, 10], got %r" % (rid, sev))
            else:
                out.append("twinctl: rule %s: no security-severity (every twinctl rule can gate)" % rid)
            if len(r.get("properties", {}).get("tags", [])) > MAX_TAGS:
                out.append("github: rule %s: more than %d tags" % (rid, MAX_TAGS))
        results = run.get("results") or []
        if len(results) > MAX_RESULTS:
            out.append("github: run %d: %d results, more than %d" % (ri, len(results), MAX_RESULTS))
        for i, res in enumerate(results):
            where = "run %d result %d" % (ri, i)
            if res.get("suppressions"):
                out.append("github: %s: suppressed results must be left out" % where)
            idx = res.get("ruleIndex")
            if res.get("ruleId") not in ids:
                out.append("github: %s: ruleId %r is not a rule of the driver" % (where, res.get("ruleId")))
            if idx is not None and (idx >= len(ids) or ids[idx] != res.get("ruleId")):
                out.append("github: %s: ruleIndex %r does not point at %r" % (where, idx, res.get("ruleId")))
            elif idx is not None:
                want = res.get("properties", {}).get("severity")
                shown = github_severity(rules[idx].get("properties", {}).get("security-severity"))
                if want is not None and shown != ("low" if want == "info" else want):
                    out.append("twinctl: %s: severity %s, but GitHub shows %s (rule %s)" % (where, want, shown, ids[idx]))
            if not res.get("message", {}).get("text"):
                out.append("github: %s: message.text is required" % where)
            if len(res.get("locations") or []) > MAX_LOCATIONS:
                out.append("github: %s: more than %d locations" % (where, MAX_LOCATIONS))
            if not res.get("partialFingerprints", {}).get("primaryLocationLineHash"):
                out.append("github: %s: partialFingerprints.primaryLocationLineHash missing" % where)
            locs = res.get("locations") or []
            if not locs:
                out.append("github: %s: at least one location is required" % where)
            for loc in locs[:1]:
                phys = loc.get("physicalLocation", {})
                uri = phys.get("artifactLocation", {}).get("uri", "")
                if not uri or uri.startswith("/") or "://" in uri or uri.startswith(".."):
                    out.append("github: %s: uri %r is not repo-relative" % (where, uri))
                if phys.get("region", {}).get("startLine", 0) < 1:
                    out.append("github: %s: region.startLine must be >= 1" % where)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("--schema", default=DEFAULT_SCHEMA)
    parser.add_argument("--no-github", action="store_true", help="only the schema, not GitHub's upload rules")
    args = parser.parse_args()
    if not os.path.isfile(args.schema):
        print("validate_sarif.py: schema not found: %s" % args.schema, file=sys.stderr)
        return 2
    try:
        with open(args.schema, encoding="utf-8") as f:
            schema = json.load(f)
        with open(args.file, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print("validate_sarif.py: %s" % e, file=sys.stderr)
        return 2
    problems = schema_problems(doc, schema)
    if not args.no_github:
        problems += github_problems(doc)
    for p in problems:
        print("%s: %s" % (args.file, p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
