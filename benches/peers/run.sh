#!/usr/bin/env bash
# The side-by-side comparison of benches/peers/README.md, in one command:
#
#   cargo build --release && bash benches/peers/run.sh
#
# Runs crossroads (one thread) and the NumPy peer on the reduced model (reduced.toml) at
# 1,000,000 agents, REPS times each, taking turns, all pinned to one core when taskset exists.
# The NumPy peer runs twice in each turn: as written, and with --every-probability (the
# aspiration probability of everyone at home worked out each month, as crossroads does; the
# same draws and results, only slower).
# Run i of each uses seed i, so the runs are also independent replicates for the agreement of
# the aggregates. Each wall time is that of the whole process (start-up, reading the scenario,
# drawing the pool, simulating, writing the results). Prints every wall time, the medians, the
# ratio NumPy / crossroads, agent-steps a second, and the aggregates of both side by side.
#
# Settings (environment): CROSSROADS (the binary, default target/release/crossroads), PYTHON
# (default python3), AGENTS (default 1000000), REPS (default 3), CORE (the core to pin to,
# default 0), OUT (a folder for the runs' files, default a new temporary folder).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
CROSSROADS=${CROSSROADS:-target/release/crossroads}
PYTHON=${PYTHON:-python3}
AGENTS=${AGENTS:-1000000}
REPS=${REPS:-3}
CORE=${CORE:-0}
OUT=${OUT:-$(mktemp -d -t crossroads-peers.XXXXXX)}
SCENARIO=benches/peers/reduced.toml
mkdir -p "$OUT"

if [[ ! -x $CROSSROADS ]]; then
    echo "no crossroads binary at $CROSSROADS: run 'cargo build --release' or set CROSSROADS" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import numpy' >/dev/null 2>&1; then
    echo "$PYTHON cannot import numpy: install it (e.g. 'python3 -m pip install numpy', or the" \
        "distribution's python3-numpy package) or set PYTHON to an interpreter that has it" >&2
    exit 1
fi
# NumPy on one thread: no BLAS call is made, but no library may start threads either.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
pin=()
if command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c "$CORE")
fi

# The command of one run: side (crossroads or numpy), seed.
command_of() {
    if [[ $1 == crossroads ]]; then
        cmd=("${pin[@]}" "$CROSSROADS" run "$SCENARIO" --agents "$AGENTS" --replicates 1
            --threads 1 --seed "$2" --quiet --out "$OUT/crossroads-$2")
    elif [[ $1 == numpy ]]; then
        cmd=("${pin[@]}" "$PYTHON" benches/peers/reduced_numpy.py "$SCENARIO"
            --agents "$AGENTS" --seed "$2" --json "$OUT/numpy-$2.json")
    else # numpy-every: the same program, with every aspiration probability worked out
        cmd=("${pin[@]}" "$PYTHON" benches/peers/reduced_numpy.py "$SCENARIO"
            --agents "$AGENTS" --seed "$2" --every-probability --json "$OUT/numpy-every-$2.json")
    fi
}
# One timed run: side, seed. Appends "side seed seconds peak_kib" to $OUT/times (the peak
# resident memory from /usr/bin/time where it exists, else 0).
timed() {
    local mem="$OUT/mem-$1-$2" start end
    command_of "$1" "$2"
    start=$(date +%s.%N)
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f %M -o "$mem" "${cmd[@]}" >/dev/null
    else
        echo 0 >"$mem"
        "${cmd[@]}" >/dev/null
    fi
    end=$(date +%s.%N)
    echo "$1 $2 $(awk "BEGIN { printf \"%.3f\", $end - $start }") $(tail -n 1 "$mem")" >>"$OUT/times"
}

echo "machine: $(getconf _NPROCESSORS_ONLN) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $("$CROSSROADS" --version); $("$PYTHON" -c 'import sys, numpy; print(f"Python {sys.version.split()[0]}, NumPy {numpy.__version__}")')"
echo "pinned: ${pin[*]:-no taskset}; agents: $AGENTS; runs of each: $REPS; files: $OUT"
# Warm-up, not timed: the binary, Python and NumPy in the page cache.
for side in crossroads numpy numpy-every; do
    command_of "$side" 0
    "${cmd[@]}" >/dev/null
done
: >"$OUT/times"
for ((i = 1; i <= REPS; i++)); do
    echo "run $i of $REPS: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    # Take turns, and change who goes first, so that a drift in the machine's load falls on all.
    sides=(crossroads numpy numpy-every)
    for ((j = 0; j < 3; j++)); do
        timed "${sides[(i + j) % 3]}" "$i"
    done
done
"$PYTHON" "$here/summarise.py" "$OUT" "$AGENTS"
