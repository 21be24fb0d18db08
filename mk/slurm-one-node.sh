#!/bin/sh
# SPDX-License-Identifier: MIT
# A Slurm cluster of one node, this machine, for trying and testing
# `make grade-class SLURM=N` (grader/class/README.md): munge, the
# controller (slurmctld) and the node daemon (slurmd), with a generated
# slurm.conf and every file of theirs under DIR, run as root.
# Usage: mk/slurm-one-node.sh start DIR [PORT]   PORT and PORT+1 (default
#                                                6817) for the daemons
#        mk/slurm-one-node.sh stop DIR
# After start, SLURM_CONF=DIR/slurm.conf points sbatch, squeue and the
# rest at it. Exit status: 0 done, 1 could not (the message says why), 2
# bad usage, 3 this host cannot run a Slurm node (slurmd needs a cgroup
# file system at /sys/fs/cgroup, which a chroot may lack).
set -u

usage() {
    echo "usage: $0 start DIR [PORT] | stop DIR" >&2
    exit 2
}
fail() {
    echo "slurm-one-node: $*" >&2
    exit 1
}

[ $# -ge 2 ] || usage
verb=$1
dir=$2
port=${3:-6817}
case $port in *[!0-9]* | '') usage ;; esac

# The pid a daemon wrote, or nothing.
pid_of() { [ -f "$dir/run/$1.pid" ] && cat "$dir/run/$1.pid"; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# Waits up to $2 tenths of a second for process $1 to end.
wait_gone() {
    n=0
    while alive "$1" && [ "$n" -lt "$2" ]; do
        sleep 0.1
        n=$((n + 1))
    done
    ! alive "$1"
}

stop() {
    [ -d "$dir" ] || fail "$dir: no such folder"
    # The pids first: a daemon removes its pid file before it has ended.
    slurmd_pid=$(pid_of slurmd)
    slurmctld_pid=$(pid_of slurmctld)
    munged_pid=$(pid_of munged)
    if alive "$slurmctld_pid" || alive "$slurmd_pid"; then
        SLURM_CONF=$dir/slurm.conf scontrol shutdown >/dev/null 2>&1
    fi
    # The daemons are given 10 s to end by themselves, then killed; munge
    # last, as the others talk through it until they end.
    for pid in "$slurmd_pid" "$slurmctld_pid" munge "$munged_pid"; do
        if [ "$pid" = munge ]; then
            alive "$munged_pid" && kill "$munged_pid"
            continue
        fi
        if ! wait_gone "$pid" 100; then
            kill -9 "$pid" 2>/dev/null
            wait_gone "$pid" 20 || fail "process $pid of the cluster does not stop"
        fi
    done
    rm -f "$dir/run/slurmd.pid" "$dir/run/slurmctld.pid" "$dir/run/munged.pid"
}

start() {
    [ "$(id -u)" -eq 0 ] || fail "needs root: slurmd starts jobs as their users"
    for p in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
        command -v "$p" >/dev/null 2>&1 ||
            [ -x "/usr/sbin/$p" ] ||
            fail "$p is not installed (make deps installs slurm-wlm and munge)"
    done
    PATH=$PATH:/usr/sbin
    mkdir -p "$dir" || fail "cannot make $dir"
    dir=$(cd "$dir" && pwd)
    if alive "$(pid_of slurmctld)"; then fail "a cluster already runs in $dir"; fi
    mkdir -p "$dir/run" "$dir/state" "$dir/spool" "$dir/log" "$dir/munge" || fail "cannot make $dir's folders"
    chmod 700 "$dir/munge"
    if [ ! -s "$dir/munge/munge.key" ]; then
        dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null &&
            chmod 400 "$dir/munge/munge.key" || fail "cannot make a munge key"
    fi
    # What slurmd finds of this machine, so that the node's line agrees with
    # it (else the controller drains the node).
    node=$(slurmd -C 2>/dev/null | head -n 1 | sed 's/ *UpTime=.*//')
    name=$(printf '%s\n' "$node" | sed -n 's/^NodeName=\([^ ]*\).*/\1/p')
    [ -n "$name" ] || fail "slurmd -C says nothing of this machine"
    cat >"$dir/slurm.conf" <<CONF
# A one-node cluster for the kit's tests (mk/slurm-one-node.sh).
ClusterName=kit
SlurmctldHost=$name(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/run/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# No cgroups: this may be a container or chroot whose cgroup folders are
# not the kernel's. The grader sets its own limits.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=kit Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    munged --force --socket="$dir/run/munge.socket" --key-file="$dir/munge/munge.key" \
        --log-file="$dir/log/munged.log" --pid-file="$dir/run/munged.pid" \
        --seed-file="$dir/munge/seed" || fail "munged did not start (see $dir/log/munged.log)"
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -i || { stop; fail "slurmctld did not start (see $dir/log/slurmctld.log)"; }
    if ! slurmd; then
        stop
        # Slurm 22.05's node daemon needs a cgroup file system to start,
        # whatever slurm.conf says; a chroot or a container may give none.
        if grep -q "cgroup" "$dir/log/slurmd.log" 2>/dev/null; then
            echo "slurm-one-node: this host cannot run slurmd: $(grep -m1 'error:.*cgroup' "$dir/log/slurmd.log" | sed 's/^\[[^]]*\] //')" >&2
            exit 3
        fi
        fail "slurmd did not start (see $dir/log/slurmd.log)"
    fi
    n=0
    until [ "$(sinfo --noheader --format=%T 2>/dev/null)" = idle ]; do
        n=$((n + 1))
        if [ "$n" -gt 300 ]; then
            stop
            fail "the node did not come up in 30 s (see $dir/log/)"
        fi
        sleep 0.1
    done
    echo "a one-node Slurm cluster runs: SLURM_CONF=$dir/slurm.conf (stop: $0 stop $dir)"
}

case $verb in
start) start ;;
stop) stop ;;
*) usage ;;
esac
