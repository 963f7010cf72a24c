#!/usr/bin/env python3
"""Validate Baton's wire-protocol examples (and captured messages) against the JSON Schemas in schemas/.

  scripts/check-schemas.py                          every schema is valid 2020-12; every example in
                                                    schemas/examples/NAME/ validates against NAME, and
                                                    every one under schemas/examples/NAME/invalid/ is refused
  scripts/check-schemas.py --schema reply            the same for one schema
  scripts/check-schemas.py --schema reply FILE|DIR… validate these JSON files instead (a DIR: its *.json) against
                                                    schemas/reply.schema.json; they must all be valid

Prints one line per failure and a final line "N passed, M failed"; exits 1 when M > 0, 2 on bad usage.
Needs the `jsonschema` package (pip install jsonschema).
"""
import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:  # pragma: no cover
    print("check-schemas: the jsonschema package is missing (pip install jsonschema)", file=sys.stderr)
    sys.exit(2)


def load_validator(name):
    path = SCHEMAS / f"{name}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def first_error(validator, instance):
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    e = errors[0]
    where = "/" + "/".join(str(p) for p in e.absolute_path)
    return f"{where}: {e.message}"


def files_in(target):
    p = pathlib.Path(target)
    if p.is_dir():
        return sorted(x for x in p.rglob("*.json") if x.is_file())
    return [p]


def main():
    parser = argparse.ArgumentParser(description="Validate Baton messages against schemas/.")
    parser.add_argument("--schema", help="the schema the given files must match (e.g. reply, task-request)")
    parser.add_argument("paths", nargs="*", help="JSON files or directories of *.json to validate")
    args = parser.parse_args()
    if args.paths and not args.schema:
        parser.error("give --schema NAME with files to check")

    names = sorted(p.name[: -len(".schema.json")] for p in SCHEMAS.glob("*.schema.json"))
    if args.schema and args.schema not in names:
        parser.error(f"no schema '{args.schema}' (known: {', '.join(names)})")
    passed = failed = 0

    def fail(message):
        nonlocal failed
        failed += 1
        print(f"FAIL {message}")

    validators = {}
    if args.schema:
        names = [args.schema]
    for name in names:
        try:
            validators[name] = load_validator(name)
            if not args.paths:
                passed += 1
        except (json.JSONDecodeError, jsonschema.SchemaError) as error:
            fail(f"schemas/{name}.schema.json is not a valid 2020-12 schema: {error}")

    def check(name, path, expect_valid):
        nonlocal passed
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        try:
            instance = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            fail(f"{shown}: not readable JSON: {error}")
            return
        error = first_error(validators[name], instance)
        if expect_valid and error:
            fail(f"{shown} against {name}: {error}")
        elif not expect_valid and not error:
            fail(f"{shown} against {name}: accepted, but it is an invalid example")
        else:
            passed += 1

    if not args.paths:  # the examples of every schema (or of --schema NAME alone)
        for name in names:
            if name not in validators:
                continue
            directory = SCHEMAS / "examples" / name
            valid = sorted(directory.glob("*.json"))
            if not valid:
                fail(f"schemas/examples/{name}/ has no valid example")
            for path in valid:
                check(name, path, True)
            for path in sorted((directory / "invalid").glob("*.json")):
                check(name, path, False)
    else:
        if args.schema not in validators:
            print(f"0 passed, {failed} failed")
            return 1
        targets = []
        for target in args.paths:
            found = files_in(target)
            if not found:
                fail(f"{target}: no JSON files")
            targets.extend(found)
        for path in targets:
            check(args.schema, path, True)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
