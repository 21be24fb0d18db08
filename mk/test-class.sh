#!/usr/bin/env bash
# A step of `make test`: grade-class on a small class of lab 02, graded on
# the quick tests only (TEST=matches). Checks the gradebook's rows, columns
# and totals, resuming, FORCE=1, an interrupted run, refusals of bad input,
# and that a student's code cannot read another student's folder during
# batch grading. Exit status 0 when every check passes.
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
MAKE=${MAKE:-make}
WORK=$ROOT/build/test-class
CLASS=$WORK/class
OUT=$WORK/out
GC=$ROOT/build/release/grader/grade-class
LAB=02-threads
ONLY=matches
SECRET=ALICE-SECRET-7f3a
ATTACK=$ROOT/grader/tests/fixtures/attacks/read-other-student

fail() {
    echo "FAIL: $*"
    exit 1
}
say() { echo "ok: $*"; }

# Nanoseconds now, and seconds between two readings to a tenth.
now() { date +%s%N; }
seconds() {
    local tenths=$((($2 - $1) / 100000000))
    echo "$((tenths / 10)).$((tenths % 10))"
}

# The sum of the test scores in a results.json, and its top-level score.
# The grader writes it with jansson's two-space indent (report_json.c), so
# the tests' "score" keys are the ones six spaces in; this avoids needing
# a JSON tool on the machine.
json_tests_sum() {
    awk '/^      "score": /{gsub(/[",]/, "", $2); s += $2}
         END {printf "%.3f\n", s}' "$1"
}
json_score() {
    awk '/^  "score": /{gsub(/[",]/, "", $2); printf "%.3f\n", $2}' "$1"
}
same_number() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a - b < 0.01 && b - a < 0.01)}'; }

$MAKE -s grader grade-class-bin MODE=release || fail "grade-class does not build"
# One run at a time: a second `make test` would remove this one's class.
exec 9>"$ROOT/build/test-class.lock"
flock 9 || fail "cannot lock build/test-class.lock"
rm -rf "$WORK"
mkdir -p "$WORK"

# The class. Every layout a student may hand in: a labs/ tree, an NN-name/
# folder, flat files; a student who handed in nothing; and the attack.
make_class() {
    mkdir -p "$CLASS/ann/labs/$LAB" "$CLASS/dave/$LAB" "$CLASS/bob" \
        "$CLASS/carl" "$CLASS/alice" "$CLASS/.hidden-not-a-student"
    cp "solutions/$LAB/parallel.c" "$CLASS/ann/labs/$LAB/"
    cp "solutions/$LAB/parallel.c" "$CLASS/dave/$LAB/"
    cp "labs/$LAB/parallel.c" "$CLASS/bob/"
    echo "I will hand it in tomorrow" >"$CLASS/carl/README.txt"
    { cat "solutions/$LAB/parallel.c"; echo "/* $SECRET */"; } >"$CLASS/alice/parallel.c"
    if [ -d "$ATTACK" ]; then
        mkdir -p "$CLASS/mallory"
        cp -R "$ATTACK/." "$CLASS/mallory/"
        STUDENTS="alice ann bob carl dave mallory"
    else
        echo "note: $ATTACK is missing: the attack check is skipped"
        STUDENTS="alice ann bob carl dave"
    fi
    NSTUDENTS=$(echo $STUDENTS | wc -w)
}
make_class

# --- 1. A first run, through make: every student graded but carl. -------
start=$(now)
$MAKE grade-class SUBMISSIONS="$CLASS" LAB=02 TEST="$ONLY" OUT="$OUT" \
    >"$WORK/run1.txt" 2>&1
status=$?
cat "$WORK/run1.txt"
echo "first run: $(seconds "$start" "$(now)") s"
[ "$status" -ne 0 ] || fail "carl handed in nothing, yet make grade-class succeeded"
grep -q "could not grade 1" "$WORK/run1.txt" || fail "run 1 should count carl as not graded"
CSV=$OUT/gradebook.csv
[ -f "$CSV" ] || fail "no $CSV"

# Columns: student, the lab's tests that TEST selects (lab.ini's order),
# total, max, status.
want="student"
while IFS= read -r name; do
    want="$want,$LAB: $name"
done < <(sed -n 's/^\[test "\(.*\)"\]/\1/p' "labs/$LAB/lab.ini" | grep -F "$ONLY")
want="$want,total,max,status"
header=$(head -1 "$CSV")
[ "$header" = "$want" ] || fail "gradebook header is
  $header
want
  $want"
ncols=$(($(echo "$want" | tr -cd , | wc -c) - 3)) # test columns
say "header: $header"

# Rows: one per student, sorted, none for the dot folder.
rows=$(tail -n +2 "$CSV" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')
[ "$rows" = "$STUDENTS" ] || fail "gradebook rows are '$rows', want '$STUDENTS'"
say "rows: $rows"

# Totals: the cells add up to the total, which is the sum of the scores in
# the student's results.json; solutions get full marks, the starter less.
check_rows() {
    local student cells total max status sum json i
    while IFS= read -r line; do
        student=${line%%,*}
        IFS=, read -r -a f <<<"$line"
        total=${f[$((ncols + 1))]}
        max=${f[$((ncols + 2))]}
        status=$(cut -d, -f$((ncols + 4))- <<<"$line")
        json=$OUT/$student/$LAB/results.json
        case $student in
        carl)
            [[ "$status" == "could not grade: $LAB: "*parallel.c* ]] ||
                fail "carl's status: '$status'"
            ;;
        *)
            [ "$status" = graded ] || fail "$student's status: '$status'"
            ;;
        esac
        [ -f "$json" ] || fail "$student: no $json"
        sum=0
        for ((i = 1; i <= ncols; i++)); do
            sum=$(awk -v a="$sum" -v b="${f[$i]}" 'BEGIN {printf "%.3f", a + b}')
        done
        same_number "$sum" "$total" || fail "$student: cells add up to $sum, total says $total"
        same_number "$total" "$(json_tests_sum "$json")" ||
            fail "$student: total $total, results.json's tests add up to $(json_tests_sum "$json")"
        same_number "$total" "$(json_score "$json")" ||
            fail "$student: total $total, results.json's score is $(json_score "$json")"
        case $student in
        alice | ann | dave)
            same_number "$total" "$max" || fail "$student (a solution): $total of $max"
            ;;
        bob)
            same_number "$total" "$max" && fail "bob (the starter): full marks"
            ;;
        esac
        echo "ok: $student: total $total of $max = the results.json's sum; $status"
    done < <(tail -n +2 "$CSV")
}
check_rows
for student in $STUDENTS; do
    [ -s "$OUT/$student/$LAB/report.txt" ] || fail "$student: no report.txt"
done
say "every student has a report.txt"

# --- 2. The attack: mallory's code looked for alice's folder. ------------
if [ -d "$ATTACK" ]; then
    grep -rq "$SECRET" "$CLASS/alice" || fail "the secret is not in alice's folder: the check would prove nothing"
    [ -f "$OUT/mallory/$LAB/results.json" ] || fail "mallory was not graded"
    if grep -rl "$SECRET" "$OUT/mallory"; then
        fail "mallory's outputs hold alice's secret: student code read another student's folder"
    fi
    say "alice's secret appears nowhere under OUT/mallory/, which has its results.json"
fi

# --- 3. A re-run skips everything, and is quick. -------------------------
touch "$WORK/marker"
start=$(now)
"$GC" --kit "$ROOT" --submissions "$CLASS" --lab 02 --test "$ONLY" --out "$OUT" \
    >"$WORK/run2.txt" 2>&1
status=$?
secs=$(seconds "$start" "$(now)")
cat "$WORK/run2.txt"
[ "$status" -eq 1 ] || fail "re-run: exit status $status, want 1 (carl)"
grep -q "^$NSTUDENTS already graded, skipped; FORCE=1 regrades" "$WORK/run2.txt" ||
    fail "re-run did not say it skipped $NSTUDENTS"
[ -z "$(find "$OUT" -name results.json -newer "$WORK/marker")" ] || fail "re-run rewrote a results.json"
awk -v s="$secs" 'BEGIN {exit !(s < 5)}' || fail "re-run took $secs s"
say "re-run skipped all $NSTUDENTS in $secs s"

# --- 4. A results.json cut short counts as not graded. -------------------
head -c 100 "$OUT/bob/$LAB/results.json" >"$WORK/half" && mv "$WORK/half" "$OUT/bob/$LAB/results.json"
"$GC" --kit "$ROOT" --submissions "$CLASS" --lab 02 --test "$ONLY" --out "$OUT" \
    >"$WORK/run3.txt" 2>&1
cat "$WORK/run3.txt"
grep -q "^$((NSTUDENTS - 1)) already graded" "$WORK/run3.txt" || fail "a half results.json counted as graded"
grep -q "bob $LAB" "$WORK/run3.txt" || fail "bob was not regraded"
say "a half-written results.json is regraded"

# --- 5. FORCE=1 regrades everyone. ----------------------------------------
touch "$WORK/marker"
$MAKE grade-class SUBMISSIONS="$CLASS" LAB=02 TEST="$ONLY" OUT="$OUT" FORCE=1 \
    >"$WORK/run4.txt" 2>&1
cat "$WORK/run4.txt"
grep -q "already graded" "$WORK/run4.txt" && fail "FORCE=1 skipped some"
n=$(find "$OUT" -name results.json -newer "$WORK/marker" | wc -l)
[ "$n" -eq "$NSTUDENTS" ] || fail "FORCE=1 rewrote $n results.json, want $NSTUDENTS"
check_rows
say "FORCE=1 regraded all $NSTUDENTS"

# --- 6. An interrupted run leaves nothing half done that counts. ---------
"$GC" --kit "$ROOT" --submissions "$CLASS" --lab 02 --test "$ONLY" --out "$OUT" \
    --force --jobs 1 >"$WORK/run5.txt" 2>&1 &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid"
status=$?
cat "$WORK/run5.txt"
[ "$status" -eq 1 ] || fail "interrupted run: exit status $status, want 1"
grep -q "^interrupted" "$WORK/run5.txt" || fail "the interrupted run did not say so"
graded=$(find "$OUT" -name results.json | wc -l)
[ "$graded" -lt "$NSTUDENTS" ] || fail "the run was not interrupted early enough to test"
"$GC" --kit "$ROOT" --submissions "$CLASS" --lab 02 --test "$ONLY" --out "$OUT" \
    >"$WORK/run6.txt" 2>&1
cat "$WORK/run6.txt"
grep -q "^$graded already graded" "$WORK/run6.txt" || fail "the resumed run should skip the $graded graded"
check_rows
say "interrupted after $graded, the next run graded the rest"

# --- 7. A class where everyone is graded: exit status 0. -----------------
mkdir -p "$WORK/good"
cp -R "$CLASS/ann" "$CLASS/dave" "$WORK/good/"
"$GC" --kit "$ROOT" --submissions "$WORK/good" --lab 02 --test "$ONLY" \
    --out "$WORK/good-out" >"$WORK/run7.txt" 2>&1
status=$?
cat "$WORK/run7.txt"
[ "$status" -eq 0 ] || fail "a class graded in full: exit status $status, want 0"
say "a class graded in full exits with 0"

# --- 8. Bad input: exit status 2 and a message. --------------------------
refused() { # WANT_TEXT ARGS...
    local want=$1 out status
    shift
    out=$("$GC" --kit "$ROOT" "$@" 2>&1)
    status=$?
    if [ "$status" -ne 2 ] || ! grep -qF -- "$want" <<<"$out"; then
        fail "grade-class $*: exit status $status (want 2), output lacks '$want': $out"
    fi
    say "grade-class $*: refused: $(head -1 <<<"$out")"
}
refused "no class to grade"
refused "no such folder" --submissions "$WORK/nowhere"
refused "no lab '99'" --submissions "$CLASS" --lab 99
refused "inside --submissions" --submissions "$CLASS" --out "$CLASS/results"
refused "--jobs zero" --submissions "$CLASS" --jobs zero
mkdir -p "$WORK/empty-class"
refused "holds no student folder" --submissions "$WORK/empty-class"
out=$($MAKE grade-class 2>&1)
[ $? -ne 0 ] && grep -q "give SUBMISSIONS=DIR" <<<"$out" ||
    fail "make grade-class without SUBMISSIONS: $out"
say "make grade-class without SUBMISSIONS: refused: $(head -1 <<<"$out")"

echo "all class grading checks passed"
