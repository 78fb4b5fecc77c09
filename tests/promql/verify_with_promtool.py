#!/usr/bin/env python3
"""Checks the expectations of our PromQL test scripts against the real Prometheus.

Every `eval instant` / `eval_ordered` / `eval_fail` of tests/promql/*.test is turned into a
`promtool test rules` unit test (input series = what the script loaded so far, no expected
samples), so promtool reports what Prometheus actually returns; this script then compares that
with the values the script expects (relative tolerance 1e-6, NaN equals NaN).

Usage: verify_with_promtool.py [--promtool PATH] [SCRIPT.test ...]   (default: all scripts)
Exit status 0 when every checkable expectation matches. Range evals (`eval range`) and evals of
range-vector or string results cannot be checked this way and are counted as skipped.
"""
import argparse
import glob
import json
import math
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_duration_ms(s):
    if s in ("0", ""):
        return 0
    total = 0
    units = {"y": 365 * 86400000, "w": 7 * 86400000, "d": 86400000, "h": 3600000,
             "m": 60000, "s": 1000, "ms": 1}
    for num, unit in re.findall(r"(\d+)(ms|y|w|d|h|m|s)", s):
        total += int(num) * units[unit]
    return total


def parse_number(s):
    low = s.lower()
    if s == "stale":
        return "stale"
    if low == "nan":
        return math.nan
    if low in ("inf", "+inf"):
        return math.inf
    if low == "-inf":
        return -math.inf
    try:
        return float(s)
    except ValueError:
        try:
            return float(int(s, 0))
        except ValueError:
            return None


def expand_token(tok):
    m = re.fullmatch(r"(.*?)x(\d+)", tok)
    head, times = (m.group(1), int(m.group(2))) if m else (tok, None)
    if head == "_":
        return [None] * (1 if times is None else times)
    if times is None:
        return [parse_number(head)]
    op = None
    for i in range(1, len(head)):
        if head[i] in "+-" and head[i - 1] not in "eE":
            op = i
            break
    start = parse_number(head if op is None else head[:op])
    delta = 0.0 if op is None else parse_number(head[op:])
    out = [start]
    v = start
    for _ in range(times):
        v += delta
        out.append(v)
    return out


def split_series(line):
    i = 0
    while i < len(line) and (line[i].isalnum() or line[i] in "_:"):
        i += 1
    if i < len(line) and line[i] == "{":
        quoted = False
        i += 1
        while i < len(line):
            c = line[i]
            if quoted:
                if c == "\\":
                    i += 1
                elif c == '"':
                    quoted = False
            elif c == '"':
                quoted = True
            elif c == "}":
                i += 1
                break
            i += 1
    return line[:i], line[i:].strip()


def parse_labels(sel):
    """metric{a="b"} -> sorted tuple of (name, value)."""
    name, rest = sel, ""
    if "{" in sel:
        name, rest = sel[: sel.index("{")], sel[sel.index("{") + 1: sel.rindex("}")]
    labels = {}
    if name:
        labels["__name__"] = name
    for m in re.finditer(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?', rest):
        labels[m.group(1)] = json.loads('"' + m.group(2) + '"')
    return tuple(sorted(labels.items()))


def fmt_value(v):
    if v is None:
        return "_"
    if v == "stale":
        return "stale"
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def parse_script(text):
    """Yields ("load", step_ms, [(labels_sel, values)]), ("clear",), ("eval", info)."""
    lines = [l.strip() for l in text.split("\n")]
    lines = ["" if l.startswith("#") else l for l in lines]
    i = 0
    while i < len(lines):
        l = lines[i]
        lineno = i + 1
        if not l:
            i += 1
            continue
        block = []
        j = i + 1
        while j < len(lines) and lines[j]:
            block.append(lines[j])
            j += 1
        if l == "clear":
            yield ("clear",)
        elif l.startswith("load"):
            step = parse_duration_ms(l.split()[1])
            series = []
            for b in block:
                sel, vals = split_series(b)
                values = []
                for tok in vals.split():
                    values.extend(expand_token(tok))
                series.append((sel, values))
            yield ("load", step, series)
        elif l.startswith("eval"):
            m = re.fullmatch(r"eval(?:_(fail|ordered))?\s+instant\s+(?:at\s+(\S+?))?\s+(.+)", l)
            if not m:
                yield ("skip", lineno, l)
            else:
                exp = {"fail": m.group(1) == "fail", "scalar": None, "series": {}, "multi": False}
                for b in block:
                    if b.startswith("expected_fail_message "):
                        exp["fail_message"] = b[len("expected_fail_message "):]
                        continue
                    if b.startswith("expected_fail_regexp "):
                        exp["fail_regexp"] = b[len("expected_fail_regexp "):]
                        continue
                    if b.startswith('"') and b.endswith('"'):
                        if b.startswith('"'):
                            exp["multi"] = True
                        continue
                    n = parse_number(b)
                    if n is not None and n != "stale":
                        exp["scalar"] = n
                        continue
                    sel, vals = split_series(b)
                    values = []
                    for tok in vals.split():
                        values.extend(expand_token(tok))
                    if len(values) != 1:
                        exp["multi"] = True
                    exp["series"][parse_labels(sel)] = values[0] if values else None
                yield ("eval", {"line": lineno, "query": m.group(3),
                                "time_ms": parse_duration_ms(m.group(2) or "0"), "exp": exp})
        else:
            yield ("skip", lineno, l)
        i = j


def yaml_quote(s):
    return "'" + s.replace("'", "''") + "'"


def close(a, b):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        if a == b:
            return True
        diff = abs(a - b)
        if a == 0 or b == 0:
            return diff < 1e-300
        return diff / (abs(a) + abs(b)) < 1e-6
    return False


def parse_got(s):
    """{a="b", c="d"} 1E+00, {} 2E+00 -> {labels: value}."""
    out = {}
    i = 0
    while i < len(s):
        if s[i] != "{":
            i += 1
            continue
        j = i + 1
        quoted = False
        while j < len(s):
            c = s[j]
            if quoted:
                if c == "\\":
                    j += 1
                elif c == '"':
                    quoted = False
            elif c == '"':
                quoted = True
            elif c == "}":
                break
            j += 1
        labels = parse_labels(s[i: j + 1])
        m = re.match(r"\s+(\S+?)(,|$)", s[j + 1:])
        val = parse_number(m.group(1))
        out[labels] = val
        i = j + 1 + m.end()
    return out


def run_group(promtool, interval_ms, series, evals):
    step = interval_ms
    doc = ["rule_files: []", "evaluation_interval: 1m", "tests:",
           f"  - interval: {step}ms", "    input_series:"]
    for sel, values in series:
        doc.append(f"      - series: {yaml_quote(sel)}")
        doc.append(f"        values: {yaml_quote(' '.join(fmt_value(v) for v in values) or '_')}")
    doc.append("    promql_expr_test:")
    for e in evals:
        doc.append(f"      - expr: {yaml_quote(e['query'])}")
        doc.append(f"        eval_time: {e['time_ms']}ms")
    # promtool loads samples only up to the last multiple of evaluation_interval at or before the
    # latest eval_time: a last dummy test past every sample makes it load them all.
    last = max([max(0, len(v) - 1) * step for _, v in series] + [e["time_ms"] for e in evals])
    doc.append("      - expr: vector(0)")
    doc.append(f"        eval_time: {(last // 60000 + 1) * 60000}ms")
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write("\n".join(doc) + "\n")
        path = f.name
    try:
        out = subprocess.run([promtool, "test", "rules", path], capture_output=True, text=True)
    finally:
        os.unlink(path)
    text = out.stdout + out.stderr
    # Blocks: '    expr: "<q>", time: <t>, err: <msg>' or with exp/got lines.
    results = []
    lines = text.split("\n")
    k = 0
    while k < len(lines):
        m = re.match(r'\s+expr: (".*"), time: ([^,]+),(?: err: (.*))?$', lines[k])
        if m:
            query = (json.loads(m.group(1)), parse_duration_ms(m.group(2)))
            if m.group(3) is not None:
                results.append((query, "error", m.group(3)))
            else:
                got = ""
                for extra in lines[k + 1: k + 4]:
                    g = re.match(r"\s+got: (.*)$", extra)
                    if g:
                        got = g.group(1)
                results.append((query, "got", {} if got == "nil" else parse_got(got)))
        k += 1
    if out.returncode not in (0, 1) or ("FAILED" not in text and out.returncode != 0):
        raise RuntimeError("promtool failed:\n" + text)
    # Match reports to evals in order; an eval without a report returned nothing.
    per_eval = []
    r = 0
    for e in evals:
        if r < len(results) and results[r][0] == (e["query"], e["time_ms"]):
            per_eval.append(results[r][1:])
            r += 1
        else:
            per_eval.append(("got", {}))
    return per_eval


def format_series(labels, value):
    d = dict(labels)
    name = d.pop("__name__", "")
    inner = ", ".join(f'{k}={json.dumps(v)}' for k, v in sorted(d.items()))
    sel = name + "{" + inner + "}" if inner or not name else name
    return f"  {sel} {fmt_value(value)}"


PRINT = False
FIX = False


def check_script(promtool, path):
    with open(path) as f:
        cmds = list(parse_script(f.read()))
    problems, checked, skipped = [], 0, 0
    fixes = {}
    loaded = []  # (step, sel, values) in the current segment
    pending = []

    def flush():
        nonlocal checked, skipped
        if not pending:
            return
        steps = {s for s, _, _ in loaded} or {60000}
        g = 0
        for s in steps:
            g = math.gcd(g, s)
        series = []
        for s, sel, values in loaded:
            ratio = s // g
            vals = []
            for v in values:
                vals.append(v)
                vals.extend([None] * (ratio - 1))
            series.append((sel, vals))
        evals = [e for e in pending if not e["exp"]["multi"]]
        skipped += len(pending) - len(evals)
        if evals:
            results = run_group(promtool, g, series, evals)
            for e, (kind, val) in zip(evals, results):
                checked += 1
                exp = e["exp"]
                if PRINT:
                    print(f"# line {e['line']}: {e['query']} at {e['time_ms']}ms")
                    if kind == "error":
                        print(f"  ERROR {val}")
                    else:
                        for k in sorted(val):
                            print(format_series(k, val[k]))
                    continue
                where = f"{os.path.basename(path)}:{e['line']}: {e['query']} at {e['time_ms']}ms"
                if kind == "error":
                    if "not a vector or scalar" in val:
                        checked -= 1
                        skipped += 1
                    elif not exp["fail"]:
                        problems.append(f"{where}: Prometheus fails: {val}")
                    elif exp.get("fail_message") and exp["fail_message"] != val:
                        problems.append(f"{where}: Prometheus's error differs:\n    script:     "
                                        f"{exp['fail_message']}\n    prometheus: {val}")
                    elif exp.get("fail_regexp") and not re.search(exp["fail_regexp"], val):
                        problems.append(f"{where}: Prometheus's error does not match "
                                        f"{exp['fail_regexp']}: {val}")
                    continue
                if exp["fail"]:
                    problems.append(f"{where}: Prometheus succeeds, script expects failure")
                    continue
                want = dict(exp["series"])
                if exp["scalar"] is not None:
                    want = {(): exp["scalar"]}
                if set(want) != set(val) or not all(close(want[k], val[k]) for k in want):
                    if FIX:
                        fixes[e["line"]] = (exp["scalar"] is not None, val)
                    problems.append(f"{where}:\n    script:     {sorted(want.items())}\n"
                                    f"    prometheus: {sorted(val.items())}")
        pending.clear()

    for c in cmds:
        if c[0] == "clear":
            flush()
            loaded = []
        elif c[0] == "load":
            flush()
            for sel, values in c[2]:
                loaded.append((c[1], sel, values))
        elif c[0] == "eval":
            pending.append(c[1])
        else:
            skipped += 1
    flush()
    if fixes:
        with open(path) as f:
            lines = f.read().split("\n")
        out = []
        i = 0
        while i < len(lines):
            out.append(lines[i])
            if i + 1 in fixes:
                scalar, val = fixes[i + 1]
                j = i + 1
                while j < len(lines) and lines[j].strip():
                    j += 1
                if scalar and list(val) == [()]:
                    out.append("  " + fmt_value(val[()]))
                else:
                    out.extend(format_series(k, val[k]) for k in sorted(val))
                i = j
                continue
            i += 1
        with open(path, "w") as f:
            f.write("\n".join(out))
    return problems, checked, skipped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--promtool", default="promtool")
    ap.add_argument("--print", action="store_true",
                    help="print what Prometheus returns for every eval instead of comparing")
    ap.add_argument("--fix", action="store_true",
                    help="rewrite differing expectations with Prometheus's results")
    ap.add_argument("scripts", nargs="*")
    args = ap.parse_args()
    global PRINT, FIX
    PRINT = args.print
    FIX = args.fix
    scripts = args.scripts or sorted(glob.glob(os.path.join(HERE, "*.test")))
    total_problems, total_checked, total_skipped = 0, 0, 0
    for s in scripts:
        problems, checked, skipped = check_script(args.promtool, s)
        total_checked += checked
        total_skipped += skipped
        total_problems += len(problems)
        for p in problems:
            print(p)
        print(f"{os.path.basename(s)}: {checked} checked, {skipped} skipped, "
              f"{len(problems)} differ")
    print(f"total: {total_checked} checked, {total_skipped} skipped, {total_problems} differ")
    return 1 if total_problems else 0


if __name__ == "__main__":
    sys.exit(main())
