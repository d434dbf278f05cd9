#!/usr/bin/env bash
# Throw-away single-node Slurm cluster for CI jobs that need a real scheduler.
#
# Source this file (do not execute it), then:
#   trap slurm_stop EXIT
#   slurm_start                       # exports SLURM_CONF; sbatch/squeue/... now talk to it
#   slurm_wait_jobs [-t SECS] JOBID...
#
# Everything (config, state, spool, logs, munge socket) lives in one mktemp folder,
# $SLURM_CI_DIR, so the cluster never touches /etc/slurm or a system munged that may
# already be running, and teardown is a single rm -rf.  The daemons run in the
# foreground as background jobs of the sourcing shell so their PIDs are known the
# moment they start; call slurm_start from the main shell, not from $(...) or a pipe.
#
# Needs root: slurmd must be able to start jobs as the submitting user.

# Tunables (environment).
: "${SLURM_CI_START_TIMEOUT:=60}"  # seconds to wait for the node to become idle
: "${SLURM_CI_WAIT_TIMEOUT:=150}"  # default timeout of slurm_wait_jobs

SLURM_CI_DIR=${SLURM_CI_DIR:-}
SLURM_CI_MUNGED_PID=${SLURM_CI_MUNGED_PID:-}
SLURM_CI_SLURMCTLD_PID=${SLURM_CI_SLURMCTLD_PID:-}
SLURM_CI_SLURMD_PID=${SLURM_CI_SLURMD_PID:-}

_slurm_log() { echo "slurm-cluster: $*" >&2; }

# True while PID runs.  A daemon that died but was not reaped yet is a zombie, which
# kill -0 still accepts, so read the process state too (from /proc: slim images lack ps).
_slurm_alive() {
    local pid=${1:-} stat
    [[ -n $pid ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    { stat=$(<"/proc/$pid/stat"); } 2>/dev/null || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# Installs the packages only when missing, so machines that already have them (or no
# mirror access) skip apt entirely.  apt-get update only runs if the plain install fails,
# which keeps the common case fast.  The lock timeout lets a concurrent apt/dpkg finish.
slurm_install() {
    if command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 \
        && command -v munged >/dev/null 2>&1 && command -v sinfo >/dev/null 2>&1; then
        return 0
    fi
    local apt=(apt-get -q -y -o DPkg::Lock::Timeout=600 --no-install-recommends)
    _slurm_log "installing slurm-wlm and munge"
    if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install slurm-wlm munge >/dev/null; then
        _slurm_log "install failed; refreshing package lists and retrying"
        DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=600 update >/dev/null \
            || return 1
        DEBIAN_FRONTEND=noninteractive "${apt[@]}" install slurm-wlm munge >/dev/null || return 1
    fi
}

# munged refuses to start unless the key belongs to the user it runs as and nobody else
# can read it.  Debian's postinst normally creates the key already.
_slurm_munge_key() {
    local key=/etc/munge/munge.key
    [[ -s $key ]] && return 0
    _slurm_log "creating $key"
    install -d -o munge -g munge -m 0700 /etc/munge || return 1
    if command -v mungekey >/dev/null 2>&1; then
        mungekey --create --keyfile="$key" || return 1
    else
        dd if=/dev/urandom of="$key" bs=1 count=1024 status=none || return 1
    fi
    chown munge:munge "$key" && chmod 0400 "$key"
}

# In the foreground the daemons copy their log to stderr (*.out), which also catches errors
# from before the log file is opened, such as a bad slurm.conf.
_slurm_dump_logs() {
    local d f
    for d in munged slurmctld slurmd; do
        f=$SLURM_CI_DIR/$d.out
        [[ -s $f ]] || f=$SLURM_CI_DIR/$d.log
        [[ -s $f ]] || continue
        echo "----- $f (last 50 lines) -----" >&2
        tail -n 50 "$f" >&2
    done
}

_slurm_fail() {
    _slurm_log "start failed: $*"
    [[ -n $SLURM_CI_DIR && -d $SLURM_CI_DIR ]] && _slurm_dump_logs
    return 1
}

slurm_start() {
    if [[ -n $SLURM_CI_DIR ]]; then
        _slurm_log "already started ($SLURM_CI_DIR)"
        return 1
    fi
    [[ $(id -u) -eq 0 ]] || { _slurm_log "must run as root"; return 1; }
    slurm_install || { _slurm_log "package installation failed"; return 1; }
    id -u munge >/dev/null 2>&1 || { _slurm_log "no munge user"; return 1; }
    _slurm_munge_key || { _slurm_log "cannot create the munge key"; return 1; }

    SLURM_CI_DIR=$(mktemp -d /tmp/slurm-ci.XXXXXX) || return 1
    # The munge user must be able to reach its socket directory inside the folder.
    chmod 0755 "$SLURM_CI_DIR"
    local dir=$SLURM_CI_DIR
    local sock=$dir/munge/munge.socket
    install -d -o munge -g munge -m 0755 "$dir/munge" || _slurm_fail "munge dir" || return 1
    mkdir -p "$dir/state" "$dir/spool" || return 1

    # A private munged on a private socket: no clash with a system munged, and setpriv
    # execs in place so $! is munged itself (runuser would fork and sit in between).
    setpriv --reuid=munge --regid=munge --init-groups \
        /usr/sbin/munged --foreground --socket="$sock" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed" \
        </dev/null >"$dir/munged.out" 2>&1 &
    SLURM_CI_MUNGED_PID=$!
    local i
    for ((i = 0; i < 50; i++)); do
        munge --socket="$sock" --no-input >/dev/null 2>&1 && break
        _slurm_alive "$SLURM_CI_MUNGED_PID" || break
        sleep 0.2
    done
    munge --socket="$sock" --no-input 2>/dev/null | unmunge --socket="$sock" >/dev/null 2>&1 \
        || _slurm_fail "munged is not answering on $sock" || return 1

    # Node line from slurmd -C so the node registers with exactly the hardware slurmd
    # detects (a larger configured CPU/memory count would drain it).  NodeAddr and the
    # controller address are pinned to loopback so name resolution cannot break it.
    local host node
    host=$(hostname -s)
    node=$(slurmd -C 2>/dev/null | sed -n 's/^NodeName=[^ ]* //p' | head -n 1)
    if [[ -z $node ]]; then
        node="CPUs=$(nproc) RealMemory=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)"
    fi
    cat >"$dir/slurm.conf" <<EOF
ClusterName=ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
# No cgroups: CI containers rarely delegate them.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
# Without accounting, finished jobs are only visible in slurmctld memory for this long.
MinJobAge=300
# A node that was down (e.g. slurmd started late) rejoins as soon as it registers.
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 $node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF=$dir/slurm.conf

    slurmctld -D -f "$SLURM_CONF" </dev/null >"$dir/slurmctld.out" 2>&1 &
    SLURM_CI_SLURMCTLD_PID=$!
    slurmd -D -f "$SLURM_CONF" </dev/null >"$dir/slurmd.out" 2>&1 &
    SLURM_CI_SLURMD_PID=$!

    local deadline=$((SECONDS + SLURM_CI_START_TIMEOUT)) state
    while ((SECONDS < deadline)); do
        _slurm_alive "$SLURM_CI_SLURMCTLD_PID" || _slurm_fail "slurmctld exited" || return 1
        _slurm_alive "$SLURM_CI_SLURMD_PID" || _slurm_fail "slurmd exited" || return 1
        # sinfo retries for ~9 s while the controller is not listening yet; cut that short
        # so a crashed daemon is noticed on the next round.
        state=$(timeout 3 sinfo -h -n "$host" -o %t 2>/dev/null | head -n 1) || state=
        case $state in
            idle) _slurm_log "node $host is idle (${SLURM_CONF})"; return 0 ;;
            # A trailing * means slurmd is not responding yet; only resume a node that is
            # reachable but was marked down/drained.
            down | drain | drng | fail | failg)
                scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
        esac
        sleep 0.5
    done
    _slurm_fail "node $host not idle after ${SLURM_CI_START_TIMEOUT}s (state '${state:-?}')"
}

# Live slurmstepd processes of this cluster.  They detach from slurmd and can outlast it
# by a moment; they inherit slurmd's environment, which is how ours are told apart.
_slurm_stepds() {
    local p comm
    for p in /proc/[0-9]*; do
        { comm=$(<"$p/comm"); } 2>/dev/null || continue
        [[ $comm == slurmstepd ]] || continue
        _slurm_alive "${p#/proc/}" || continue
        grep -qxF "SLURM_CONF=$SLURM_CI_DIR/slurm.conf" \
            < <(tr '\0' '\n' 2>/dev/null <"$p/environ") && echo "${p#/proc/}"
    done
    return 0
}

# Waits up to TIMEOUT seconds for each PID to exit; returns non-zero if any is left.
_slurm_wait_gone() {
    local timeout=$1 pid left
    shift
    local deadline=$((SECONDS + timeout))
    while :; do
        left=0
        for pid in "$@"; do _slurm_alive "$pid" && left=1; done
        ((left)) || return 0
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# Safe to call repeatedly and from an EXIT trap after a partial start: every step
# tolerates a missing daemon, and errexit cannot abort it halfway.
# PID variables are left unquoted on purpose: a daemon never started must vanish.
# shellcheck disable=SC2086
slurm_stop() {
    [[ -n ${SLURM_CI_DIR:-} ]] || return 0
    local ctld=${SLURM_CI_SLURMCTLD_PID:-} slurmd=${SLURM_CI_SLURMD_PID:-}
    local munged=${SLURM_CI_MUNGED_PID:-} pid rc=0

    if _slurm_alive "$ctld"; then
        # Stopping slurmd does not end running jobs (steps survive slurmd restarts), so
        # leftovers would keep writing into the folder about to be removed.
        local jobs i
        jobs=$(timeout 10 squeue -h -o %i 2>/dev/null) || jobs=
        if [[ -n $jobs ]]; then
            timeout 10 scancel --full --quiet $jobs >/dev/null 2>&1 || true
            for ((i = 0; i < 50; i++)); do
                jobs=$(timeout 10 squeue -h -o %i 2>/dev/null) || jobs=
                [[ -z $jobs ]] && break
                sleep 0.2
            done
        fi
        timeout 10 scontrol shutdown >/dev/null 2>&1 || true
        _slurm_wait_gone 15 $slurmd $ctld || true
    fi
    # Without a controller (failed start) slurmd sits in its registration retries and
    # only reacts to signals slowly, so it gets a short grace period before SIGKILL.
    for pid in $slurmd $ctld; do
        if _slurm_alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    _slurm_wait_gone 3 $slurmd $ctld || {
        for pid in $slurmd $ctld; do kill -KILL "$pid" 2>/dev/null || true; done
    }
    # munged goes last: slurmd/slurmctld may still authenticate while shutting down.
    if _slurm_alive "$munged"; then
        kill -TERM "$munged" 2>/dev/null || true
        _slurm_wait_gone 10 $munged || kill -KILL "$munged" 2>/dev/null || true
    fi
    local stepds
    stepds=$(_slurm_stepds)
    if [[ -n $stepds ]]; then
        _slurm_wait_gone 10 $stepds || {
            for pid in $stepds; do kill -KILL "$pid" 2>/dev/null || true; done
        }
    fi
    _slurm_wait_gone 5 $slurmd $ctld $munged $stepds || {
        _slurm_log "daemons still running"
        rc=1
    }
    # Reap them so no zombie of ours outlives the cluster (never block on a live one).
    for pid in $slurmd $ctld $munged; do
        _slurm_alive "$pid" || wait "$pid" 2>/dev/null || true
    done

    rm -rf "$SLURM_CI_DIR" || rc=1
    [[ ${SLURM_CONF:-} == "$SLURM_CI_DIR/slurm.conf" ]] && unset SLURM_CONF
    SLURM_CI_DIR='' SLURM_CI_MUNGED_PID='' SLURM_CI_SLURMCTLD_PID='' SLURM_CI_SLURMD_PID=''
    return $rc
}

# slurm_wait_jobs [-t SECONDS] JOBID...
# Waits until none of the jobs (array jobs included) is queued, running or completing,
# then checks each finished record.  There is no accounting database, so the verdict
# comes from scontrol, which keeps finished jobs for MinJobAge (300 s): call this soon
# after the jobs end.  Non-zero on timeout or if any job did not end COMPLETED.
slurm_wait_jobs() {
    local timeout=${SLURM_CI_WAIT_TIMEOUT:-150}
    if [[ ${1:-} == -t ]]; then
        timeout=${2:?slurm_wait_jobs: -t needs seconds}
        shift 2
    fi
    (($# > 0)) || { echo "usage: slurm_wait_jobs [-t SECONDS] JOBID..." >&2; return 2; }
    local ids
    ids=$(IFS=,; echo "$*")
    local deadline=$((SECONDS + timeout)) out
    while :; do
        # squeue errors (e.g. a controller hiccup) are retried rather than read as "done";
        # an unknown job id keeps failing, and the timeout message then shows the error.
        if out=$(squeue -h -j "$ids" -o '%i %T' 2>&1) && [[ -z $out ]]; then
            break
        fi
        if ((SECONDS >= deadline)); then
            echo "slurm_wait_jobs: timeout after ${timeout}s; squeue says:" >&2
            echo "$out" >&2
            return 1
        fi
        sleep 1
    done

    local id states failed bad=0
    for id in "$@"; do
        if ! states=$(scontrol -o show job "$id" 2>/dev/null); then
            echo "slurm_wait_jobs: job $id is unknown to slurmctld (purged?)" >&2
            bad=1
            continue
        fi
        # Array jobs yield one record per task; every one must be COMPLETED.  (No grep -q:
        # its early exit could SIGPIPE the producer and, under pipefail, hide a failure.)
        failed=$(grep -o 'JobState=[A-Z_]*' <<<"$states" | grep -v '=COMPLETED$') || failed=
        if [[ -n $failed ]]; then
            echo "slurm_wait_jobs: job $id did not complete successfully:" >&2
            scontrol show job "$id" >&2 || true
            bad=1
        fi
    done
    return $bad
}
export -f slurm_wait_jobs
