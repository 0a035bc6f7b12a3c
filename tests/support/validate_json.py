#!/usr/bin/env python3
"""Validate JSON Lines against gmr's JSON Schema (draft 2020-12), for the test suite.

usage: validate_json.py SCHEMA FILE
Every non-empty line of FILE must be one JSON object valid against SCHEMA. Prints one line per problem on
stderr and exits 1; exits 0 and prints the number of objects checked on stdout when all are valid.
Needs Debian's python3-jsonschema (4.x).
"""
import json
import sys

import jsonschema


def main() -> int:
    schema_path, data_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    problems = 0
    checked = 0
    with open(data_path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"line {number}: not JSON: {e}", file=sys.stderr)
                problems += 1
                continue
            checked += 1
            for error in validator.iter_errors(document):
                # oneOf failures hide the useful part in their context: show the deepest messages.
                leaves = [e for e in error.context or [] if not e.context] or [error]
                for leaf in leaves:
                    path = "/".join(str(p) for p in leaf.absolute_path)
                    print(f"line {number}: /{path}: {leaf.message[:300]}", file=sys.stderr)
                problems += 1
    if checked == 0:
        print("no JSON object found", file=sys.stderr)
        return 1
    print(checked)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
