#!/usr/bin/python3
"""Validate a JSON document (or every line of a JSONL file) against a JSON Schema.

    validate_json.py SCHEMA FILE [--jsonl]

Prints `FILE[:line]: /path: message` for each error; exit 0 when valid, 1 when not.
Needs only Debian's python3-jsonschema.
"""
import json
import sys

from jsonschema import Draft7Validator


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.load(open(sys.argv[1]))
    validator = Draft7Validator(schema)
    path = sys.argv[2]
    if "--jsonl" in sys.argv[3:]:
        docs = [(i + 1, json.loads(l)) for i, l in enumerate(open(path)) if l.strip()]
    else:
        docs = [(None, json.load(open(path)))]
    bad = 0
    for line, doc in docs:
        for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path))[:20]:
            where = path if line is None else "%s:%d" % (path, line)
            print("%s: /%s: %s" % (where, "/".join(map(str, e.path)), e.message), file=sys.stderr)
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
