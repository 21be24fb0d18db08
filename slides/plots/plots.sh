#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make plots`: runs the experiments of the labs' reference solutions on this
# machine and draws each figure the slides embed, with gnuplot, into
# build/plots/ (PNG) beside the measured data (build/plots/data/).
# Usage: slides/plots/plots.sh [FIGURE...]   (default: every figure)
#        slides/plots/plots.sh --missing     the figures not drawn yet, on
#                                            one line (what `make slides`
#                                            measures before it renders)
# Figures: spin speedup race costs onecpu pool gil kitwork pingpong. A
# figure whose program is missing is skipped with a message; any other
# failure stops with a non-zero status.
set -u
cd "$(dirname "$0")/../.." || exit 2
KIT=$PWD
BUILD=${BUILD:-$KIT/build}
OUT=$BUILD/plots
DATA=$OUT/data
GP=$KIT/slides/plots
SOL=$BUILD/release/solutions
FIGURES="spin speedup race costs onecpu pool gil kitwork pingpong"

# The PNG each figure draws, as the decks embed it.
png_of() {
    case $1 in
    spin) echo lab01-spin.png ;;
    speedup) echo lab02-speedup.png ;;
    race) echo lab03-race.png ;;
    costs) echo lab04-costs.png ;;
    onecpu) echo threads-one-cpu.png ;;
    pool) echo lab05-pool.png ;;
    gil) echo python-gil.png ;;
    kitwork) echo lab06-gil.png ;;
    pingpong) echo lab07-pingpong.png ;;
    *) return 1 ;;
    esac
}

if [ "${1:-}" = --missing ]; then
    [ $# -eq 1 ] || { echo "usage: plots.sh --missing" >&2; exit 2; }
    missing=
    for f in $FIGURES; do
        [ -f "$OUT/$(png_of "$f")" ] || missing="$missing${missing:+ }$f"
    done
    echo "$missing"
    exit 0
fi
mkdir -p "$DATA"

die() { echo "plots: $*" >&2; exit 1; }
say() { echo "  PLOT    $*"; }
skip() { echo "  SKIP    $*"; }

# The machine every figure names: CPU model, physical cores, logical CPUs
# and the CPUs this process may use (its affinity mask and any cgroup CPU
# quota, as the kit's own topology code counts them).
machine_label() {
    local model report phys logical usable
    model=$(LC_ALL=C lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
    [ -n "$model" ] || model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -1)
    [ -n "$model" ] || model="unknown CPU"
    report=$("$SOL/01-cores/report" 2>/dev/null | head -1)
    # "This machine: 1 package, 2 physical cores, 1 hardware thread each:
    #  2 logical CPUs, of which this process may use 2."
    phys=$(sed -n 's/.* \([0-9][0-9]*\) physical core.*/\1/p' <<<"$report")
    logical=$(sed -n 's/.* \([0-9][0-9]*\) logical CPU.*/\1/p' <<<"$report")
    usable=$(sed -n 's/.*may use \([0-9][0-9]*\).*/\1/p' <<<"$report")
    [ -n "$logical" ] || logical=$(nproc --all)
    [ -n "$usable" ] || usable=$(nproc)
    if [ -n "$phys" ]; then
        echo "$model: $phys physical cores, $logical logical CPUs, $usable usable"
    else
        echo "$model: $logical logical CPUs, $usable usable"
    fi
}
usable_cpus() { sed -n 's/.*, \([0-9][0-9]*\) usable$/\1/p' "$DATA/machine.txt"; }
logical_cpus() { sed -n 's/.* \([0-9][0-9]*\) logical CPUs.*/\1/p' "$DATA/machine.txt"; }
physical_cores() {
    local n
    n=$(sed -n 's/.* \([0-9][0-9]*\) physical cores.*/\1/p' "$DATA/machine.txt")
    echo "${n:-$(logical_cpus)}"
}

# Thread counts for a sweep: every count up to twice the usable CPUs on a
# small machine; on a large one, every count up to the usable CPUs (powers of
# two first) and a few past it, so the sweep stays short.
thread_counts() {
    local u=$1 t
    if [ "$u" -le 8 ]; then
        seq 1 $((2 * u))
    else
        { for ((t = 1; t < u; t *= 2)); do echo $t; done
          echo "$u"; echo $((u + u / 4)); echo $((2 * u)); } | sort -n -u
    fi
}

# The machine and how loaded it was (the load average over the last
# minute, from /proc/loadavg) when the figure was drawn, as the figure says.
draw() { # SCRIPT.gp OUTPUT.png VAR=VALUE...
    local script=$1 png=$2 load
    shift 2
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
    local args=(-e "out='$png'"
        -e "machine='$(sed "s/'/''/g" "$DATA/machine.txt")${load:+; load $load}'")
    for kv in "$@"; do args+=(-e "$kv"); done
    gnuplot "${args[@]}" "$GP/common.gp" "$GP/$script" || die "gnuplot failed on $script"
}

# Lab 01: throughput of spin's CPU-bound loop on 1.. threads.
fig_spin() {
    local spin=$SOL/01-cores/spin logical threads
    [ -x "$spin" ] || { skip "lab01-spin: $spin is not built (make solutions)"; return 0; }
    logical=$(logical_cpus)
    threads=$((2 * logical))
    [ "$threads" -le $((logical + 8)) ] || threads=$((logical + 8))
    say "lab01-spin: spin -t $threads"
    "$spin" -t "$threads" >"$DATA/spin.dat" || die "spin failed"
    draw spin.gp "$OUT/$(png_of spin)" "data='$DATA/spin.dat'" \
        "physical=$(physical_cores)" "logical=$logical" "usable=$(usable_cpus)"
}

# Lab 02: speedup of integrate (compute-bound) and dot (memory-bound) over
# the serial reference, with the ideal line and an Amdahl fit.
fig_speedup() {
    local bench=$SOL/02-threads/bench usable t kernel reps line
    [ -x "$bench" ] || { skip "lab02-speedup: $bench is not built (make solutions)"; return 0; }
    usable=$(usable_cpus)
    : >"$DATA/speedup.dat.tmp"
    echo "# threads integrate_speedup dot_speedup" >>"$DATA/speedup.dat.tmp"
    for t in $(thread_counts "$usable"); do
        local row="$t"
        for kernel in integrate dot; do
            reps=3
            [ "$kernel" = dot ] && reps=5
            say "lab02-speedup: bench -k $kernel -t $t -r $reps"
            line=$("$bench" -k "$kernel" -t "$t" -r "$reps") || die "bench failed: $line"
            echo "    $line"
            # "[integrate] serial 200.1 ms | 2 threads 104.8 ms | speedup 1.91x | ..."
            row="$row $(sed -n 's/.*| speedup \([0-9.]*\)x.*/\1/p' <<<"$line")"
        done
        echo "$row" >>"$DATA/speedup.dat.tmp"
    done
    mv "$DATA/speedup.dat.tmp" "$DATA/speedup.dat"
    draw speedup.gp "$OUT/$(png_of speedup)" "data='$DATA/speedup.dat'" "usable=$usable"
}

# Reads a program's table: the last line before the data that is not data
# names the columns (with or without a leading '#'); data lines start with a
# number. Prints a '#' header and the data rows with the columns whose names
# match the patterns given (awk regular expressions, on lower-case names), in
# that order, or fails naming the pattern that matched no column.
pick_columns() { # FILE PATTERN...
    awk -v pats="${*:2}" '
        BEGIN { np = split(pats, pat, " ") }
        { line = $0; sub(/^#[ \t]*/, "", line); nf = split(line, field, /[ \t]+/)
          if (field[1] == "") { for (i = 1; i < nf; i++) field[i] = field[i + 1]; nf-- } }
        nf == 0 { next }
        field[1] !~ /^-?[0-9.]+$/ { if (!started) hdr = line; next }
        !started {
            started = 1
            sub(/^[ \t]+/, "", hdr); nh = split(hdr, name, /[ \t]+/)
            for (p = 1; p <= np; p++) {
                col[p] = 0
                for (i = 1; i <= nh; i++) if (col[p] == 0 && tolower(name[i]) ~ pat[p]) col[p] = i
                if (col[p] == 0) { print "no column matching " pat[p] " in: " hdr > "/dev/stderr"; bad = 1 }
            }
            if (bad) exit 1
            out = "#"; for (p = 1; p <= np; p++) out = out " " name[col[p]]; print out
        }
        { out = ""; for (p = 1; p <= np; p++) out = out (p > 1 ? " " : "") field[col[p]]; print out }
    ' "$1"
}

# Lab 03: nanoseconds per increment of a shared counter, racy, with a mutex,
# with an atomic, and with local counts summed at the end (a reduction).
fig_race() {
    local race=$SOL/03-locks/race
    [ -x "$race" ] || { skip "lab03-race: $race is not built yet (lab 03 and its solution are needed)"; return 0; }
    say "lab03-race: race"
    "$race" >"$DATA/race.raw" || die "race failed"
    sed 's/^/    /' "$DATA/race.raw"
    pick_columns "$DATA/race.raw" '^threads?$' racy mutex atomic local >"$DATA/race.dat" ||
        die "cannot read race's table (build/plots/data/race.raw)"
    draw race.gp "$OUT/$(png_of race)" "data='$DATA/race.dat'" "usable=$(usable_cpus)"
}

# Lab 04: the cost of creating and joining a thread against forking and
# waiting for a process, as the parent's memory grows.
fig_costs() {
    local costs=$SOL/04-processes/costs
    [ -x "$costs" ] || { skip "lab04-costs: $costs is not built yet (lab 04 and its solution are needed)"; return 0; }
    say "lab04-costs: costs"
    "$costs" >"$DATA/costs.raw" || die "costs failed"
    sed 's/^/    /' "$DATA/costs.raw"
    pick_columns "$DATA/costs.raw" touched '^thread' '^fork(_us)?$' 'write' >"$DATA/costs.dat" ||
        die "cannot read costs' table (build/plots/data/costs.raw)"
    draw costs.gp "$OUT/$(png_of costs)" "data='$DATA/costs.dat'"
}

# Deck 03: concurrency without parallelism on one CPU. slides/demos/overlap.c
# times W jobs that compute, and W that wait, on W threads and on one;
# ctxswitch.c times a pipe ping-pong between two threads and two processes.
# Both are built here (into build/plots/bin) and run pinned with taskset to
# one CPU, the first this script may use (CPU 0 on most machines).
fig_onecpu() {
    local bin=$OUT/bin p cpu
    command -v taskset >/dev/null 2>&1 || { skip "threads-one-cpu: no taskset (util-linux) on this machine"; return 0; }
    command -v "${CC:-cc}" >/dev/null 2>&1 || { skip "threads-one-cpu: no C compiler (${CC:-cc})"; return 0; }
    mkdir -p "$bin"
    for p in overlap ctxswitch; do
        ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -pthread \
            -I"$KIT/common" "$KIT/slides/demos/$p.c" "$KIT/common/kit_die.c" -o "$bin/$p" ||
            die "slides/demos/$p.c did not build"
    done
    cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status)
    cpu=${cpu:-0}
    say "threads-one-cpu: taskset -c $cpu overlap; taskset -c $cpu ctxswitch"
    taskset -c "$cpu" "$bin/overlap" >"$DATA/overlap.dat" || die "overlap failed"
    sed 's/^/    /' "$DATA/overlap.dat"
    taskset -c "$cpu" "$bin/ctxswitch" >"$DATA/ctxswitch.dat" || die "ctxswitch failed"
    sed 's/^/    /' "$DATA/ctxswitch.dat"
    local job_ms threads processes
    job_ms=$(sed -n 's/^# overlap: W jobs of \([0-9]*\) ms.*/\1/p' "$DATA/overlap.dat")
    # "  threads  4.96  2.48  100000 ...": the third field is switch_us.
    threads=$(awk '$1 == "threads" { print $3 }' "$DATA/ctxswitch.dat")
    processes=$(awk '$1 == "processes" { print $3 }' "$DATA/ctxswitch.dat")
    [ -n "$job_ms" ] && [ -n "$threads" ] && [ -n "$processes" ] ||
        die "cannot read overlap's or ctxswitch's output (build/plots/data/)"
    draw onecpu.gp "$OUT/$(png_of onecpu)" "data='$DATA/overlap.dat'" "job_ms=$job_ms" \
        "cpu=$cpu" "switch_threads=$threads" "switch_processes=$processes"
}

# Lab 05: a thread per task against a pool of threads (lab 05's costs).
fig_pool() {
    local costs=$SOL/05-waiting/costs
    [ -x "$costs" ] || { skip "lab05-pool: $costs is not built yet (lab 05 and its solution are needed)"; return 0; }
    say "lab05-pool: costs -t 2"
    "$costs" -t 2 >"$DATA/pool.raw" || die "lab 05's costs failed"
    sed 's/^/    /' "$DATA/pool.raw"
    pick_columns "$DATA/pool.raw" terms caller thread_each pool >"$DATA/pool.dat" ||
        die "cannot read lab 05 costs' table (build/plots/data/pool.raw)"
    draw pool.gp "$OUT/$(png_of pool)" "data='$DATA/pool.dat'"
}

# Python threads, processes and asyncio (slides/demos/gil_demo.py) on a job
# that computes and on one that waits.
fig_gil() {
    # Debian's python3 where there is one (the Python of deck 05's table).
    local py=python3
    [ -x /usr/bin/python3 ] && py=/usr/bin/python3
    command -v "$py" >/dev/null 2>&1 || { skip "python-gil: no python3 on this machine"; return 0; }
    say "python-gil: $py slides/demos/gil_demo.py -n 3000000 -r 5"
    # -B: no __pycache__ in the source tree when workers import the module.
    "$py" -B "$KIT/slides/demos/gil_demo.py" -n 3000000 -r 5 | tee "$DATA/gil.dat" | sed 's/^/    /'
    [ "${PIPESTATUS[0]}" -eq 0 ] || die "gil_demo.py failed"
    local version
    # "# gil_demo: CPython 3.11.2, GIL enabled; 2 usable CPU(s); multiprocessing
    #  start method fork": the Python, its GIL and its start method.
    version=$(sed -n 's/^# gil_demo: \([^;]*\);.* start method \([a-z]*\).*/\1, start method \2/p' "$DATA/gil.dat")
    draw gil.gp "$OUT/$(png_of gil)" "data='$DATA/gil.dat'" "python='$version'" \
        "usable=$(usable_cpus)"
}

# Lab 06: Python threads calling the extension's three versions, against
# processes, from kitwork's scaling driver run by Debian's python3.
fig_kitwork() {
    local usable
    usable=$(usable_cpus)
    say "lab06-gil: make -C labs/06-gil scaling (the reference solution's module)"
    make -s -C "$KIT/labs/06-gil" module SUBMIT_DIR="$KIT/solutions/06-gil" \
        OUT="$SOL/06-gil" >&2 || die "lab 06's module did not build"
    make -s -C "$KIT/labs/06-gil" scaling SUBMIT_DIR="$KIT/solutions/06-gil" \
        OUT="$SOL/06-gil" ARGS="-p $((2 * usable > 4 ? 2 * usable : 4))" \
        >"$DATA/kitwork.raw" || die "lab 06's scaling driver failed"
    sed 's/^/    /' "$DATA/kitwork.raw"
    pick_columns "$DATA/kitwork.raw" '^workers$' held_x released_x callback_x processes_x \
        >"$DATA/kitwork.dat" || die "cannot read lab 06's scaling table (build/plots/data/kitwork.raw)"
    local python
    python=$(sed -n 's/^# scaling: [0-9]* items; \(Python [^,]*\),.*/\1/p' "$DATA/kitwork.raw")
    draw kitwork.gp "$OUT/$(png_of kitwork)" "data='$DATA/kitwork.dat'" \
        "python='$python'" "usable=$usable"
}

# Lab 07: the time of one MPI message between two ranks on this machine,
# against its size.
fig_pingpong() {
    local ranks=$SOL/07-mpi/ranks
    [ -x "$ranks" ] || { skip "lab07-pingpong: $ranks is not built yet (lab 07 and its solution are needed)"; return 0; }
    say "lab07-pingpong: make -C labs/07-mpi pingpong"
    make -s -C "$KIT/labs/07-mpi" pingpong SUBMIT_DIR="$KIT/solutions/07-mpi" \
        OUT="$SOL/07-mpi" >"$DATA/pingpong.raw" || die "lab 07's pingpong failed"
    sed 's/^/    /' "$DATA/pingpong.raw"
    pick_columns "$DATA/pingpong.raw" '^bytes$' one_way bandwidth >"$DATA/pingpong.dat" ||
        die "cannot read lab 07's pingpong table (build/plots/data/pingpong.raw)"
    draw pingpong.gp "$OUT/$(png_of pingpong)" "data='$DATA/pingpong.dat'"
}

# How busy the machine is before we start, in percent of all its CPUs over
# one second (from /proc/stat): other programs running during the
# experiments take CPUs from them, and the figures would show it.
busy_percent() {
    local a b
    a=($(head -1 /proc/stat))
    sleep 1
    b=($(head -1 /proc/stat))
    local total=0 idle i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    idle=$((b[4] - a[4] + b[5] - a[5]))
    [ "$total" -gt 0 ] || { echo 0; return; }
    echo $(((total - idle) * 100 / total))
}

# CPU time, in clock ticks: of the whole machine (busy, all), and of this
# script's finished children (every experiment is one).
machine_ticks() {
    local a
    a=($(head -1 /proc/stat))
    local all=0 i
    for i in 1 2 3 4 5 6 7 8; do all=$((all + a[i])); done
    echo "$((all - a[4] - a[5])) $all"
}
own_ticks() {
    local f
    f=($(sed 's/^.*) //' /proc/$$/stat))
    echo $((f[13] + f[14])) # cutime and cstime, fields 16 and 17
}

machine_label >"$DATA/machine.txt"
echo "  MACHINE $(cat "$DATA/machine.txt")"
busy=$(busy_percent)
if [ "$busy" -gt 15 ]; then
    echo "  WARNING other programs kept ${busy}% of this machine's CPUs busy just now;" \
        "the figures will show less speedup than the machine can give. Close them and run make plots again."
fi
figures=${*:-$FIGURES}
read -r busy_before all_before <<<"$(machine_ticks)"
own_before=$(own_ticks)
for f in $figures; do
    case $f in
    spin | speedup | race | costs | onecpu | pool | gil | kitwork | pingpong) "fig_$f" ;;
    *) die "unknown figure '$f' (${FIGURES// /, })" ;;
    esac
done
# What other programs used while the experiments ran: the machine's busy
# time less the experiments' own CPU time.
read -r busy_after all_after <<<"$(machine_ticks)"
own_after=$(own_ticks)
others=$(((busy_after - busy_before) - (own_after - own_before)))
total=$((all_after - all_before))
if [ "$total" -gt 0 ] && [ $((others * 100 / total)) -gt 10 ]; then
    echo "  WARNING other programs used $((others * 100 / total))% of this machine's CPU time" \
        "while the experiments ran; the figures may show it. Run make plots again when the machine is idle."
fi
