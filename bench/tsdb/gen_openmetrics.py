#!/usr/bin/env python3
"""Writes an OpenMetrics file with realistic counters and gauges scraped every 15 s.

Deterministic (fixed seed). The mix follows what node-exporter, cAdvisor and an application
expose: float CPU-seconds counters, integer byte/packet/request counters, histogram buckets,
slowly moving and constant gauges, with a few milliseconds of scrape jitter on timestamps.

usage: gen_openmetrics.py OUT [--hours 6] [--targets 10] [--start 1700000000]
"""
import argparse
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--hours", type=float, default=6)
    ap.add_argument("--targets", type=int, default=5)
    ap.add_argument("--start", type=int, default=1700000000, help="unix seconds, 2h-aligned")
    a = ap.parse_args()
    rnd = random.Random(42)
    step = 15
    n = int(a.hours * 3600 / step)

    series = []  # (family, type, help, labels dict, generator)

    def counter(rate, integer, noise):
        # Float counters are kept as integer hundredths and divided on output, as node-exporter
        # does with USER_HZ ticks: values are the nearest doubles to 2-decimal numbers.
        scale = 1 if integer else 100
        state = {"ticks": rnd.randint(0, 10**6) * (1 if integer else 1000)}

        def next_value():
            inc = max(0.0, rate * step * (1 + rnd.uniform(-noise, noise)))
            state["ticks"] += round(inc * scale)
            return state["ticks"] / scale
        return next_value

    def gauge(base, spread, decimals, walk):
        state = {"v": base}

        def next_value():
            if walk:
                state["v"] = max(0.0, state["v"] + rnd.uniform(-spread, spread))
                v = state["v"]
            else:
                v = base + rnd.uniform(-spread, spread)
            return round(v, decimals) if decimals > 0 else float(round(v))
        return next_value

    def const(v):
        return lambda: v

    for t in range(a.targets):
        inst = {"instance": f"10.0.0.{t + 1}:9100", "job": "node"}
        for cpu in range(4):
            for mode, rate in (("idle", 0.7), ("user", 0.2), ("system", 0.06), ("iowait", 0.01),
                               ("irq", 0.001), ("softirq", 0.004), ("steal", 0.0), ("nice", 0.0)):
                series.append(("node_cpu_seconds", "counter", "Seconds the CPUs spent in each mode.",
                               dict(inst, cpu=str(cpu), mode=mode), counter(rate, False, 0.3)))
        for dev in ("eth0", "lo"):
            for d, rate in (("receive", 2e5), ("transmit", 1e5)):
                series.append((f"node_network_{d}_bytes", "counter", "Network device statistic.",
                               dict(inst, device=dev), counter(rate, True, 0.5)))
                series.append((f"node_network_{d}_packets", "counter", "Network device statistic.",
                               dict(inst, device=dev), counter(rate / 800, True, 0.5)))
        for name, base in (("MemAvailable", 6e9), ("MemFree", 2e9), ("Cached", 3e9), ("Buffers", 2e8)):
            series.append((f"node_memory_{name}_bytes", "gauge", "Memory information field.",
                           dict(inst), gauge(base, 4096 * 50, 0, True)))
        series.append(("node_memory_MemTotal_bytes", "gauge", "Memory information field.",
                       dict(inst), const(16e9)))
        for i, base in ((1, 0.8), (5, 0.7), (15, 0.6)):
            series.append((f"node_load{i}", "gauge", "Load average.", dict(inst),
                           gauge(base, 0.05, 2, True)))
        for fs_ in ("/", "/var"):
            series.append(("node_filesystem_avail_bytes", "gauge", "Filesystem space available.",
                           dict(inst, mountpoint=fs_), gauge(5e10, 4096 * 10, 0, True)))
        series.append(("up", "gauge", "Target up.", dict(inst), const(1.0)))
        app = {"instance": f"10.0.1.{t + 1}:8080", "job": "gallery"}
        for handler in ("/", "/upload", "/image", "/thumb"):
            for code, rate in (("200", 5.0), ("404", 0.1), ("500", 0.02)):
                series.append(("http_requests", "counter", "Requests served.",
                               dict(app, handler=handler, code=code), counter(rate, True, 0.8)))
            le_total = 0.0
            for le, frac in (("0.005", 0.2), ("0.01", 0.4), ("0.05", 0.7), ("0.1", 0.85),
                             ("0.5", 0.97), ("1", 0.99), ("+Inf", 1.0)):
                series.append(("http_request_duration_seconds_bucket", "histogram_bucket",
                               "Request latency.", dict(app, handler=handler, le=le),
                               counter(5.0 * frac, True, 0.2)))
        series.append(("process_resident_memory_bytes", "gauge", "Resident memory size.",
                       dict(app), gauge(2e8, 1e6, 0, True)))
        series.append(("process_cpu_seconds", "counter", "CPU time.", dict(app),
                       counter(0.3, False, 0.5)))

    # OpenMetrics wants each family's samples together; group by family name.
    fams = {}
    for s in series:
        fams.setdefault(s[0], []).append(s)
    with open(a.out, "w") as f:
        for fam, members in fams.items():
            typ = members[0][1]
            om_fam = fam
            if typ == "histogram_bucket":
                om_fam = fam[:-len("_bucket")]
                f.write(f"# HELP {om_fam} {members[0][2]}\n# TYPE {om_fam} histogram\n")
            else:
                f.write(f"# HELP {fam} {members[0][2]}\n# TYPE {fam} {typ}\n")
            sample_name = fam + "_total" if typ == "counter" else fam
            for _, _, _, labels, gen in members:
                lab = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
                for i in range(n):
                    ts_ms = (a.start + i * step) * 1000 + rnd.randint(0, 4)
                    v = gen()
                    vs = repr(float(v)) if v != int(v) or abs(v) >= 1e15 else f"{v:.1f}"
                    f.write(f"{sample_name}{{{lab}}} {vs} {ts_ms // 1000}.{ts_ms % 1000:03d}\n")
        f.write("# EOF\n")
    print(f"{len(series)} series x {n} samples = {len(series) * n} samples -> {a.out}")


if __name__ == "__main__":
    main()
