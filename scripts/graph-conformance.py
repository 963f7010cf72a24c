#!/usr/bin/env python3
"""Runs `baton graph` over every definition of the ASL conformance cases (../shared/conformance):
cases/, lambda_cases/ and those of invalid/ that are JSON objects with a States object. A definition
passes when svg, dot and mermaid all exit 0, the SVG is well-formed XML with a node per state, and the
DOT and Mermaid texts start as they should. Prints each failure, then `N passed, M failed, K skipped`.

usage: graph-conformance.py BATON DIR...
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def count_states(states):
    n = 0
    for s in states.values():
        n += 1
        if not isinstance(s, dict):
            continue
        for b in s.get("Branches", []) or []:
            if isinstance(b, dict) and isinstance(b.get("States"), dict):
                n += count_states(b["States"])
        for key in ("ItemProcessor", "Iterator"):
            p = s.get(key)
            if isinstance(p, dict) and isinstance(p.get("States"), dict):
                n += count_states(p["States"])
                break
    return n


def check(baton, path):
    """None when the definition draws, else why not; 'skip' when there is nothing to draw."""
    with open(path) as f:
        case = json.load(f)
    definition = case.get("definition")
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except ValueError:
            return "skip"
    if not isinstance(definition, dict) or not isinstance(definition.get("States"), dict):
        return "skip"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tmp:
        json.dump(definition, tmp)
    try:
        outputs = {}
        for fmt in ("svg", "dot", "mermaid"):
            run = subprocess.run([baton, "graph", tmp.name, "--format", fmt], capture_output=True, text=True, timeout=30)
            if run.returncode != 0:
                return f"{fmt}: exit {run.returncode}: {run.stderr.strip()[:200]}"
            outputs[fmt] = run.stdout
        try:
            root = ET.fromstring(outputs["svg"])
        except ET.ParseError as e:
            return f"svg: not well-formed: {e}"
        nodes = [g for g in root.iter(SVG + "g") if "node" in (g.get("class") or "").split()
                 and g.get("data-type") not in ("Start", "End", "Missing")]
        want = count_states(definition["States"])
        if len(nodes) != want:
            return f"svg: {len(nodes)} state nodes, want {want}"
        if not outputs["dot"].startswith("digraph "):
            return "dot: does not start with 'digraph'"
        if not outputs["mermaid"].startswith("flowchart TD"):
            return "mermaid: does not start with 'flowchart TD'"
        return None
    finally:
        os.unlink(tmp.name)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    baton = sys.argv[1]
    passed = failed = skipped = 0
    for folder in sys.argv[2:]:
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".json"):
                continue
            why = check(baton, os.path.join(folder, name))
            if why == "skip":
                skipped += 1
            elif why is None:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {os.path.basename(folder)}/{name}: {why}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
