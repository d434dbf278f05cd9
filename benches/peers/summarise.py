#!/usr/bin/env python3
"""Summarise the runs of benches/peers/run.sh: wall times, medians, the ratio NumPy /
crossroads, agent-steps a second, and the aggregates of both side by side.

    python3 benches/peers/summarise.py OUT AGENTS

OUT holds `times` (lines "side seed seconds peak_kib"), crossroads-<seed>/ (its output folders)
and numpy-<seed>.json.
"""

import csv
import json
import math
import statistics
import sys

# (name, label, how it is read from crossroads' files)
METRICS = [
    ("regular_departures_per_year", "regular departures a year", "outcome"),
    ("irregular_departures_per_year", "irregular departures a year", "outcome"),
    ("deaths_per_year", "deaths a year", "outcome"),
    ("deaths_per_1000_irregular", "deaths per 1,000 irregular departures", "outcome"),
    ("returns_per_year", "returns a year", "outcome"),
    ("borrowed_share", "share of regular departures who borrowed", "outcome"),
    ("returnee_in_debt_share", "share of returnees in debt", "outcome"),
    ("mean_debt_usd", "mean debt of those who owe, USD", "mean:mean_debt_usd"),
    ("mean_migration_cost_usd", "mean cost of a regular migration, USD", "outcome"),
    ("promise_broken_share", "share of arrivals paid under the promise", "outcome"),
    ("remittances_usd_per_year", "remittances a year, USD", "outcome"),
    ("working", "persons working abroad (mean stock)", "mean:working"),
    ("seeking", "persons seeking (mean stock)", "mean:seeking"),
    ("in_transit", "persons in transit (mean stock)", "mean:in_transit"),
    ("exited_per_year", "persons leaving the pool by age a year", "year:exited"),
]


def crossroads_aggregates(folder):
    with open(f"{folder}/outcomes.csv") as f:
        outcomes = {r["metric"]: float(r["value"]) for r in csv.DictReader(f)
                    if r["by"] == "" and r["value"] != ""}
    with open(f"{folder}/timeseries.csv") as f:
        ts = list(csv.DictReader(f))
    out = {}
    for name, _, how in METRICS:
        if how == "outcome":
            out[name] = outcomes.get(name)
        else:
            kind, col = how.split(":")
            mean = sum(float(r[col]) for r in ts) / len(ts)
            out[name] = mean * 12 if kind == "year" else mean
    with open(f"{folder}/manifest.json") as f:
        m = json.load(f)
    return out, m["wall_seconds"], m["months"] + m["spin_up_months"], m["months"]


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.4f}"


SIDES = [("crossroads", "crossroads"), ("numpy", "NumPy"),
         ("numpy-every", "NumPy, every probability")]


def main():
    out, agents = sys.argv[1], int(sys.argv[2])
    runs = {side: {} for side, _ in SIDES}
    with open(f"{out}/times") as f:
        for line in f:
            side, seed, sec, kib = line.split()
            runs[side][int(seed)] = (float(sec), int(kib))
    sides = [(k, label) for k, label in SIDES if runs[k]]
    seeds = sorted(runs["crossroads"])
    agg = {"crossroads": [], "numpy": []}
    sim = {k: [] for k, _ in sides}
    months = reported = None
    for s in seeds:
        a, secs, months, reported = crossroads_aggregates(f"{out}/crossroads-{s}")
        agg["crossroads"].append(a)
        sim["crossroads"].append(secs)
        for k in ("numpy", "numpy-every"):
            if k not in sim:
                continue
            with open(f"{out}/{k}-{s}.json") as f:
                j = json.load(f)
            sim[k].append(j["run"]["simulation_seconds"])
            assert j["run"]["months"] == months, "both must simulate the same months"
            if k == "numpy":
                agg["numpy"].append(j["aggregates"])
            else:
                assert j["aggregates"] == agg["numpy"][-1], \
                    "--every-probability must give the same results as the default"
    steps = agents * months
    base = "crossroads"

    print()
    print(f"Wall time of the whole process, seconds ({agents:,} agents, {months} months, "
          f"{steps / 1e6:,.0f} million agent-steps a run)")
    print(f"{'run (seed)':>10}" + "".join(f" {label:>26}" for _, label in sides))
    for s in seeds:
        print(f"{s:>10}" + "".join(f" {runs[k][s][0]:>26.2f}" for k, _ in sides))
    med = {k: statistics.median(runs[k][s][0] for s in seeds) for k, _ in sides}
    msim = {k: statistics.median(sim[k]) for k, _ in sides}
    mem = {k: max(runs[k][s][1] for s in seeds) for k, _ in sides}
    print(f"{'median':>10}" + "".join(f" {med[k]:>26.2f}" for k, _ in sides))
    print(f"{'/ crossr.':>10}" + "".join(f" {med[k] / med[base]:>26.2f}" for k, _ in sides))
    print()
    print(f"{'':36}" + "".join(f" {label:>26}" for _, label in sides))
    print(f"{'agent-steps/s, whole process':36}"
          + "".join(f" {steps / med[k] / 1e6:>25.1f}M" for k, _ in sides))
    print(f"{'simulation alone, median s':36}" + "".join(f" {msim[k]:>26.2f}" for k, _ in sides))
    print(f"{'agent-steps/s, simulation alone':36}"
          + "".join(f" {steps / msim[k] / 1e6:>25.1f}M" for k, _ in sides))
    if all(mem.values()):
        print(f"{'peak resident memory, MiB':36}"
              + "".join(f" {mem[k] / 1024:>26.0f}" for k, _ in sides))
    for k, label in sides[1:]:
        print(f"ratio of the medians, {label} / crossroads: {med[k] / med[base]:.2f} "
              f"(whole process), {msim[k] / msim[base]:.2f} (simulation alone)")

    n = len(seeds)
    print()
    print(f"Aggregates over the {reported} reported months (after {months - reported} of "
          f"spin-up), mean of {n} runs (seeds {', '.join(map(str, seeds))}); "
          f"z = difference / its standard error")
    print(f"{'':42} {'crossroads':>14} {'NumPy':>14} {'diff':>7} {'z':>6}")
    for name, label, _ in METRICS:
        c = [a[name] for a in agg["crossroads"] if a.get(name) is not None]
        p = [a[name] for a in agg["numpy"] if a.get(name) is not None]
        if not c or not p:
            continue
        mc, mp = statistics.fmean(c), statistics.fmean(p)
        diff = (mp - mc) / mc * 100 if mc else float("nan")
        se = (math.sqrt(statistics.variance(c) / len(c) + statistics.variance(p) / len(p))
              if len(c) > 1 and len(p) > 1 else 0.0)
        z = f"{(mp - mc) / se:6.1f}" if se > 0 else "     -"
        print(f"{label:42} {fmt(mc):>14} {fmt(mp):>14} {diff:>6.1f}% {z}")


if __name__ == "__main__":
    main()
