#!/usr/bin/env bash
# `make test`: every test of the kit itself. Each step runs with its output
# in build/test-logs/; a line per step says PASS or FAIL (with Check's
# summary where there is one), a failing step shows its log's tail, and the
# last line counts them: "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
LOGS=$ROOT/build/test-logs
mkdir -p "$LOGS"
MAKE=${MAKE:-make}
passed=0
failed=0
failures=()

# Seconds between two `date +%s%N` readings, to a tenth.
seconds() {
    local tenths=$((($2 - $1) / 100000000))
    echo "$((tenths / 10)).$((tenths % 10))"
}

# step NAME COMMAND...: run COMMAND, log its output, count the result.
step() {
    local name=$1 log start end secs status summary
    shift
    # ONLY=TEXT runs just the steps whose name holds TEXT.
    [[ -z "${ONLY:-}" || "$name" == *"$ONLY"* ]] || return 0
    log=$LOGS/$(printf '%s' "$name" | tr -c 'A-Za-z0-9_.-' '_').log
    start=$(date +%s%N)
    "$@" >"$log" 2>&1
    status=$?
    end=$(date +%s%N)
    secs=$(seconds "$start" "$end")
    summary=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -1)
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        printf 'PASS  %-44s %6ss  %s\n' "$name" "$secs" "$summary"
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf 'FAIL  %-44s %6ss  %s\n' "$name" "$secs" "$summary"
        tail -n 25 "$log" | sed 's/^/      | /'
    fi
}

# The starter of a lab must build, run its tests to the end without a crash
# or a timeout (Check's "Errors: 0"), and fail at least one of them with a
# message.
starter_fails_cleanly() {
    local lab=$1 out
    out=$($MAKE -C "labs/$lab" check MODE=release 2>&1)
    local status=$?
    echo "$out"
    if [ "$status" -eq 0 ]; then
        echo "the starter of $lab passes its tests: they cannot tell it from a solution"
        return 1
    fi
    local line
    line=$(echo "$out" | grep -E '^[0-9]+%: Checks: ' | tail -1)
    if [ -z "$line" ]; then
        echo "the starter of $lab did not get as far as Check's summary"
        return 1
    fi
    if ! echo "$line" | grep -qE 'Failures: [1-9][0-9]*, Errors: 0$'; then
        echo "the starter of $lab should fail with failures, not errors: $line"
        return 1
    fi
    if ! echo "$out" | grep -qE ':F:[^:]+:[^:]+:[0-9]+: .+'; then
        echo "the starter of $lab fails without a message"
        return 1
    fi
}

# Every program of a lab refuses an unknown flag with exit status 2 and a
# usage line on stderr, and answers -h with exit status 0.
programs_reject_bad_flags() {
    local dir=$1 prog status
    for prog in "$dir"/*; do
        if [ ! -f "$prog" ] || [ ! -x "$prog" ]; then continue; fi
        case $(basename "$prog") in check_*) continue ;; esac
        "$prog" -Z >/dev/null 2>"$LOGS/stderr.txt"
        status=$?
        if [ "$status" -ne 2 ] || ! grep -q '^usage: ' "$LOGS/stderr.txt"; then
            echo "$prog -Z: exit status $status (want 2), stderr: $(cat "$LOGS/stderr.txt")"
            return 1
        fi
        if ! "$prog" -h >/dev/null 2>&1; then
            echo "$prog -h: non-zero exit status"
            return 1
        fi
        echo "$prog: bad flag refused, -h answered"
    done
}

GRADER=$ROOT/build/release/grader/grader
VERDICTS=$ROOT/build/release/grader/tests/verdicts

# Grade SUBMISSION (with LAB, or every lab when LAB is "") and check the
# verdicts against EXPECT; the grader's exit status must be one of
# WANT_STATUS ("1", or "0|1" where an inconclusive verdict holds the points).
# EXPECT may say "#only: TEXT" and "#timeout: S" to narrow the grading.
grade_and_expect() {
    local submission=$1 lab=$2 expect=$3 want_status=$4 results status
    # GRADER_EXTRA: more options, split on spaces on purpose.
    # shellcheck disable=SC2206
    local args=(--kit "$ROOT" --submission "$submission" --no-progress ${GRADER_EXTRA:-})
    results=$LOGS/results-$(basename "$submission")-$$.json
    [ -n "$lab" ] && args+=(--lab "$lab")
    local only timeout
    only=$(sed -n 's/^#only: //p' "$expect")
    timeout=$(sed -n 's/^#timeout: //p' "$expect")
    [ -n "$only" ] && args+=(--test "$only")
    [ -n "$timeout" ] && args+=(--timeout "$timeout")
    "$GRADER" "${args[@]}" --results "$results" --junit "${results%.json}.xml"
    status=$?
    if ! [[ "|$want_status|" == *"|$status|"* ]]; then
        echo "the grader exited with $status, expected $want_status"
        return 1
    fi
    "$VERDICTS" "$results" "$expect"
}

# What a grade cannot show of an attack: the kit's files, every process of
# the sandbox's user, and a server on this machine the attack may reach.
kit_fingerprint() {
    find "$ROOT/labs" "$ROOT/common" "$ROOT/grader" "$ROOT/mk" -type f -print0 |
        sort -z | xargs -0 sha256sum
    sha256sum "$GRADER"
}

# Attacks run as a user of their own when the tests run as root, so that
# what is left of one is told apart from anything else on the machine.
ATTACK_UID=61999
SANDBOX_ARG=""
[ "$(id -u)" -eq 0 ] && SANDBOX_ARG="--sandbox-user $ATTACK_UID"

# attack_contained DIR: grade an attack fixture (expect's "#lab:" line
# names its lab); then the kit must be as it was, no process of the
# sandbox's user may be left, no connection may have reached the server
# listening on 127.0.0.1:47913, and the reports must be the grader's.
attack_contained() {
    local dir=$1 lab before listener seen status=0
    lab=$(sed -n 's/^#lab: //p' "$dir/expect")
    if grep -q '^#needs: root' "$dir/expect" && [ "$(id -u)" -ne 0 ]; then
        echo "skipped: without root this attack is not contained, by design (the report says so)"
        return 0
    fi
    before=$(kit_fingerprint)
    seen=$(mktemp)
    python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 47913)); s.listen(8)
while True:
    c, _ = s.accept(); open(sys.argv[1], "a").write("connection\n"); c.close()
' "$seen" &
    listener=$!
    GRADER_EXTRA="$SANDBOX_ARG" grade_and_expect "$dir" "$lab" "$dir/expect" "0|1" || status=1
    kill "$listener" 2>/dev/null
    wait "$listener" 2>/dev/null
    if [ "$before" != "$(kit_fingerprint)" ]; then
        echo "the attack changed the kit's files:"
        diff <(echo "$before") <(kit_fingerprint) | head -20
        status=1
    fi
    if [ -s "$seen" ]; then
        echo "the attack reached a server on this machine"
        status=1
    fi
    if [ "$(id -u)" -eq 0 ] && pgrep -u "$ATTACK_UID" >/dev/null; then
        echo "processes of the sandbox's user are still running:"
        ps -o pid,user,args -u "$ATTACK_UID"
        status=1
    fi
    if grep -l FORGED "$LOGS"/results-"$(basename "$dir")"-*.{json,xml} 2>/dev/null; then
        echo "a report holds the attack's forgery"
        status=1
    fi
    rm -f "$seen"
    [ "$status" -eq 0 ] && echo "contained: kit unchanged, nothing left running, no connection, reports the grader's"
    return "$status"
}

# grade_fixture DIR LAB: a fixture folder holds what its submission changes
# in the lab's reference solution: whole files that replace the solution's,
# and FILE.patch, a unified diff (a/FILE, b/FILE) applied to it. Graded is
# the solution with those changes; a patch that no longer applies fails.
grade_fixture() {
    local dir=$1 lab=$2 tmp out status p
    tmp=$(mktemp -d)
    out=$tmp/$(basename "$dir")
    mkdir "$out"
    cp -R "$ROOT/solutions/$lab/." "$out/" &&
        cp -R "$dir/." "$out/" &&
        rm -f "$out/expect" "$out"/*.patch || return 1
    for p in "$dir"/*.patch; do
        [ -e "$p" ] || continue
        if ! patch -s -d "$out" -p1 --no-backup-if-mismatch <"$p"; then
            echo "$p no longer applies to solutions/$lab: update the fixture"
            rm -rf "$tmp"
            return 1
        fi
    done
    chmod -R a+rX "$tmp"
    grade_and_expect "$out" "$lab" "$dir/expect" "0|1"
    status=$?
    rm -rf "$tmp"
    return "$status"
}

# The reference solutions get full marks (exit status 0).
solutions_full_marks() {
    "$GRADER" --kit "$ROOT" --submission "$ROOT/solutions" --no-progress
}

# The grader refuses bad input with a message and exit status 2.
grader_refuses_bad_input() {
    local tmp out status
    tmp=$(mktemp -d)
    chmod 755 "$tmp" # as root, student code runs as nobody, who must read the kit
    mkdir -p "$tmp/empty" "$tmp/kit/labs/01-cores"
    printf '[lab]\ntitle = x\nsubmit = cores.c\n[test "t"]\nkind = chek\npoints = 1\n' \
        >"$tmp/kit/labs/01-cores/lab.ini"
    touch "$tmp/kit/labs/01-cores/cores.c"
    expect_refusal() { # WANT_TEXT ARGS...
        local want=$1
        shift
        out=$("$GRADER" --no-progress "$@" 2>&1)
        status=$?
        if [ "$status" -ne 2 ] || ! grep -qF -- "$want" <<<"$out"; then
            echo "grader $*: exit status $status (want 2), output lacks '$want':"
            echo "$out"
            return 1
        fi
        echo "grader $*: refused, says '$want'"
    }
    expect_refusal "usage: grader" --kit "$ROOT" --frobnicate &&
        expect_refusal "no lab '99'" --kit "$ROOT" --lab 99 &&
        expect_refusal "no such folder" --kit "$ROOT" --submission "$tmp/nowhere" &&
        expect_refusal "missing submit file" --kit "$ROOT" --lab 01 --submission "$tmp/empty" &&
        expect_refusal "unknown kind 'chek'" --kit "$tmp/kit" &&
        expect_refusal "--timeout zero" --kit "$ROOT" --timeout zero &&
        expect_refusal "--hide $tmp/nowhere: no such folder" --kit "$ROOT" --hide "$tmp/nowhere" &&
        expect_refusal "it holds the kit" --kit "$ROOT" --hide "$ROOT/.."
    status=$?
    if [ "$status" -eq 0 ] && [ "$(id -u)" -eq 0 ]; then
        chmod 700 "$tmp/kit"
        expect_refusal "no such user" --kit "$ROOT" --sandbox-user no-such-user-here &&
            expect_refusal "who cannot use the kit" --kit "$tmp/kit"
        status=$?
    fi
    rm -rf "$tmp"
    return "$status"
}

labs=$(for f in labs/*/lab.ini; do basename "$(dirname "$f")"; done)

step "build everything" "$MAKE" all
for mode in release asan tsan; do
    step "libkit unit tests ($mode)" "$MAKE" run-unit-tests MODE=$mode
done
for lab in $labs; do
    if [ -d "solutions/$lab" ]; then
        for mode in release asan tsan; do
            step "$lab solution passes ($mode)" "$MAKE" -C "labs/$lab" check MODE=$mode \
                SUBMIT_DIR="$ROOT/solutions/$lab" OUT="$ROOT/build/$mode/solutions/$lab"
        done
    fi
    step "$lab starter fails cleanly" starter_fails_cleanly "$lab"
    step "$lab programs refuse bad flags" programs_reject_bad_flags "build/release/labs/$lab"
done
for mode in release asan; do
    step "grader unit tests ($mode)" "$MAKE" run-grader-tests MODE=$mode
done
step "grader refuses bad input" grader_refuses_bad_input
step "solutions grade at full marks" solutions_full_marks
step "starters grade at zero, promptly" grade_and_expect "$ROOT/labs" "" \
    "$ROOT/grader/tests/fixtures/starters.expect" 1
for dir in grader/tests/fixtures/*/*/; do
    lab=$(basename "$(dirname "$dir")")
    name=$(basename "$dir")
    [ -f "$dir/expect" ] && [ "$lab" != attacks ] || continue
    step "fixture $lab/$name" grade_fixture "$ROOT/$dir" "$lab"
done
for dir in grader/tests/fixtures/attacks/*/; do
    step "attack $(basename "$dir") contained" attack_contained "$ROOT/$dir"
done
step "CI templates and the Gradescope package" "$ROOT/mk/test-ci.sh"
step "grading a class from a folder" "$ROOT/mk/test-class.sh"
step "docs build without warnings" "$MAKE" docs
step "slides render, compile and read offline" "$MAKE" test-slides

echo
if [ "$failed" -gt 0 ]; then
    echo "failed: ${failures[*]}"
    echo "logs: build/test-logs/"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
