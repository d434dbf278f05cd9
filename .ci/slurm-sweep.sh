#!/usr/bin/env bash
# A sweep on a real Slurm: brings up a throw-away single-node cluster, runs a small sweep
# locally, submits the same sweep as an array job with its dependent merge job
# (`crossroads sweep --slurm`), waits for both, and checks that the merged tables are
# byte-identical to the local ones. Stops every daemon it started. Run as root, after the
# release build (`cargo test --release` builds target/release/crossroads).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR
source .ci/slurm-cluster.sh
trap slurm_stop EXIT

daemons='slurmctld|slurmd|slurmstepd|munged'
# Slurm and munge daemons running now (zombies skipped: init reaps detached steps late).
daemon_pids() {
    local p comm stat
    for p in /proc/[0-9]*; do
        { comm=$(<"$p/comm"); } 2>/dev/null || continue
        [[ $comm =~ ^($daemons)$ ]] || continue
        { stat=$(<"$p/stat"); } 2>/dev/null || continue
        stat=${stat##*) }
        [[ ${stat:0:1} == Z ]] || echo "${p#/proc/} $comm"
    done
    return 0
}

start=$SECONDS
exe=$PWD/target/release/crossroads
[[ -x $exe ]] || { echo "FAIL: $exe is not built" >&2; exit 1; }
slurm_install
before=$(daemon_pids)
slurm_start
echo "cluster up after $((SECONDS - start)) s"

# Inside the cluster's folder, so that slurm_stop removes it too; readable by the jobs.
work=$SLURM_CI_DIR/sweep
mkdir -p "$work"
fixture=$PWD/tests/fixtures/small.toml
cat >"$work/campaign.toml" <<TOML
extends = "$fixture"
name = "campaign"
[[event]]
date = "2023-01"
set = { "policy.awareness.coverage_share" = 0.6 }
TOML
cat >"$work/sweep.toml" <<TOML
baseline = "$fixture"
scenarios = ["campaign.toml"]
design = "sobol"
n = 8
replicates = 2
agents = 2000
seed = 5
metrics = ["trafficked_per_year", "irregular_departures_per_year", "deaths_per_year"]
[[parameter]]
key = "policy.awareness.effect_share"
distribution = "uniform"
low = 0.1
high = 0.6
[[parameter]]
key = "choice.value_of_life_usd"
distribution = "log_uniform"
low = 20000
high = 200000
[[parameter]]
key = "market.deterrence_elasticity"
distribution = "truncated_normal"
mean = 0.2
sd = 0.1
low = 0.05
high = 0.5
TOML

"$exe" sweep "$work/sweep.toml" --out "$work/local" --quiet
"$exe" sweep "$work/sweep.toml" --out "$work/cluster" --slurm --shards 4 --slurm-cpus 1 \
    --slurm-time 5
bash "$work/cluster/slurm/submit.sh"
read -r array merge <"$work/cluster/slurm/jobs"
slurm_wait_jobs -t 150 "$array" "$merge"
echo "array job $array and merge job $merge finished after $((SECONDS - start)) s"

for t in points.csv results.csv sensitivity.csv robustness.csv; do
    if ! cmp "$work/local/$t" "$work/cluster/$t"; then
        echo "FAIL: $t from Slurm differs from the local sweep's" >&2
        exit 1
    fi
done
shards=$(find "$work/cluster/shards" -name '*-of-4.log' | wc -l)
if [[ $shards -ne 4 ]]; then
    echo "FAIL: expected 4 shard logs from the array tasks, found $shards" >&2
    exit 1
fi

slurm_stop
after=$(daemon_pids)
leftover=$(comm -13 <(sort <<<"$before") <(sort <<<"$after") | sed '/^$/d')
if [[ -n $leftover ]]; then
    echo "FAIL: daemons still running after the cluster was stopped:" >&2
    echo "$leftover" >&2
    exit 1
fi
echo "PASS: the sweep on Slurm ($array, 4 shards, merge $merge) matches the local sweep byte for byte, in $((SECONDS - start)) s"
