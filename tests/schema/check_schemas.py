#!/usr/bin/python3
"""Validate twin documents against the JSON Schemas in schemas/.

    check_schemas.py SCHEMA_DIR TWIN_DIR [--expect-invalid]

Reads every *.yaml / *.yml file under TWIN_DIR (hidden files and directories are
skipped, as twinctl does), picks the schema of each YAML document by its `kind`
and prints `path: doc N: error` for every failure. A *.json file whose top-level
`format` is `twinctl-live/v1` is checked against live-snapshot.schema.json; other
JSON files are ignored.

Exit status: 0 when every document is valid (with --expect-invalid: when every
document read is invalid), 1 otherwise, 2 on usage errors.

YAML is read the way twinctl reads it, not the YAML 1.1 way PyYAML does by
default: mapping keys stay the text written (`OFF:` is the key "OFF", not
False), dates stay strings (2025-04-12 is checked by the schema's date
pattern), only true/false are booleans, only decimal numbers are numbers, merge
keys (`<<`) are not interpreted and a duplicate key is an error.

Needs only Debian's python3-yaml and python3-jsonschema (4.10).
"""

import argparse
import json
import os
import re
import sys

import yaml
from jsonschema import Draft7Validator

KIND_SCHEMAS = {
    "Twin": "twin.schema.json",
    "Asset": "asset.schema.json",
    "Space": "space.schema.json",
    "Team": "team.schema.json",
    "ZonePolicy": "zone-policy.schema.json",
    "DriftPolicy": "drift-policy.schema.json",
    "DetectorPolicy": "detector-policy.schema.json",
    "HealthPolicy": "health-policy.schema.json",
    "ShiftCalendar": "shift-calendar.schema.json",
    "IgnoreList": "ignore-list.schema.json",
    "Source": "source.schema.json",
}
SNAPSHOT_SCHEMA = "live-snapshot.schema.json"
SNAPSHOT_FORMAT = "twinctl-live/v1"


class TwinLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars and string keys, as twinctl reads YAML."""

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, "expected a mapping, found %s" % node.id, node.start_mark)
        mapping = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    "mapping keys must be scalars", key_node.start_mark)
            key = key_node.value
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    "duplicate key '%s'" % key, key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


# Keep only YAML 1.2 core-schema resolvers: no timestamps, no yes/no/on/off,
# no octal/sexagesimal/underscore numbers.
TwinLoader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
        ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("tag:yaml.org,2002:bool", r"^(?:true|false)$", ["t", "f"]),
        ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", list("-+0123456789")),
        ("tag:yaml.org,2002:float",
         r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", list("-+.0123456789"))):
    TwinLoader.add_implicit_resolver(_tag, re.compile(_regexp), _first)
TwinLoader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node), 10))
TwinLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: float(loader.construct_scalar(node)))


def load_schemas(schema_dir):
    validators = {}
    for kind, name in list(KIND_SCHEMAS.items()) + [(None, SNAPSHOT_SCHEMA)]:
        path = os.path.join(schema_dir, name)
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        Draft7Validator.check_schema(schema)
        validators[kind] = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return validators


def twin_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name.endswith((".yaml", ".yml", ".json")):
                yield os.path.join(dirpath, name)


def json_path(error):
    return "/" + "/".join(str(p) for p in error.absolute_path) if error.absolute_path else "(document)"


def schema_errors(validator, document):
    errors = sorted(validator.iter_errors(document), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return ["%s: %s" % (json_path(e), e.message) for e in errors]


def check_yaml(path, validators):
    """Yields (doc number, [errors]) for every document of a YAML file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    n = 0
    try:
        for document in yaml.load_all(text, Loader=TwinLoader):
            n += 1
            if document is None:
                n -= 1  # an empty document between two '---' is harmless
                continue
            if not isinstance(document, dict):
                yield n, ["a twin document must be a mapping with apiVersion and kind"]
                continue
            kind = document.get("kind")
            validator = validators.get(kind) if isinstance(kind, str) else None
            if validator is None:
                yield n, ["unknown or missing kind %r (one of: %s)" % (kind, ", ".join(KIND_SCHEMAS))]
                continue
            yield n, schema_errors(validator, document)
    except yaml.YAMLError as e:
        yield n + 1, ["YAML error: %s" % str(e).replace("\n", " ")]
        return
    if n == 0:
        yield 1, ["the file has no YAML document (it is empty)"]


def check_json(path, validators):
    with open(path, encoding="utf-8") as f:
        try:
            document = json.load(f)
        except ValueError as e:
            return  # not ours to judge: only twinctl-live snapshots are checked
    if isinstance(document, dict) and document.get("format") == SNAPSHOT_FORMAT:
        yield 1, schema_errors(validators[None], document)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("schema_dir")
    parser.add_argument("twin_dir")
    parser.add_argument("--expect-invalid", action="store_true",
                        help="succeed only when every document read is invalid (negative tests)")
    args = parser.parse_args(argv)

    validators = load_schemas(args.schema_dir)
    documents = invalid = 0
    ok = True
    for path in twin_files(args.twin_dir):
        checker = check_json if path.endswith(".json") else check_yaml
        for n, errors in checker(path, validators):
            documents += 1
            if errors:
                invalid += 1
                for error in errors:
                    print("%s: doc %d: %s" % (path, n, error))
            elif args.expect_invalid:
                print("%s: doc %d: valid, but every document here should be invalid" % (path, n))
                ok = False
            if errors and not args.expect_invalid:
                ok = False
    if documents == 0:
        print("%s: no twin documents found" % args.twin_dir)
        ok = False
    print("check_schemas: %d documents, %d invalid%s" % (
        documents, invalid, " (as expected)" if args.expect_invalid and ok else ""), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
