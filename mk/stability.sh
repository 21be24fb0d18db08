#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make stability [RUNS=N] [BUSY=1]`: grade lab 02's reference solution's
# speedup tests RUNS times and count the verdicts (points and status) that
# differ from the most common one. With BUSY=1 a busy loop keeps one CPU
# occupied the whole time, as another job on a shared runner would.
set -u
cd "$(dirname "$0")/.." || exit 2
GRADER=build/release/grader/grader
RUNS=${RUNS:-5}
BUSY=${BUSY:-0}
verdicts=$(mktemp)
busy_pid=
cleanup() {
    rm -f "$verdicts"
    [ -n "$busy_pid" ] && kill "$busy_pid" 2>/dev/null
}
trap cleanup EXIT

if [ "$BUSY" = 1 ]; then
    (while :; do :; done) &
    busy_pid=$!
    echo "stability: a busy loop (pid $busy_pid) keeps one CPU occupied"
fi
for i in $(seq 1 "$RUNS"); do
    # One verdict line per speedup test: "status name score/max".
    "$GRADER" --kit . --submission solutions --lab 02 --test speedup \
        --no-progress 2>&1 |
        awk '/^  [a-zA-Z]+ +speedup:/ { gsub(/  +/, " "); print }' |
        sed 's/^ //' >"$verdicts.$i"
    echo "run $i: $(tr '\n' ';' <"$verdicts.$i")"
    cat "$verdicts.$i" >>"$verdicts"
    rm -f "$verdicts.$i"
done
# Per test, the most common verdict, and how many runs differed from it.
differ=$(awk '
    { name = $0; sub(/^[a-zA-Z]+ /, "", name); sub(/ ([0-9.]+\/[0-9.]+|held)$/, "", name)
      count[name, $0]++; names[name] = 1; total[name]++ }
    END {
        d = 0
        for (n in names) {
            best = 0
            for (k in count) { split(k, parts, SUBSEP); if (parts[1] == n && count[k] > best) best = count[k] }
            d += total[n] - best
        }
        print d
    }' "$verdicts")
echo "stability: $RUNS runs, $differ verdict(s) differed from the most common one"
[ "$differ" -eq 0 ]
