#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench-grader`: grade every lab's reference solution, sanitizer builds
# and speedup measurements included, and print the wall time, the usable
# CPUs and each speedup ratio. The goal on a 2-core machine is 60 s or less.
set -u
cd "$(dirname "$0")/.." || exit 2
GRADER=build/release/grader/grader
out=$(mktemp)
trap 'rm -f "$out"' EXIT

start=$(date +%s%N)
"$GRADER" --kit . --submission solutions --no-progress >"$out" 2>&1
status=$?
end=$(date +%s%N)
ms=$(((end - start) / 1000000))

echo "grader benchmark: every solution graded in $((ms / 1000)).$(((ms % 1000) / 100)) s (exit status $status)"
grep '^Machine:' "$out" | sed 's/^/  /'
# The speedup verdict lines: "verdict: on P threads your speedup is S and
# the calibration kernel's C, a ratio of R; ..." under each speedup test.
awk '
    /^[0-9][0-9]-/ { lab = $1 }
    /^  [a-zA-Z]+ +speedup:/ { sub(/^  [a-zA-Z]+ +/, ""); sub(/  +([0-9.]+\/[0-9.]+|held.*)$/, ""); test = $0 }
    /verdict: on/ {
        match($0, /on [0-9]+ threads/); p = substr($0, RSTART + 3, RLENGTH - 11)
        match($0, /ratio of [0-9.]+/); r = substr($0, RSTART + 9, RLENGTH - 9)
        match($0, /speedup is [0-9.]+x/); s = substr($0, RSTART + 11, RLENGTH - 11)
        match($0, /kernel.s [0-9.]+x/); c = substr($0, RSTART + 9, RLENGTH - 9)
        printf "  %s %s: ratio %s on %s threads (yours %s, calibration %s)\n", lab, test, r, p, s, c
    }
    /Inconclusive:/ { printf "  %s %s: inconclusive\n", lab, test }
    /Skipped:/ { printf "  %s %s: skipped\n", lab, test }
' "$out"
if [ "$ms" -gt 60000 ]; then
    echo "  slower than the 60 s goal"
fi
exit "$status"
