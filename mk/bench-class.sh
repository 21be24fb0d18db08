#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench-class [N=30]`: how fast a class is graded. Makes N student
# folders of lab 02 under build/bench-class/class, in turn the reference
# solution, the starter and one of the grader's fixtures of bad submissions
# (grader/tests/fixtures/02-threads/*), grades them all with grade-class
# (FORCE, so every run measures), and prints
#   N submissions in T s: X submissions per minute (J workers, CPU model)
# A third of a class being pathological is more than a real class has, and
# the deadlocking and spinning fixtures run into every time limit: the
# figure is a pessimistic one. With SLURM=N, the class is graded through a
# Slurm job array of N whole-node tasks.
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
N=${N:-30}
LAB=02-threads
BENCH=$ROOT/build/bench-class
CLASS=$BENCH/class
OUT=$BENCH/out
GC=$ROOT/build/release/grader/grade-class

if ! [[ "$N" =~ ^[1-9][0-9]{0,3}$ ]]; then
    echo "bench-class: N=$N is not a number of students from 1 to 9999" >&2
    exit 2
fi
fixtures=()
for dir in "$ROOT/grader/tests/fixtures/$LAB"/*/; do
    [ -f "$dir/parallel.c" ] && fixtures+=("${dir%/}")
done
if [ ${#fixtures[@]} -eq 0 ]; then
    echo "bench-class: no fixture with a parallel.c in grader/tests/fixtures/$LAB" >&2
    exit 2
fi

# The lab's submit files, as the grader reads them from its lab.ini.
mapfile -t submit < <("$ROOT/build/release/grader/grader" --kit "$ROOT" --describe \
    --lab "$LAB" --field submit) || exit 2
rm -rf "$CLASS"
mkdir -p "$CLASS" "$OUT" || exit 2
for ((i = 0; i < N; i++)); do
    case $((i % 3)) in
    0) kind=solution src=$ROOT/solutions/$LAB ;;
    1) kind=starter src=$ROOT/labs/$LAB ;;
    2)
        src=${fixtures[$((i / 3 % ${#fixtures[@]}))]}
        kind=$(basename "$src")
        ;;
    esac
    student=$CLASS/$(printf 's%02d-%s' $((i + 1)) "$kind")
    mkdir -p "$student" || exit 2
    if [ "$kind" = solution ] || [ "$kind" = starter ]; then
        for f in "${submit[@]}"; do cp "$src/$f" "$student/" || exit 2; done
    else
        # A fixture's extra files (edited tests, a header) go along: the
        # grader must ignore them, as it would a real student's.
        cp -R "$src/." "$student/" || exit 2
    fi
done
echo "bench-class: $N submissions of $LAB in $CLASS ($(ls "$CLASS" | sed 's/^s[0-9]*-//' |
    sort | uniq -c | awk '{printf "%s%d %s", (NR > 1 ? ", " : ""), $1, $2}'))"

start=$(date +%s%N)
# SLURM=N: through a Slurm job array of N nodes (SLURM_CONF says which
# cluster; mk/slurm-one-node.sh makes one of this machine).
via=()
if [ -n "${SLURM:-}" ]; then via=(--slurm "$SLURM"); fi
"$GC" --kit "$ROOT" --submissions "$CLASS" --lab "$LAB" --out "$OUT" --force "${via[@]}" |
    tee "$BENCH/grade-class.txt"
status=${PIPESTATUS[0]}
end=$(date +%s%N)
if [ "$status" -gt 1 ]; then
    echo "bench-class: grade-class exited with status $status" >&2
    exit 1
fi
# "(2 workers, AMD EPYC)" ends grade-class's summary line.
who=$(sed -n 's/.*submissions per minute (\(.*\))$/\1/p' "$BENCH/grade-class.txt" | tail -1)
[ -z "$who" ] && who=$(sed -n 's/.*(\(Slurm, .*\))$/\1/p' "$BENCH/grade-class.txt" | tail -1)
awk -v n="$N" -v ns="$((end - start))" -v who="$who" 'BEGIN {
    s = ns / 1e9
    printf "%d submissions in %.1f s: %.1f submissions per minute (%s)\n", n, s, n * 60 / s, who
}' | tee "$BENCH/result.txt"
