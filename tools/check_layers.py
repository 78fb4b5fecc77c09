#!/usr/bin/env python3
"""Checks every #include "..." in src/ against the layer table of DESIGN.md.

A component may include itself and components in strictly lower layers; an edge that points up
or sideways fails. Prints each offending include as FILE:LINE and exits 1 if there is any.
"""
import os
import re
import sys

# Layer table from DESIGN.md ("Components and layout").
LAYERS = {
    "core": 0,
    "net": 1, "expfmt": 1, "storage": 1,
    "instrument": 2, "docker": 2, "promql/parser": 2,
    "tsdb": 3, "promql": 3, "scrape": 3, "collect": 3, "notify": 3,
    "rules": 4,
    "config": 5, "api": 5, "gallery": 5, "load": 5, "analyze": 5,
    "cmd": 6,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def component_of(path):
    """Longest component prefix of a path relative to src/ (promql/parser before promql)."""
    best = None
    for comp in LAYERS:
        if path == comp or path.startswith(comp + "/"):
            if best is None or len(comp) > len(best):
                best = comp
    return best


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "src"
    problems = []
    checked = 0
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith((".h", ".hpp", ".cpp", ".cc")):
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            src_comp = component_of(rel)
            if src_comp is None:
                problems.append(f"{full}: not inside any component of the layer table")
                continue
            with open(full, encoding="utf-8", errors="replace") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    dst_comp = component_of(target)
                    if dst_comp is None:
                        # Quoted includes must be rooted at src/ and name a component.
                        if not os.path.exists(os.path.join(dirpath, target)):
                            problems.append(f"{full}:{lineno}: include \"{target}\" is not rooted at src/")
                        continue
                    checked += 1
                    if dst_comp == src_comp:
                        continue
                    if LAYERS[dst_comp] >= LAYERS[src_comp]:
                        kind = "up" if LAYERS[dst_comp] > LAYERS[src_comp] else "sideways"
                        problems.append(
                            f"{full}:{lineno}: {src_comp} (L{LAYERS[src_comp]}) includes "
                            f"\"{target}\" from {dst_comp} (L{LAYERS[dst_comp]}): edge points {kind}")
    for p in problems:
        print(p)
    print(f"check_layers: {checked} includes checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
